"""A large audience is resolved in several processes (checks/identity/processes.py): the rows, their order and the
work counted are exactly what one process gives, including what depends on the whole audience (a channel's
subscription in one slice and its comment in another; the school's area learnt from every location; the staff
whose declared accounts are in the audience)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import pytest

from checks.identity import RegisterIndex, resolve_identities
from checks.identity.processes import PROFILES_PER_PROCESS, process_count, slice_bounds
from tests.builders.audience import audience, x_member, yt_member
from tests.builders.registers import AS_OF, parent, pupil, register_frames, staff

PUPILS = [
    pupil("P0001", "Jessica", "Hamilton-Price", born=date(2016, 5, 2), year="5"),
    pupil("P0002", "Oluwaseun", "Obi", born=date(2018, 3, 1), year="3"),
    pupil("P0003", "Tom", "Cox", born=date(2022, 1, 9), year="R"),
    pupil("P0004", "Aisha", "Khan", born=date(2012, 6, 1), year="6", status="left", left=date(2024, 7, 19)),
]
STAFF = [
    staff("S001", "Sarah", "Robinson"),
    staff("S002", "David", "Ward", role="Teaching Assistant"),
    staff("S003", "Helen", "Price", personal="x:@helen_reads"),
]
PARENTS = [parent("PA001", "Claire", "Cox", of=("P0003",), known="x:@claire_cox")]


def _index() -> RegisterIndex:
    frames = register_frames(PUPILS, STAFF, PARENTS)
    return RegisterIndex(
        frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name="Meadowbank Primary School"
    )


def _located(member: dict[str, Any], place: str) -> dict[str, Any]:
    return {**member, "location": place}


def _mixed_audience() -> pl.DataFrame:
    young = datetime(2025, 9, 1, tzinfo=UTC)
    members = [
        # A subscription (title and description, no handle) at the start; its comment at the end.
        {**yt_member("UCjessHamiltonPrice00001", "Jess H-P"), "description": "Year 5 at Meadowbank"},
        x_member("1", "jess_hamiltonprice", "Jess 🌸", created=young),
        x_member("2", "Oluw_Obi_y3", "Oluw", created=young),
        x_member("3", "TCoxR", "🦖", created=young),
        x_member("4", "claire_cox", "Claire"),
        x_member("5", "Mrs_Robinson", "Mrs R", bio="Teacher at Meadowbank Primary"),
        x_member("6", "dward_ta", "David W", bio="TA. Views my own"),
        x_member("7", "sarahrobinson_dentist", "Sarah Robinson", bio="Dentist in Glasgow"),
        x_member("8", "aishakhan2012", "Aisha Khan"),
        x_member("9", "helen_reads", "Helen 📚"),
    ]
    members += [
        _located(x_member(str(100 + n), f"neighbour{n}", f"Neighbour {n}"), "Meadowbank, Leeds")
        for n in range(12)
    ]
    members += [
        x_member(str(200 + n), f"public{n}", name) for n, name in enumerate(["Sam Cox", "Ann Obi"] * 5)
    ]
    # Late in the audience, so in a helper's slice: namesakes of staff whose location is read against the area
    # learnt from all the audience (Leeds here), one far from it and one in it.
    members.append(_located(x_member("300", "davidward", "David Ward"), "Glasgow, Scotland"))
    members.append(_located(x_member("301", "sarah_robinson", "Sarah Robinson"), "Leeds"))
    # A namesake of a member of staff whose declared account (early, in this process's slice) follows too.
    members.append(x_member("302", "HelenPrice", "Helen Price"))
    members.append(yt_member("UCjessHamiltonPrice00001", "@jesshp", relation="commenter", handle="@jesshp"))
    return audience(*members)


@pytest.mark.parametrize("processes", [2, 3])
def test_several_processes_resolve_exactly_as_one(processes: int) -> None:
    one_index, many_index = _index(), _index()
    one = resolve_identities(_mixed_audience(), one_index, processes=1)
    many = resolve_identities(_mixed_audience(), many_index, processes=processes)

    assert one.height == _mixed_audience().height
    assert set(one["person_kind"]) >= {"pupil", "former_pupil", "staff_personal", "parent", "unknown"}
    assert many.equals(one)
    assert many_index.locality == one_index.locality and one_index.locality  # learnt from the whole audience
    assert "@helen_reads" in one.filter(pl.col("subject_id") == "302")["evidence"].item()
    assert (many_index.stats.lookups, many_index.stats.candidates) == (
        one_index.stats.lookups,
        one_index.stats.candidates,
    )


def test_a_school_sized_audience_stays_in_one_process() -> None:
    assert process_count(5_000) == 1
    assert process_count(2 * PROFILES_PER_PROCESS - 1) == 1


def test_never_more_than_two_indexes_in_memory() -> None:
    # Each helper builds its own index (~790 MB at trust size): the 2 GB budget allows one helper.
    assert process_count(10_000_000) in (1, 2)


def test_slices_cover_every_row_in_order() -> None:
    assert slice_bounds(11, 3) == [(0, 4), (4, 4), (8, 3)]
    assert slice_bounds(1, 2) == [(0, 1), (1, 0)]


def test_this_process_takes_a_longer_slice_while_helpers_start() -> None:
    assert slice_bounds(250_000, 2, head_start=8_000) == [(0, 129_000), (129_000, 121_000)]
    assert slice_bounds(100, 2, head_start=8_000) == [(0, 56), (56, 44)]  # at most a quarter of an even run
    assert slice_bounds(3, 2, head_start=8_000) == [(0, 2), (2, 1)]
