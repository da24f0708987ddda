"""A school's first run catalogues its approved library while Prefect's temporary server starts, not after it.

Why: the published images a first run downloads are read once the library is catalogued (checks/images/copies.py: a
copy takes its file's reading), and until the flow starts one core is mostly idle, the server booting on the other
(flows/commands/common.py `_start_prefect_early`). The whole library is new on a first run, so what the flow would
catalogue is known before the warehouse is read: every image of the folder, none read or hashed before.

The flow takes the catalogue started here only when the warehouse it reads has no image read and no library file
hashed (`take`): exactly the state the catalogue assumed, so it is what the flow would have made itself. Otherwise
it is let go, and the flow catalogues its library as on any other week.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from checks.images.reading import LibraryRead, ReadOnce, catalogue_library_folder
from checks.registers.contract import APPROVED_MEDIA_DIR
from flows.config.school import SchoolConfig, load_config
from warehouse.state import WarehouseState

_started: dict[Path, tuple[ReadOnce, Future[LibraryRead]]] = {}
_lock = threading.Lock()


def catalogue_a_first_week(school_toml: Path, warehouse_is_new: Callable[[SchoolConfig], bool]) -> None:
    """Begin cataloguing the library of the school at `school_toml` when its run reads images into a warehouse not
    made yet (`warehouse_is_new`, asked of the school's configuration): its first week. Anything amiss here (a
    broken school.toml, a warehouse that cannot be located) is met again, and said, by the school's own flow."""
    with contextlib.suppress(Exception):
        config = load_config(school_toml)
        if config.images.read and warehouse_is_new(config):
            catalogue_ahead(config.registers_dir)


def catalogue_ahead(registers_dir: Path) -> None:
    """Catalogue the library of `registers_dir` on a thread of its own, as for a warehouse with nothing in it."""
    once = ReadOnce(())
    catalogued: Future[LibraryRead] = Future()

    def run() -> None:
        try:
            directory = registers_dir / APPROVED_MEDIA_DIR
            catalogued.set_result(catalogue_library_folder(directory, once.read_before, once.originals))
        except BaseException as error:  # the flow's catalogue task raises it, as its own catalogue would have
            catalogued.set_exception(error)

    with _lock:
        _started[registers_dir.resolve()] = (once, catalogued)
    threading.Thread(target=run, name="library-catalogued-ahead", daemon=True).start()


def take(registers_dir: Path, state: WarehouseState) -> tuple[ReadOnce, Future[LibraryRead]] | None:
    """The catalogue started ahead for `registers_dir` (what the run reads once, and its library), when `state`
    holds nothing it assumed away; None when none was started or it is not the warehouse's first week (then let
    go: its pixels are freed, its readings never asked for)."""
    with _lock:
        found = _started.pop(registers_dir.resolve(), None)
    if found is None:
        return None
    if state.images_read or state.approved_hashes:
        found[0].originals.abandon()
        return None
    return found


def read_once(
    registers_dir: Path, state: WarehouseState, images_read: bool
) -> tuple[ReadOnce | None, Future[LibraryRead] | None]:
    """What a run reads once (None when it reads no image) and its library's catalogue if one was begun ahead
    for it (`take`); otherwise the flow catalogues the library itself."""
    if not images_read:
        return None, None
    found = take(registers_dir, state)
    return found if found is not None else (ReadOnce(state.images_read), None)
