"""The sample school's Facebook Page and Instagram account: served on Graph's routes, each planted case labelled
beside its look-alikes, Instagram's crops of approved photos at the platform's ratios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from PIL import Image

from sandbox.school import write_sample
from sandbox.server import SandboxServer


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    dataset = tmp_path_factory.mktemp("meta-school") / "school"
    labels = json.loads(write_sample(dataset, seed=3).read_text(encoding="utf-8"))
    return dataset, labels


def _rows(labels: dict[str, object], key: str, platform: str) -> list[dict[str, str]]:
    return [r for r in labels[key] if r["platform"] == platform]  # type: ignore[attr-defined]


def test_every_meta_rule_has_a_planted_case_and_look_alikes(school: tuple[Path, dict[str, object]]) -> None:
    _, labels = school
    facebook = {(r["rule"], r["case"]) for r in _rows(labels, "expected_exceptions", "facebook")}
    assert {
        ("pupil-named-in-comment", "parent_names_pupil"),
        ("pupil-named-in-comment", "reply_names_pupil"),
        ("pupil-named-in-comment", "author_not_shown"),
        ("pupil-named-in-comment", "visitor_post_names_pupil"),
        ("pupil-comment", "pupil_comments_on_page"),
        ("unapproved-media", "unapproved_photo"),
        ("pupil-named", "named_in_alt_text"),
        ("contact-details", "personal_mobile"),
        ("political-content", "party_political"),
    } <= facebook
    assert any(rule == "consent-breach" and case.startswith("pictured_consent_") for rule, case in facebook)
    instagram = {(r["rule"], r["case"]) for r in _rows(labels, "expected_exceptions", "instagram")}
    assert ("unapproved-media", "carousel_unapproved_child") in instagram
    assert ("pupil-comment", "pupil_replies_on_instagram") in instagram
    clear = {
        r["case"]
        for r in [*_rows(labels, "expected_clear", "facebook"), *_rows(labels, "expected_clear", "instagram")]
    }
    assert {
        "forename_only",
        "staff_named",
        "parent_named",
        "approved_cropped_4x5",
        "approved_cropped_191",
    } <= clear
    accounts = [a["platform"] for a in labels["school"]["accounts"]]  # type: ignore[index]
    assert accounts[2:4] == ["facebook", "instagram"]  # in school.toml order, before the sports account


def test_the_page_token_reads_the_planted_comments_and_not_the_hidden_author(
    school: tuple[Path, dict[str, object]],
) -> None:
    dataset, labels = school
    hidden = next(
        r for r in _rows(labels, "expected_exceptions", "facebook") if r["case"] == "author_not_shown"
    )
    with SandboxServer(dataset) as server:
        assert server.meta_access is not None
        page_id = server.meta_access.page_ids[0]
        token = server.meta_access.page_token(page_id)
        posts = requests.get(
            f"{server.url}/v26.0/{page_id}/published_posts", params={"access_token": token}, timeout=10
        ).json()["data"]
        comments = []
        for post in posts:
            comments += requests.get(
                f"{server.url}/v26.0/{post['id']}/comments",
                params={"access_token": token, "filter": "stream", "fields": "id,message,from"},
                timeout=10,
            ).json()["data"]
        by_id = {c["id"]: c for c in comments}
        assert "from" not in by_id[hidden["subject_id"]]
        assert sum("from" in c for c in comments) == len(comments) - 1


def test_instagram_shows_approved_photos_cropped_to_its_ratios(
    school: tuple[Path, dict[str, object]],
) -> None:
    dataset, labels = school
    ig_id = next(a["id"] for a in labels["school"]["accounts"] if a["platform"] == "instagram")  # type: ignore[index]
    ratios = {
        round(w / h, 2)
        for w, h in (Image.open(p).size for p in (dataset / "instagram" / ig_id / "media").glob("*.jpg"))
    }
    assert ratios <= {0.8, 1.91} and ratios == {0.8, 1.91}
