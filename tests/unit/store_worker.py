"""Child process for tests/unit/test_store_durability.py.

    python tests/unit/store_worker.py DATA_DIR [COUNT] [LABEL]

Opens the store, prints ``ready``, waits for a line on stdin if COUNT is
given (so several workers start together), then adds notes -- COUNT of them,
or forever when COUNT is 0 -- printing each note's id (flushed) only after
``add_note`` has returned. Exits 3 if the store opened with a warning.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ldn_tui.notes import Store  # noqa: E402


def main() -> int:
    data_dir = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    label = sys.argv[3] if len(sys.argv) > 3 else "worker"
    store = Store.open(data_dir)
    if store.warning or store.read_only:
        print(f"warning: {store.warning}", flush=True)
        return 3
    print("ready", flush=True)
    if count:
        sys.stdin.readline()  # go
    i = 0
    while not count or i < count:
        note = store.add_note("pane", f"slug-{i % 7}", "Heading", f"{label} note {i}\n\x00[bold]")
        sys.stdout.write(note.id + "\n")
        sys.stdout.flush()
        i += 1
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
