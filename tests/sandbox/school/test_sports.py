"""The sample school's second official X account (its sports account): shared followers, own posts, labels."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sandbox.school import build_labels, build_school, evolve, write_dataset
from tests.sandbox.school.test_school import AS_OF, Dataset, _files, _write

FOLLOWER_RULES = ("pupil-follower", "former-pupil-follower", "staff-personal-follower")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return _write(tmp_path_factory.mktemp("sports") / "school")


def _identities(small: Dataset, account_id: str) -> dict[str, dict[str, Any]]:
    return {
        i["subject_id"]: i
        for i in small.labels["identities"]
        if i["relation"] == "follower" and i.get("account_id") == account_id
    }


def test_the_sports_account_shares_followers_with_the_main_account(small: Dataset) -> None:
    main_id, sports_id = small.x_dirs
    main, sports = _identities(small, main_id), _identities(small, sports_id)
    shared = [sports[i] for i in sports.keys() & main.keys()]
    kinds = Counter(i["truth_kind"] for i in shared)
    assert kinds["pupil"] >= 2 and kinds["staff_personal"] >= 1
    assert kinds["parent"] >= 2 and kinds["unknown"] >= 3
    own = [sports[i] for i in sports.keys() - main.keys()]
    assert any(i["truth_kind"] == "pupil" for i in own), "a pupil who follows only the sports account"
    assert len(own) >= 5 and len(sports) < len(main)
    # A follower of both is one person: the same user object in both files.
    users = {u["id"]: u for u in small.json(small.x_dir / "followers.json")}
    for user in small.json(small.sports_dir / "followers.json"):
        if user["id"] in users:
            assert user == users[user["id"]]


def test_follower_rules_are_expected_once_per_account(small: Dataset) -> None:
    main_id, sports_id = small.x_dirs
    expected = [e for e in small.labels["expected_exceptions"] if e["rule"] in FOLLOWER_RULES]
    per_subject: dict[tuple[str, str], set[str]] = {}
    for e in expected:
        per_subject.setdefault((e["rule"], e["subject_id"]), set()).add(e["account_id"])
    both = [key for key, accounts in per_subject.items() if accounts == {main_id, sports_id}]
    assert len([k for k in both if k[0] == "pupil-follower"]) >= 2
    assert any(k[0] == "staff-personal-follower" for k in both)
    # Exactly one expected exception per (rule, account, subject): the key the pipeline gives it.
    keys = Counter(
        (e["rule"], e["platform"], e["account_id"], e["subject_kind"], e["subject_id"]) for e in expected
    )
    assert max(keys.values()) == 1
    for account_id in (main_id, sports_id):
        identities = _identities(small, account_id)
        pupils = {s for s, i in identities.items() if i["truth_kind"] == "pupil"}
        raised = {
            e["subject_id"]
            for e in expected
            if e["rule"] == "pupil-follower" and e["account_id"] == account_id
        }
        assert raised == pupils


def test_the_sports_posts_plant_media_and_naming_cases(small: Dataset) -> None:
    _, sports_id = small.x_dirs
    cases = {
        (e["rule"], e["case"])
        for e in small.labels["expected_exceptions"]
        if e["account_id"] == sports_id and e["subject_kind"] == "post"
    }
    rules = {rule for rule, _ in cases}
    assert {"unapproved-media", "consent-breach", "pupil-named"} <= rules
    assert ("unapproved-media", "carousel_unapproved_image") in cases
    following = {
        e["rule"]
        for e in small.labels["expected_exceptions"]
        if e["account_id"] == sports_id and e["subject_kind"] == "following"
    }
    assert following == {"official-follows-person"}
    clear = {c["case"] for c in small.labels["expected_clear"] if c["account_id"] == sports_id}
    assert {"sports_repost_of_approved_photo", "forename_only"} <= clear
    media = [m for m in small.labels["media"] if m["account_id"] == sports_id]
    truths = Counter(m["truth"] for m in media)
    assert truths["approved_file"] >= 2 and truths["unapproved_new"] >= 2
    # Reposts reuse approvals already in the register: the sports account adds none.
    approvals = {a["approval_id"] for a in small.register("approved_media.csv")}
    assert all(m["approval_id"] in approvals for m in media if m["approval_id"])


@pytest.mark.slow
def test_the_rest_of_the_dataset_does_not_depend_on_the_sports_account(tmp_path: Path) -> None:
    """Byte stability: a school without its sports account writes the very same files, school.toml aside."""
    school = build_school(2, "small", AS_OF)
    sports = school.x_more[0]
    write_dataset(school, tmp_path / "with")
    write_dataset(dataclasses.replace(school, x_more=[]), tmp_path / "without")
    with_sports, without = _files(tmp_path / "with"), _files(tmp_path / "without")
    prefix = f"x/{sports.handle}/"
    assert {k for k in with_sports if not k.startswith(prefix)} == set(without)
    for name, data in without.items():
        if name == "school.toml":
            assert with_sports[name].startswith(data) and with_sports[name] != data
        else:
            assert with_sports[name] == data, name
    assert any(k.startswith(prefix + "media/") for k in with_sports)


def test_later_weeks_keep_one_person_one_profile_across_accounts() -> None:
    school = evolve(build_school(1, "small", AS_OF), 3)
    sports = school.x_more[0]
    main = {u.id: u for u in school.x_followers}
    for user in sports.followers:
        if user.id in main:
            assert user is main[user.id]
    assert sports.account.followers_count == len(sports.followers)
    labels = build_labels(school)
    assert {a["id"] for a in labels["school"]["accounts"]} >= {sports.account.id}


@pytest.mark.parametrize("seed", [2, 7, 19])
def test_every_seed_gets_a_sports_account_with_its_cases(seed: int) -> None:
    school = build_school(seed, "small", AS_OF)
    (sports,) = school.x_more
    labels = build_labels(school)
    mine = [e for e in labels["expected_exceptions"] if e["account_id"] == sports.account.id]
    assert {e["rule"] for e in mine} >= {
        "pupil-follower",
        "staff-personal-follower",
        "official-follows-person",
        "unapproved-media",
        "consent-breach",
        "pupil-named",
    }
    everyone = [
        *school.x_followers,
        *school.x_following,
        *sports.followers,
        *sports.following,
        sports.account,
    ]
    usernames = {u.id: u.username.lower() for u in everyone}
    assert len(set(usernames.values())) == len(usernames), "one username per user, one user per username"
    assert sports.handle != school.info.x_handle
