"""trust.toml is read strictly: every problem with its line, all at once; slugs and lakes from the paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.config.school import ConfigError
from flows.config.trust import audited_lakes, load_trust, school_lake, slug_of


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "trust.toml"
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def test_a_trust_with_defaults(tmp_path: Path) -> None:
    trust = load_trust(
        write(
            tmp_path,
            """
[trust]
name = "Riverside Learning Trust"
controller = "schools"

[[schools]]
config = "carleton-green/school.toml"
[[schools]]
sandbox = "datasets/Willow Tree"
""",
        )
    )
    assert trust.controller == "schools" and trust.parallel >= 1
    assert [s.slug for s in trust.schools] == ["carleton-green", "willow-tree"]
    assert trust.schools[0].school_toml == (tmp_path / "carleton-green" / "school.toml").resolve()
    assert trust.schools[1].sandbox and trust.schools[1].school_toml.name == "school.toml"
    assert trust.catalog == "sqlite:" + str((tmp_path / "lake" / "catalog").resolve())
    location = school_lake(trust, "willow-tree")
    assert location.catalog.endswith("lake/catalog/willow-tree.sqlite")
    assert audited_lakes(trust) == {}  # no run has written a locator yet


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[trust]
name = ""
controler = "trust"
parallel = 0

[warehouse]
catalog = "mysql:x"

[[schools]]
config = "a/school.toml"
[[schools]]
config = "b/a/school.toml"
[[schools]]
config = "c/school.toml"
sandbox = "c"
[[schools]]
sandbox = "d"
slug = "Not A Slug"
""",
    )
    with pytest.raises(ConfigError) as raised:
        load_trust(path)
    problems = raised.value.problems
    text = "\n".join(problems)
    assert "trust.toml line 2: [trust] name must be a non-empty name" in text
    assert "line 3: unknown key controler in [trust]; did you mean controller?" in text
    assert "controller must be one of trust, schools" in text
    assert "line 4: [trust] parallel must be a whole number from 1 to 64" in text
    assert "line 7: [warehouse] catalog must be sqlite:DIR or postgres:CONNINFO" in text
    assert "line 11: [[schools]] #2 has the same slug 'a' as #1" in text
    assert "line 13: [[schools]] #3 needs exactly one of config" in text
    assert "line 18: [[schools]] #4 slug must be lower-case letters" in text


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_trust(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_trust(write(tmp_path, "[trust\n"))
    with pytest.raises(ConfigError, match="at least one"):
        load_trust(write(tmp_path, '[trust]\nname = "T"\ncontroller = "trust"\n'))


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        ("carleton-green/school.toml", "carleton-green"),
        ("../x/St Mary's CE", "st-mary-s-ce"),
        ("./", "school"),
    ],
)
def test_slugs_come_from_the_path(path: str, slug: str) -> None:
    assert slug_of(path) == slug


REVIEW_APP_TRUST = """
[trust]
name = "Riverside Learning Trust"
controller = "{controller}"

[[schools]]
sandbox = "a"
slug = "north-lane"
[[schools]]
sandbox = "b"
slug = "st-brides"

[review_app]
accounts_file = "accounts.json"

[[review_app.grants]]
role = "dpo"
who = ["dpo@riverside.example"]
schools = ["*"]

[[review_app.grants]]
role = "reviewer"
who = ["local:sam"]
schools = ["north-lane", "hollybank"]

[[review_app.grants]]
role = "reviewer"
who = ["local:vic"]
"""


def test_review_app_grants_name_the_trusts_schools_and_every_school_only_where_the_trust_is_controller(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError) as refused:
        load_trust(write(tmp_path, REVIEW_APP_TRUST.format(controller="schools")))
    problems = refused.value.problems
    assert any("line 18" in p and 'allowed only where controller = "trust"' in p for p in problems), problems
    assert any("does not have: hollybank" in p for p in problems), problems
    assert any("#3 schools must list school slugs" in p for p in problems), problems
    with pytest.raises(ConfigError) as refused:
        load_trust(write(tmp_path, REVIEW_APP_TRUST.format(controller="trust")))
    assert not any("controller" in p for p in refused.value.problems)
    fixed = (
        REVIEW_APP_TRUST.format(controller="trust")
        .replace(', "hollybank"', "")
        .replace('who = ["local:vic"]', 'who = ["local:vic"]\nschools = ["st-brides"]')
    )
    trust = load_trust(write(tmp_path, fixed))
    grants = {g.who[0]: g.schools for g in trust.review_app.grants}
    assert grants == {
        "dpo@riverside.example": None,
        "local:sam": ("north-lane",),
        "local:vic": ("st-brides",),
    }
    assert trust.review_app.accounts_file == str((tmp_path / "accounts.json").resolve())
