"""A terminal for the benchmarks: one pane of a private tmux server, driven
by one control-mode client (``tmux -C``).

The client sends keys, starts programs and reads the screen without a new
``tmux`` process per command: a capture costs about 0.2 ms instead of the
~5 ms of a process, so polling the screen every few milliseconds no longer
takes most of one of the machine's two cores away from the program being
measured (it did in the first start-up benchmark, and made its figures
swing by tens of milliseconds from run to run).

    term = Terminal(env)              # an empty 100x30 pane
    term.start([...], env)            # (re)start a program in it
    term.screen()                     # the pane's lines
    term.command("send-keys 3")       # any tmux command
    term.close()
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time

#: What the pane runs between programs: a cleared screen, then nothing.
IDLE = "printf '\\033[2J\\033[H'; exec sleep 100000"


class Terminal:
    """A 100x30 pane in a private tmux server, driven by one control-mode client."""

    def __init__(self, env: dict[str, str], size: tuple[int, int] = (100, 30)) -> None:
        self.socket = f"ldn-bench-{os.getpid()}-{id(self):x}"
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        width, height = size
        launch = ["tmux", "-L", self.socket, "new-session", "-d", "-s", "bench", "-x", str(width), "-y", str(height)]
        started = subprocess.run([*launch, IDLE], env=env, capture_output=True, text=True)
        if started.returncode != 0:
            raise SystemExit(f"tmux could not start: {started.stderr.strip()}")
        self.client = subprocess.Popen(
            ["tmux", "-L", self.socket, "-C", "attach", "-t", "bench"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self._reply()  # the attach's own reply
        # No %output notifications: the client only needs command replies.
        self.command("refresh-client -f no-output")

    def _reply(self) -> list[str]:
        assert self.client.stdout is not None
        lines: list[str] = []
        inside = False
        while True:
            line = self.client.stdout.readline()
            if not line:
                raise SystemExit("the tmux control client ended")
            if line.startswith("%begin"):
                inside, lines = True, []
            elif inside and line.startswith(("%end", "%error")):
                return lines
            elif inside:
                lines.append(line.rstrip("\n"))

    def command(self, text: str) -> list[str]:
        """Run one tmux command through the client; its output lines."""
        assert self.client.stdin is not None
        self.client.stdin.write(text + "\n")
        self.client.stdin.flush()
        return self._reply()

    def screen(self) -> list[str]:
        return self.command("capture-pane -p")

    def idle(self, settle: float = 0.3) -> None:
        """Stop the program in the pane and clear the screen; wait ``settle``
        seconds so the stopped program's exit is not measured with the next."""
        self.command(f"respawn-pane -k -t bench {shlex.quote(IDLE)}")
        time.sleep(settle)

    def start(self, command: list[str], env: dict[str, str] | None = None) -> float:
        """Start ``command`` in the pane (stopping what ran there); returns
        the ``perf_counter`` time just before tmux was asked to."""
        extra = "".join(f" -e {shlex.quote(f'{k}={v}')}" for k, v in (env or {}).items())
        text = f"respawn-pane -k -t bench{extra} {shlex.quote(shlex.join(command))}"
        start = time.perf_counter()
        self.command(text)
        return start

    def wait_for(self, needle: str, timeout: float = 20.0, poll: float = 0.002) -> float:
        """Seconds (``perf_counter``) when ``needle`` was first seen on screen."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if needle in "\n".join(self.screen()):
                return time.perf_counter()
            time.sleep(poll)
        raise SystemExit(f"timed out waiting for {needle!r}; screen was:\n" + "\n".join(self.screen()))

    def close(self) -> None:
        if self.client.stdin is not None:
            self.client.stdin.close()
        self.client.wait(timeout=5)
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
