"""The run-cost benchmark's school without its Meta accounts is the same school, less those accounts only."""

from __future__ import annotations

import tomllib
from pathlib import Path

from benchmarks.run_cost import META_PLATFORMS, without_platforms

SCHOOL = """[school]
name = "A School"

[[accounts]]
platform = "x"
handle = "ASchool"

[[accounts]]
platform = "facebook"
handle = "aschool"

[[accounts]]
platform = "instagram"
handle = "aschool"

[[accounts]]
platform = "youtube"
handle = "@ASchool"

[api]
backoff_seconds = 0.05
"""


def test_the_school_without_its_meta_accounts_keeps_everything_else(tmp_path: Path) -> None:
    school = tmp_path / "school"
    for folder in ("x", "youtube", "facebook", "instagram", "registers"):
        (school / folder).mkdir(parents=True)
        (school / folder / "kept.json").write_text("{}", encoding="utf-8")
    (school / "school.toml").write_text(SCHOOL, encoding="utf-8")

    bare = without_platforms(school, META_PLATFORMS, tmp_path / "bare")

    config = tomllib.loads((bare / "school.toml").read_text(encoding="utf-8"))
    assert [account["platform"] for account in config["accounts"]] == ["x", "youtube"]
    assert config["school"] == {"name": "A School"} and config["api"] == {"backoff_seconds": 0.05}
    assert sorted(p.name for p in bare.iterdir()) == ["registers", "school.toml", "x", "youtube"]
    assert (school / "facebook" / "kept.json").exists(), "the original school is left as it was"
