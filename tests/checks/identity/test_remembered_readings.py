"""What the index remembers across an audience (a display name read once per text, the letters beside a surname
compared with its forenames once, a word's near surnames found once: RegisterIndex.remember) changes no reading:
every row of an audience resolved in one run is the row its profile gets resolved alone, with a fresh index,
also when the memory fills and is emptied mid-run."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import pytest

from checks.identity import RegisterIndex, resolve_identities
from checks.identity import register_index as register_index_module
from tests.builders.audience import audience, x_member
from tests.builders.registers import AS_OF, parent, pupil, register_frames, staff

PUPILS = [
    pupil("P0001", "Evelyn", "Lockwood", born=date(2016, 5, 2), year="5"),
    pupil("P0002", "Jessica", "Smith", born=date(2017, 3, 1), year="4"),
    pupil("P0003", "Jessica", "Smith", born=date(2019, 1, 9), year="2"),
    pupil("P0004", "Ibrahim", "Bashir", born=date(2018, 6, 1), year="3"),
    pupil("P0005", "Oliver", "Brown", born=date(2016, 9, 30), year="5"),
]
STAFF = [staff("S001", "Sarah", "Robinson"), staff("S002", "Gareth", "Jones", role="Teaching Assistant")]
PARENTS = [
    parent("PA001", "Claire", "Smith", of=("P0002",)),
    parent("PA002", "Garath", "Jones", of=("P0005",)),
]
YOUNG = datetime(2025, 9, 1, tzinfo=UTC)
# Profiles whose display names, usernames, the letters beside a surname and username tails recur.
PROFILES = [
    ("jess_smith_y4", "Jessica Smith", None, YOUNG),
    ("jessicasmith2017", "Jessica Smith", None, YOUNG),
    ("smithfam", "Jessica Smith", "Mum of 2", None),
    ("jsmithers", "Jessica Smithers", None, YOUNG),
    ("evie_lockwood", "Evie Lockwood", None, YOUNG),
    ("lockwood_evelyn", "Evelin Lockwood", None, YOUNG),
    ("qwrtyp_lockwood", "Qwrtyp Lockwood", None, None),
    ("evleynlockwood", "Evleyn Lockwood", None, YOUNG),
    ("evelyn_l", "Evleyn Lockwood", "Year 5", YOUNG),
    ("ibrahimbsahir19", "Ibrahim", None, YOUNG),
    ("ibrahimbsahir", "Ibrahim B", None, YOUNG),
    ("gareth_jones", "Gareth Jones", "TA. Views my own", None),
    ("garethjones", "Gareth Jones", None, None),
    ("mrs_robinson", "Mrs Robinson", "Teacher", None),
    ("olliebrown", "Ollie Brown 🌸", None, YOUNG),
    ("olliebrown5", "Ollie Brown 🌸", "Y5", YOUNG),
    ("user4242", "Sarah Robinson", "Dentist", None),
]


def _index() -> RegisterIndex:
    frames = register_frames(PUPILS, STAFF, PARENTS)
    return RegisterIndex(
        frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name="Meadowbank Primary School"
    )


def _members() -> list[dict[str, Any]]:
    # Every profile twice over, in two orders: the second reading of each is made from what the first left.
    rows = [*PROFILES, *reversed(PROFILES)]
    return [
        x_member(str(1000 + n), handle, name, bio=bio, created=created)
        for n, (handle, name, bio, created) in enumerate(rows)
    ]


@pytest.mark.parametrize("memory", [None, 3], ids=["as-set", "emptied-every-3"])
def test_an_audience_resolves_as_each_profile_alone(
    memory: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if memory is not None:  # every kind emptied often: a reading made again is the one made first
        monkeypatch.setattr(register_index_module, "MEMORY_PER_KIND", memory)
        kinds = register_index_module.MEMORY_FOR_KIND
        monkeypatch.setattr(register_index_module, "MEMORY_FOR_KIND", dict.fromkeys(kinds, memory))
    index = _index()
    together = resolve_identities(audience(*_members()), index)
    indexes = [_index() for _ in _members()]
    alone = pl.concat(
        [resolve_identities(audience(member), own) for member, own in zip(_members(), indexes, strict=True)]
    )

    assert together.equals(alone)
    # The same candidates were found and read, none more: the blocking, not only the decisions, is unchanged.
    assert index.stats.candidates == sum(own.stats.candidates for own in indexes)
    assert index.stats.lookups == sum(own.stats.lookups for own in indexes)
    assert {"pupil", "staff_personal", "unknown"} <= set(together["person_kind"])


def test_each_kind_kept_longer_is_a_kind_the_index_remembers() -> None:
    """MEMORY_FOR_KIND names kinds by the first item of `remember`'s key: a name no caller uses would keep nothing
    longer, silently."""
    index = _index()
    resolve_identities(audience(*_members()), index)

    assert set(register_index_module.MEMORY_FOR_KIND) <= set(index._memo)
