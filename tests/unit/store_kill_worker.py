"""Child process for tests/unit/test_store_kills.py.

    python tests/unit/store_kill_worker.py MODE DATA_DIR

Imports the store, prints ``ready``, then:

- ``update``: edits the first note again and again, printing ``v<i>``
  (flushed) once ``Store.save_edit`` has returned with text ``v<i> ...``;
- ``delete``: deletes the notes in creation order, printing each id once
  ``delete_note`` has returned;
- ``save``: saves the first note again and again the way the note editor
  does (:meth:`Notebook.save_edit <ldn_tui.notebook.Notebook.save_edit>`,
  with the version it loaded), printing ``v<i>`` once the save returned;
- ``open``: opens the store (which repairs or migrates the file) and
  prints ``done``.

The parent kills it at a random moment.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ldn_tui.notes import Store  # noqa: E402


def main() -> int:
    mode, data_dir = sys.argv[1], Path(sys.argv[2])
    print("ready", flush=True)
    store = Store.open(data_dir)
    if mode == "open":
        print("done", flush=True)
        store.close()
        return 0
    if store.warning or store.read_only:
        print(f"warning: {store.warning}", flush=True)
        return 3
    if mode == "update":
        target = store.notes()[0].id
        i = 0
        while True:
            i += 1
            store.save_edit(target, None, "p", "s", "H", f"v{i} " + "x" * 200)
            print(f"v{i}", flush=True)
    if mode == "save":
        from ldn_tui.content import load_library
        from ldn_tui.notebook import Notebook

        fixture = Path(__file__).resolve().parents[1] / "fixtures" / "content"
        book = Notebook(load_library(fixture), data_dir, store)
        note = book.notes()[0]
        print("saving", flush=True)  # the test's random kill time counts from here
        i = 0
        while True:
            i += 1
            saved = book.save_edit(note.pane_id, note.slug, note.heading, note.id, f"v{i} " + "x" * 200, note.updated)
            assert saved is not None and saved.outcome == "updated", saved
            note = saved.note
            print(f"v{i}", flush=True)
    if mode == "delete":
        for note in store.notes():
            store.delete_note(note.id)
            print(note.id, flush=True)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
