"""A trust's run catalogues ahead the libraries of the schools it starts with (flows/commands/trust.py), as a
school's own first run does: only in a lake not made yet, and no more schools than are audited at once."""

from __future__ import annotations

from pathlib import Path

from flows import library_ahead
from flows.commands.trust import _catalogue_libraries_ahead
from flows.config.school import load_config
from flows.config.trust import load_trust, school_lake
from tests.builders.tiny_dataset import build_tiny_dataset
from warehouse.state import WarehouseState

SLUGS = ("alder", "birch", "cedar")


def trust_of_three(root: Path) -> Path:
    for slug in SLUGS:
        build_tiny_dataset(root / "schools" / slug)
    entries = "".join(f'[[schools]]\nsandbox = "schools/{slug}"\n' for slug in SLUGS)
    toml = root / "trust.toml"
    toml.write_text(
        f'[trust]\nname = "Three Rivers"\ncontroller = "trust"\nparallel = 2\n\n{entries}', encoding="utf-8"
    )
    return toml


def catalogued_ahead(root: Path) -> list[str]:
    """The schools whose library a catalogue was begun for (each taken, so none is left behind)."""
    return [
        slug
        for slug in SLUGS
        if library_ahead.take(
            load_config(root / "schools" / slug / "school.toml").registers_dir, WarehouseState()
        )
    ]


def test_the_schools_started_first_have_their_libraries_catalogued_ahead(tmp_path: Path) -> None:
    trust = load_trust(trust_of_three(tmp_path))

    _catalogue_libraries_ahead(trust, trust.parallel)

    assert catalogued_ahead(tmp_path) == ["alder", "birch"]


def test_a_school_whose_lake_is_made_already_is_not_catalogued_ahead(tmp_path: Path) -> None:
    trust = load_trust(trust_of_three(tmp_path))
    catalog = Path(school_lake(trust, "alder").catalog.partition(":")[2])
    catalog.parent.mkdir(parents=True, exist_ok=True)
    catalog.touch()  # a week stored before: what it read is in the lake

    _catalogue_libraries_ahead(trust, 3)

    assert catalogued_ahead(tmp_path) == ["birch", "cedar"]
