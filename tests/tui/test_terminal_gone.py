"""When the terminal vanishes without a hang-up reaching the app (its input
reads end-of-file or EIO), the input thread stops and the app is told as if
the window closed, instead of spinning at full CPU on the dead descriptor
(an orphaned ldn-tui was seen at 81% CPU for minutes after its tmux server
was killed)."""

from __future__ import annotations

import os
import signal
import threading

from ldn_tui.tui import terminal_input
from ldn_tui.tui.terminal_input import PasteSafeLinuxDriver


def test_end_of_input_stops_the_reader_and_signals_a_hang_up(monkeypatch):
    read_end, write_end = os.pipe()
    os.write(write_end, b"ab")
    os.close(write_end)  # the other end is gone
    sent = []
    monkeypatch.setattr(terminal_input.os, "kill", lambda pid, sig: sent.append((pid, sig)))
    driver = object.__new__(PasteSafeLinuxDriver)
    driver._debug = False
    driver.fileno = read_end
    driver.exit_event = threading.Event()
    got = []
    driver.process_message = got.append
    thread = threading.Thread(target=driver.run_input_thread, daemon=True)
    thread.start()
    thread.join(5)
    os.close(read_end)
    assert not thread.is_alive(), "the input thread kept running on a closed terminal"
    assert sent == [(os.getpid(), signal.SIGHUP)]
    assert [getattr(m, "key", None) for m in got] == ["a", "b"]
