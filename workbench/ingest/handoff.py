"""Hand a worker's accepted rows to the loading process through shared memory (共享内存交接).

A worker process returns what it validated through the process pool's pipe, pickled: for the
accepted rows of a big file that is hundreds of megabytes copied three times (pickle, pipe,
unpickle) — about a microsecond a row in the worker and as much again in kernel time.  Instead
the worker writes the table once as an Arrow IPC file in ``/dev/shm`` (memory, never disk) and
returns its path; the loading process maps it without a copy, inserts it, and deletes it.

What goes there is warehouse-shaped — tokens and masks, no raw identifier — and lives only until
its file is loaded; the folder is private to the run (mode 0700) and removed when the run ends.
Where there is no ``/dev/shm`` (or it is full), the table travels pickled as before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

SHM = Path("/dev/shm")

#: Smaller tables are cheaper to pickle than to write and map.
MIN_ROWS = 20_000


@dataclass(frozen=True)
class Spilled:
    """An Arrow table waiting in shared memory."""

    path: Path
    num_rows: int


def make_folder() -> Path | None:
    """A private folder in shared memory for one ingest run, or None when there is none."""
    if not (SHM.is_dir() and os.access(SHM, os.W_OK)):
        return None
    return Path(tempfile.mkdtemp(prefix="workbench-ingest-", dir=SHM))


def remove_folder(folder: Path | None) -> None:
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def spill(table: pa.Table, folder: Path | None) -> pa.Table | Spilled:
    """Write ``table`` to ``folder`` (when it is big enough and there is room); else return it."""
    if folder is None or table.num_rows < MIN_ROWS:
        return table
    path = folder / f"{uuid.uuid4().hex}.arrow"
    try:
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    except OSError:  # shared memory full: pickle this one
        path.unlink(missing_ok=True)
        return table
    return Spilled(path, table.num_rows)


def restore(item: pa.Table | Spilled) -> pa.Table:
    """The table itself: a spilled one memory-mapped (no copy) and its file unlinked at once.

    The mapping keeps the pages alive until the table is released; the name is gone, so nothing
    is left behind if the loading process stops.
    """
    if not isinstance(item, Spilled):
        return item
    table = pa.ipc.open_file(pa.memory_map(str(item.path))).read_all()  # its buffers hold the mapping
    item.path.unlink(missing_ok=True)
    return table
