"""The evidence a run writes does not depend on the process: the candidates a set holds (forenames by their
first letters, surnames one edit away) are read in sorted order, so two runs of one week write the same text
whatever Python's hash seed (a namesake list that reordered itself would read as a changed finding)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.builders.paths import REPO

SCRIPT = """
import json
from datetime import UTC, date, datetime
from checks.identity import RegisterIndex, resolve_identities
from tests.builders.audience import audience, x_member
from tests.builders.registers import AS_OF, pupil, register_frames

# One Year 4 pupil the username fits; Reception namesakes its account is older than, named as ruled out.
pupils = [pupil("P0000", "Oluwaseun", "Obi", born=date(2018, 3, 1), year="4")]
pupils += [
    pupil(f"P{i:04d}", forename, "Obi", born=date(2021, 10, 1), year="R")
    for i, forename in enumerate(["Oluwatobiloba", "Oluwadamilola", "Oluwafemi", "Oluwakemi", "Oluwabukola"], 1)
]
pupils += [pupil("P0100", "Anna", "Smith"), pupil("P0101", "Hanna", "Smyth"), pupil("P0102", "Annie", "Smits")]
frames = register_frames(pupils, [], [])
index = RegisterIndex(frames["pupils"], frames["staff"], frames["parents"], AS_OF, school_name="Meadowbank")
members = [
    x_member("1600000000000000001", "Oluw_Obi_y4", "Oluw", created=datetime(2025, 11, 1, tzinfo=UTC)),
    x_member("1600000000000000002", "anna_smiht", "Anna Smiht"),
]
print(json.dumps(resolve_identities(audience(*members), index)["evidence"].to_list()))
"""


def _evidence(seed: str) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return list(json.loads(done.stdout))


def test_the_same_evidence_under_every_hash_seed() -> None:
    first = _evidence("1")
    assert (
        first[0].count("ruled out") == 5
    )  # the five Reception namesakes, in an order the seed must not change
    assert all(_evidence(seed) == first for seed in ("2", "3", "4", "5"))
