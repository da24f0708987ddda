"""A first run's library catalogued before the flow (flows/library_ahead.py) is taken only for a warehouse holding
nothing it assumed away: then it is what the flow's own catalogue would have made."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from skimage import data as photos

from checks.images.reading import ReadOnce, catalogue_library_folder
from checks.registers.contract import APPROVED_MEDIA_DIR
from flows import library_ahead
from warehouse.state import WarehouseState


def registers_with_a_library(root: Path) -> Path:
    folder = root / APPROVED_MEDIA_DIR
    folder.mkdir(parents=True)
    for name in ("astronaut", "coffee", "rocket"):
        buffer = io.BytesIO()
        Image.fromarray(getattr(photos, name)()).convert("RGB").save(buffer, "JPEG", quality=90)
        (folder / f"{name}.jpg").write_bytes(buffer.getvalue())
    return root


def test_a_first_runs_library_catalogued_ahead_is_what_the_flow_would_have_catalogued(tmp_path: Path) -> None:
    registers = registers_with_a_library(tmp_path)
    library_ahead.catalogue_ahead(registers)

    taken = library_ahead.take(registers, WarehouseState())

    assert taken is not None
    once, catalogued = taken
    assert once.originals.is_catalogued() or catalogued.result(timeout=60) is not None
    own = ReadOnce(())
    expected = catalogue_library_folder(registers / APPROVED_MEDIA_DIR, own.read_before, own.originals)
    assert catalogued.result(timeout=60) == expected and len(expected.fingerprints) == 3
    assert library_ahead.take(registers, WarehouseState()) is None  # taken once


def test_a_warehouse_that_read_or_hashed_before_lets_the_catalogue_ahead_go(tmp_path: Path) -> None:
    registers = registers_with_a_library(tmp_path)
    for state in (WarehouseState(images_read={"a" * 64}), WarehouseState(approved_hashes={"b" * 64: {}})):
        library_ahead.catalogue_ahead(registers)

        assert library_ahead.take(registers, state) is None


def test_nothing_catalogued_ahead_is_nothing_taken(tmp_path: Path) -> None:
    assert library_ahead.take(tmp_path, WarehouseState()) is None
