"""Tests of the deterministic sample-school generator: layout, determinism, and that its labels tell the truth."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import tomllib
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageOps

from sandbox.school import DATASET_ENTRIES, SIZES, YEAR_GROUPS, build_labels, build_school, main, write_sample
from sandbox.school.model import age_on, year_index_on
from tests.builders.dataset_contract import assert_dataset_meets_the_contract

REPO = Path(__file__).resolve().parents[3]
AS_OF = date(2026, 11, 16)
RULES = {
    "pupil-follower",
    "former-pupil-follower",
    "staff-personal-follower",
    "official-follows-person",
    "unapproved-media",
    "consent-breach",
    "pupil-named",
    "pupil-comment",
    "pupil-named-in-comment",
    "contact-details",
    "political-content",
    "account-drift",
}


class Dataset:
    """A written sample and readers for its files."""

    def __init__(self, root: Path, labels_path: Path) -> None:
        self.root = root
        self.labels_path = labels_path
        self.labels: dict[str, Any] = json.loads(labels_path.read_text(encoding="utf-8"))
        self.school = tomllib.loads((root / "school.toml").read_text(encoding="utf-8"))
        x_accounts = [a for a in self.school["accounts"] if a["platform"] == "x"]
        youtube = next(a for a in self.school["accounts"] if a["platform"] == "youtube")
        self.x_dir = root / "x" / x_accounts[0]["handle"]  # the main account comes first
        self.sports_dir = root / "x" / x_accounts[1]["handle"]
        self.x_dirs = {a["id"]: root / "x" / a["handle"] for a in x_accounts}
        self.yt_dir = root / "youtube" / youtube["id"]

    def json(self, path: Path) -> Any:
        return json.loads(path.read_text(encoding="utf-8"))

    def register(self, name: str) -> list[dict[str, str]]:
        with open(self.root / "registers" / name, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))


def _write(root: Path, seed: int = 1, size: str = "small") -> Dataset:
    return Dataset(root, write_sample(root, seed=seed, size=size, as_of=AS_OF))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return _write(tmp_path_factory.mktemp("sample") / "school")


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _folded(text: str) -> str:
    plain = unicodedata.normalize(
        "NFKD", unicodedata.normalize("NFKC", text).replace("ł", "l").replace("Ł", "L")
    )
    return re.sub(r"[^a-z]", "", "".join(c for c in plain if not unicodedata.combining(c)).lower())


# ----------------------------------------------------------------------------------------------- layout


def test_labels_sit_beside_the_dataset(small: Dataset) -> None:
    assert small.labels_path == small.root.parent / "school.labels.json"
    assert not any(p.name.endswith(".labels.json") for p in small.root.rglob("*"))
    assert {p.name for p in small.root.iterdir()} == DATASET_ENTRIES


def test_small_meets_the_dataset_contract(small: Dataset) -> None:
    assert_dataset_meets_the_contract(small.root)


@pytest.mark.slow
def test_medium_meets_the_dataset_contract(tmp_path: Path) -> None:
    medium = _write(tmp_path / "medium", size="medium")
    assert_dataset_meets_the_contract(medium.root)
    assert len(medium.register("pupils.csv")) > 400
    assert len(medium.json(medium.x_dir / "followers.json")) == 1500


def test_school_toml_carries_what_the_pipeline_reads(small: Dataset) -> None:
    school = small.school["school"]
    assert school["phase"] == "primary" and school["timezone"] == "Europe/London"
    assert school["email_domains"][0].endswith(".sch.uk")
    assert re.fullmatch(r"01\d{3} \d{6}", school["phones"][0])
    # Each X account owns its developer app (as the sandbox derives them), so X bills owned reads.
    assert small.school["api"] == {
        "backoff_seconds": 0.05,
        "max_wait_seconds": 5,
        "x_app_owned_by_account": True,
    }
    x, yt = (next(a for a in small.school["accounts"] if a["platform"] == p) for p in ("x", "youtube"))
    assert x["id"].isdigit() and re.fullmatch(r"UC[\w-]{22}", yt["id"]) and yt["handle"].startswith("@")
    assert all(isinstance(a["approved_on"], date) and a["approved_by"] == "Headteacher" for a in (x, yt))
    # The sports account: a second approved X account sharing the platform's default credentials.
    main, sports = (a for a in small.school["accounts"] if a["platform"] == "x")
    assert main is x and sports["id"].isdigit() and sports["id"] != main["id"]
    assert re.fullmatch(r"\w{4,15}", sports["handle"]) and sports["handle"].lower() != main["handle"].lower()
    assert sports["handle"].endswith(("Sport", "PE", "Sports")) and "credentials" not in sports
    assert isinstance(sports["approved_on"], date) and sports["approved_on"] <= AS_OF
    assert small.labels["school"]["accounts"] == [
        {"platform": a["platform"], "handle": a["handle"], "id": a["id"]} for a in small.school["accounts"]
    ]


# ----------------------------------------------------------------------------------------------- determinism


@pytest.mark.slow
def test_output_does_not_depend_on_hash_seed_or_process(small: Dataset, tmp_path: Path) -> None:
    out = tmp_path / "school"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    command = [sys.executable, "-m", "sandbox.school", "--out", str(out), "--as-of", "2026-11-16"]
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
    assert _files(out) == _files(small.root)
    assert (tmp_path / "school.labels.json").read_bytes() == small.labels_path.read_bytes()


def test_other_seed_gives_another_school() -> None:
    one, two = build_school(1, "small", AS_OF), build_school(2, "small", AS_OF)
    assert (one.info.name, one.pupils[10].surname) != (two.info.name, two.pupils[10].surname)


def test_a_size_variant_grows_the_audience_and_keeps_the_registers() -> None:
    """The trust benchmark's schools of 5,000 followers: a SizeSpec passed for a name."""
    small = build_school(1, "small", AS_OF)
    bigger = build_school(1, replace(SIZES["small"], followers=600), AS_OF)
    assert len(small.x_followers) < 200 < 550 < len(bigger.x_followers)
    assert [p.surname for p in bigger.pupils] == [p.surname for p in small.pupils]
    assert bigger.size == "small"


@pytest.mark.slow
def test_cli_writes_and_refuses_a_directory_that_is_not_a_dataset(tmp_path: Path, capsys: Any) -> None:
    """Also: the same arguments written again in the same process give identical bytes (no state is carried
    from one write to the next; test_output_does_not_depend_on_hash_seed_or_process checks another process)."""
    assert main(["--out", str(tmp_path / "a"), "--seed", "3"]) == 0
    assert (tmp_path / "a.labels.json").is_file()
    first, first_labels = _files(tmp_path / "a"), (tmp_path / "a.labels.json").read_bytes()
    assert main(["--out", str(tmp_path / "a"), "--seed", "3"]) == 0  # a previous sample is replaced
    assert _files(tmp_path / "a") == first
    assert (tmp_path / "a.labels.json").read_bytes() == first_labels
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "thesis.docx").write_text("precious")
    assert main(["--out", str(tmp_path / "b")]) == 1
    assert (tmp_path / "b" / "thesis.docx").read_text() == "precious"
    assert "not a sample dataset" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------- registers


def test_ages_and_year_groups_follow_the_uk_school_year(small: Dataset) -> None:
    pupils = small.register("pupils.csv")
    current = [p for p in pupils if p["status"] == "current"]
    left = [p for p in pupils if p["status"] == "left"]
    assert {p["year_group"] for p in current} == set(YEAR_GROUPS)
    for p in current:
        dob = date.fromisoformat(p["date_of_birth"])
        assert YEAR_GROUPS[year_index_on(dob, AS_OF)] == p["year_group"], p
        assert not p["leaving_date"]
    for p in left:
        dob, leaving = date.fromisoformat(p["date_of_birth"]), date.fromisoformat(p["leaving_date"])
        assert leaving <= AS_OF
        assert YEAR_GROUPS[year_index_on(dob, leaving)] == p["year_group"], p
    ages = [age_on(date.fromisoformat(p["date_of_birth"]), AS_OF) for p in left]
    assert any(a < 18 for a in ages) and any(a >= 18 for a in ages)
    consent = {p["photo_consent"] for p in current}
    assert consent == {"granted", "refused", "withdrawn"}
    assert sum(p["photo_consent"] == "granted" for p in current) > 0.7 * len(current)


def test_registers_have_the_variety_identity_resolution_needs(small: Dataset) -> None:
    pupils, staff, parents = (
        small.register("pupils.csv"),
        small.register("staff.csv"),
        small.register("parents.csv"),
    )
    preferred = {(p["forename"], p["preferred_name"]) for p in pupils}
    assert ("Mohammed", "Mo") in preferred and ("Aleksandra", "Ola") in preferred
    assert any(not (p["forename"] + p["surname"]).isascii() for p in pupils)
    assert any("-" in p["surname"] for p in pupils)
    names = [(p["forename"], p["surname"]) for p in pupils if p["status"] == "current"]
    assert len(names) > len(set(names)), "two current pupils should share a name"
    assert any(";" in p["pupil_ids"] for p in parents), "siblings share parents"
    assert any(p["known_handles"] for p in pupils) and any(p["known_handles"] for p in parents)
    assert any(s["personal_handles"] for s in staff) and any(
        s["official_handles"].startswith("x:@") for s in staff
    )
    roles = " ".join(s["role"] for s in staff)
    for role in ("Headteacher", "Class Teacher", "Teaching Assistant", "Office", "Site"):
        assert role in roles
    staff_names = {(s["forename"], s["surname"]) for s in staff}
    assert any((p["forename"], p["surname"]) in staff_names for p in parents), (
        "a member of staff is also a parent"
    )
    by_id = {p["pupil_id"]: p for p in pupils}
    junior = [
        a
        for a in parents
        for pid in a["pupil_ids"].split(";")
        if (a["forename"], a["surname"]) == (by_id[pid]["forename"], by_id[pid]["surname"])
    ]
    assert junior, "a parent shares a child's full name"


def test_approved_media_covers_every_approval_form(small: Dataset) -> None:
    approvals = small.register("approved_media.csv")
    pupils = {p["pupil_id"]: p for p in small.register("pupils.csv")}
    assert any(a["file"] and not a["post_id"] for a in approvals)
    assert any(a["post_id"] and not a["file"] for a in approvals)
    assert any(a["file"] and a["post_id"] for a in approvals)
    assert {a["platform"] for a in approvals} == {"x", "youtube", "any", "facebook", "instagram"}
    pictured = [pupils[pid] for a in approvals for pid in a["pupils_pictured"].split(";") if pid]
    assert any(p["photo_consent"] in ("refused", "withdrawn") for p in pictured)
    assert any(p["status"] == "left" for p in pictured)
    for a in approvals:
        if a["file"]:
            with Image.open(small.root / "registers" / "approved_media" / a["file"]) as image:
                assert max(image.size) <= 1024


# ----------------------------------------------------------------------------------------------- platform files


@pytest.mark.parametrize("which", ["main", "sports"])
def test_x_files_look_like_the_v2_api(small: Dataset, which: str) -> None:
    x_dir = small.x_dir if which == "main" else small.sports_dir
    posts = small.json(x_dir / "posts.json")
    ids = [int(p["id"]) for p in posts["data"]]
    assert ids == sorted(ids, reverse=True), "posts newest first, ids growing with time"
    times = [p["created_at"] for p in posts["data"]]
    assert times == sorted(times, reverse=True)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", t) for t in times)
    account = small.json(x_dir / "account.json")
    assert account["username"] == x_dir.name
    assert all(
        p["author_id"] == account["id"] and p["edit_history_tweet_ids"] == [p["id"]] for p in posts["data"]
    )
    media = posts["includes"]["media"]
    assert {m["type"] for m in media} == {"photo", "video"}
    for m in media:
        url = m.get("url") or m["preview_image_url"]
        assert url == f"https://pbs.twimg.com/media/{m['media_key']}.jpg"
        assert m["media_key"].startswith("3_" if m["type"] == "photo" else "7_")
        assert (x_dir / "media" / f"{m['media_key']}.jpg").is_file()
    assert sorted(p.name for p in (x_dir / "media").iterdir()) == sorted(
        f"{m['media_key']}.jpg" for m in media
    )
    assert any("alt_text" in m for m in media) and any(
        "alt_text" not in m for m in media if m["type"] == "photo"
    )
    carousel = 3 if which == "main" else 2
    assert any(len(p.get("attachments", {}).get("media_keys", [])) >= carousel for p in posts["data"])
    tagged = [p for p in posts["data"] if "hashtags" in p.get("entities", {})]
    assert tagged and all(
        p["text"][h["start"] : h["end"]] == "#" + h["tag"] for p in tagged for h in p["entities"]["hashtags"]
    )
    users = small.json(x_dir / "followers.json") + small.json(x_dir / "following.json")
    assert all(u["id"].isdigit() and 1 <= len(u["username"]) <= 15 for u in users)
    assert account["public_metrics"]["followers_count"] == len(small.json(x_dir / "followers.json"))
    assert any("description" not in u for u in users) and any("location" not in u for u in users)
    assert all({"created_at", "protected", "public_metrics"} <= u.keys() for u in users)


def test_youtube_files_look_like_the_data_api(small: Dataset) -> None:
    channel = small.json(small.yt_dir / "channel.json")
    assert channel["contentDetails"]["relatedPlaylists"]["uploads"] == "UU" + channel["id"][2:]
    assert channel["statistics"]["subscriberCount"].isdigit()
    videos = small.json(small.yt_dir / "videos.json")
    kids = {v["id"] for v in videos if v["status"]["madeForKids"]}
    assert kids and len(kids) < len(videos)
    for v in videos:
        assert v["snippet"]["thumbnails"]["high"]["url"] == f"https://i.ytimg.com/vi/{v['id']}/hqdefault.jpg"
        assert re.fullmatch(r"[\w-]{11}", v["id"]) and v["contentDetails"]["duration"].startswith("PT")
    threads = small.json(small.yt_dir / "comment_threads.json")
    assert threads and all(t["snippet"]["videoId"] not in kids for t in threads), "no comments where disabled"
    for t in threads:
        top = t["snippet"]["topLevelComment"]
        assert top["id"] == t["id"] and top["snippet"]["authorDisplayName"].startswith("@")
        assert top["snippet"]["authorChannelId"]["value"].startswith("UC")
    subscribers = small.json(small.yt_dir / "subscribers.json")
    assert len(subscribers) == 40
    assert all(s["snippet"]["resourceId"]["channelId"] == channel["id"] for s in subscribers)


def test_hostile_profiles_are_planted(small: Dataset) -> None:
    followers = small.json(small.x_dir / "followers.json")
    assert any("<script>alert(1)</script>" in u.get("description", "") for u in followers)
    assert any(u["name"].startswith("=HYPERLINK(") for u in followers)


# ----------------------------------------------------------------------------------------------- labels


REQUIRED_EXCEPTION_CASES = {
    "pupil-follower": {
        "declared_handle",
        "exact_name",
        "accents_case_folded",
        "emoji_name",
        "preferred_name",
        "nickname",
        "username_birth_year",
        "username_year_group",
        "initial_birth_year",
        "decorative_unicode",
        "repeated_letters",
        "initial_surname",
        "surname_first",
        "school_bio_forename",
        "class_of_cue",
        "sibling",
        "ambiguous_same_name",
        "no_identifying_cues",
        "declared_channel",
    },
    "former-pupil-follower": {"former_exact_name", "former_declared_handle", "former_birth_year"},
    "staff-personal-follower": {
        "declared_personal_handle",
        "staff_exact_name",
        "staff_title_surname",
        "staff_preferred_name",
        "staff_also_parent",
        "declared_personal_channel",
    },
    "official-follows-person": {
        "declared_handle",
        "declared_personal_handle",
        "parent_declared",
        "former_declared_handle",
    },
    "unapproved-media": {
        "youtube_only_approval_on_x",
        "unapproved_new",
        "same_event_different_shot",
        "carousel_unapproved_image",
        "video_unapproved",
        "thumbnail_unapproved",
        "x_only_approval_on_youtube",
    },
    "consent-breach": {"pictured_consent_withdrawn", "pictured_consent_refused", "pictured_pupil_left"},
    "pupil-named": {
        "full_name_text_with_media",
        "surname_first_no_media",
        "alt_text_preferred_name",
        "hashtag_full_name",
        "diminutive_surname",
        "full_name_video_title",
    },
    "pupil-comment": {"declared_channel", "handle_name_birth_year", "handle_initial_year_group"},
    "contact-details": {"personal_mobile", "personal_email", "personal_mobile_description"},
    "political-content": {"party_political", "party_political_description"},
    "account-drift": {"youtube_handle_changed"},
}
REQUIRED_CLEAR_CASES = {
    "parent_declared",
    "parent_exact_name_adult_cue",
    "parent_nickname_adult_cue",
    "parent_same_name_as_child",
    "parent_shares_pupil_surname",
    "parent_no_cues",
    "staff_official_declared",
    "adult_namesake",
    "adult_namesake_minimal",
    "former_pupil_adult",
    "grandparent",
    "hostile_script_bio",
    "hostile_formula_name",
    "hostile_comment_markup",
    "parent_comment",
    "approved_reencoded_680",
    "approved_reencoded_same_width",
    "exif_orientation_original",
    "approved_by_post_id",
    "approved_file_and_post_id",
    "carousel_approved_image",
    "video_approved_by_post_id",
    "video_preview_matches_file",
    "approved_by_video_id",
    "thumbnail_matches_file",
    "thumbnail_matches_file_any",
    "forename_only",
    "staff_named",
    "school_contact_details",
    "civic_neutral",
}


def test_every_planted_case_kind_exists(small: Dataset) -> None:
    labels = small.labels
    assert {"seed", "size", "as_of", "school"} <= labels.keys() and labels["as_of"] == "2026-11-16"
    found: dict[str, set[str]] = {}
    for e in labels["expected_exceptions"]:
        found.setdefault(e["rule"], set()).add(e["case"])
    assert set(found) == RULES
    for rule, cases in REQUIRED_EXCEPTION_CASES.items():
        assert cases <= found[rule], (rule, cases - found[rule])
    assert {c["case"] for c in labels["expected_clear"]} >= REQUIRED_CLEAR_CASES
    truths = {m["truth"] for m in labels["media"]}
    assert truths == {
        "approved_file",
        "approved_post_id",
        "unapproved_new",
        "unapproved_same_event",
        "approved_other_platform",
    }
    difficulties = {i["difficulty"] for i in labels["identities"]}
    assert difficulties == {"declared", "easy", "medium", "hard", "undecidable"}
    kinds = {i["truth_kind"] for i in labels["identities"]}
    assert kinds == {"pupil", "former_pupil", "staff_personal", "staff_official", "parent", "unknown"}


@pytest.mark.parametrize("seed", [2, 7, 19])
def test_every_rule_is_planted_whatever_the_seed(seed: int) -> None:
    labels = build_labels(build_school(seed, "small", AS_OF))
    assert {e["rule"] for e in labels["expected_exceptions"]} == RULES
    assert {c["case"] for c in labels["expected_clear"]} >= REQUIRED_CLEAR_CASES


def test_every_label_names_something_in_the_dataset(small: Dataset) -> None:
    labels = small.labels
    for account_id in small.x_dirs:
        _x_labels_name_the_account_files(small, account_id)
    media_of = {
        p["id"]: p.get("attachments", {}).get("media_keys", [])
        for x_dir in small.x_dirs.values()
        for p in small.json(x_dir / "posts.json")["data"]
    }
    subscribers = {s["subscriberSnippet"]["channelId"] for s in small.json(small.yt_dir / "subscribers.json")}
    threads = small.json(small.yt_dir / "comment_threads.json")
    commenters = {t["snippet"]["topLevelComment"]["snippet"]["authorChannelId"]["value"] for t in threads}
    videos = {v["id"] for v in small.json(small.yt_dir / "videos.json")}
    people = {
        *(p["pupil_id"] for p in small.register("pupils.csv")),
        *(s["staff_id"] for s in small.register("staff.csv")),
        *(a["parent_id"] for a in small.register("parents.csv")),
    }
    youtube_id, youtube_handle = labels["school"]["youtube_channel_id"], small.yt_dir.name
    subjects = {
        ("youtube", "subscriber"): subscribers,
        ("youtube", "commenter"): commenters,
        ("youtube", "comment"): {t["id"] for t in threads},
        ("youtube", "video"): videos,
        ("youtube", "account"): {youtube_id},
    }
    youtube_rows = [r for r in labels["identities"] if r["platform"] == "youtube"]
    for i in youtube_rows:
        assert i["subject_id"] in subjects[(i["platform"], i["relation"])], i
        assert i["person_id"] is None or i["person_id"] in people, i
        assert i["account_id"] == youtube_id == youtube_handle
    assert len([i for i in youtube_rows if i["relation"] == "subscriber"]) == len(subscribers)
    assert len({i["subject_id"] for i in youtube_rows if i["relation"] == "commenter"}) == len(commenters)
    for e in labels["expected_exceptions"] + labels["expected_clear"]:
        if e["platform"] == "youtube":
            assert e["subject_id"] in subjects[(e["platform"], e["subject_kind"])], e
            assert e["account_id"] == youtube_id
    for e in labels["expected_exceptions"]:
        assert e["person_id"] is None or e["person_id"] in people, e
    approvals = {a["approval_id"] for a in small.register("approved_media.csv")}
    assert len({m["media_key"] for m in labels["media"]}) == len(labels["media"]), "media keys are unique"
    meta_media = _meta_labels_name_the_account_files(small)
    for m in labels["media"]:
        if m["platform"] == "x":
            assert m["media_key"] in media_of[m["post_id"]], m
        elif m["platform"] == "youtube":
            assert m["post_id"] == m["media_key"] and m["post_id"] in videos, m
        assert m["approval_id"] is None or m["approval_id"] in approvals, m
    posted = [k for keys in media_of.values() for k in keys] + sorted(videos) + meta_media
    assert sorted(m["media_key"] for m in labels["media"]) == sorted(posted)


def _meta_labels_name_the_account_files(small: Dataset) -> list[str]:
    """Every Facebook and Instagram label row names its account and something in that account's folder; returns
    the media keys those folders publish (Facebook photo ids; an Instagram image's id or a carousel child's)."""
    labels, published = small.labels, []
    for account in labels["school"]["accounts"]:
        platform, folder = account["platform"], small.root / account["platform"] / account["id"]
        if platform == "facebook":
            posts = [*small.json(folder / "posts.json"), *small.json(folder / "visitor_posts.json")]
            subjects = {("post", p["id"]) for p in posts}
            keys = {
                p["id"]: [
                    s["target"]["id"]
                    for a in p.get("attachments", {}).get("data", [])
                    for s in [a, *a.get("subattachments", {}).get("data", [])]
                    if s.get("media_type") == "photo"
                ]
                for p in posts
            }
        elif platform == "instagram":
            media = small.json(folder / "media.json")
            subjects = {("post", m["id"]) for m in media}  # an Instagram media is a post in the outputs
            keys = {
                m["id"]: [c["id"] for c in m["children"]["data"]] if "children" in m else [m["id"]]
                for m in media
            }
        else:
            continue
        comments = small.json(folder / "comments.json")
        subjects |= {("comment", c["id"]) for thread in comments.values() for c in thread}
        for e in labels["expected_exceptions"] + labels["expected_clear"]:
            if e["platform"] == platform:
                assert (e["subject_kind"], e["subject_id"]) in subjects, e
                assert e["account_id"] == account["id"], e
        for m in labels["media"]:
            if m["platform"] == platform:
                assert m["media_key"] in keys[m["post_id"]], m
        published += [k for found in keys.values() for k in found]
    return published


def _x_labels_name_the_account_files(small: Dataset, account_id: str) -> None:
    """Every X label row of one account names that account and something in its own folder."""
    x_dir = small.x_dirs[account_id]
    subjects = {
        "follower": {u["id"] for u in small.json(x_dir / "followers.json")},
        "following": {u["id"] for u in small.json(x_dir / "following.json")},
        "post": {p["id"] for p in small.json(x_dir / "posts.json")["data"]},
        "account": {account_id},
    }
    labels = small.labels
    mine = [
        r
        for section in ("identities", "expected_exceptions", "expected_clear", "media")
        for r in labels[section]
        if r["platform"] == "x" and r["account_id"] == account_id
    ]
    assert mine and all(r["account"] == x_dir.name for r in mine)
    for row in mine:
        if "relation" in row:
            assert row["subject_id"] in subjects[row["relation"]], row
        elif "subject_kind" in row:
            assert row["subject_id"] in subjects[row["subject_kind"]], row
        else:
            assert row["post_id"] in subjects["post"], row
    identities = [r for r in mine if "relation" in r]
    for relation in ("follower", "following"):
        assert sorted(r["subject_id"] for r in identities if r["relation"] == relation) == sorted(
            subjects[relation]
        )


def test_name_labels_tell_the_truth(small: Dataset) -> None:
    """An exact-name account names its person and nobody else; the public names nobody in the registers."""
    register: dict[str, tuple[str, str]] = {}
    for p in small.register("pupils.csv"):
        register[p["pupil_id"]] = (p["forename"], p["surname"])
    for s in small.register("staff.csv"):
        register[s["staff_id"]] = (s["forename"], s["surname"])
    for a in small.register("parents.csv"):
        register[a["parent_id"]] = (a["forename"], a["surname"])
    full_names: dict[str, set[str]] = {}
    for person_id, (forename, surname) in register.items():
        full_names.setdefault(_folded(forename + surname), set()).add(person_id)
    users = {u["id"]: u for x_dir in small.x_dirs.values() for u in small.json(x_dir / "followers.json")}
    exact = {
        "exact_name",
        "sibling",
        "emoji_name",
        "accents_case_folded",
        "former_exact_name",
        "staff_exact_name",
        "sports_only_exact_name",
        "parent_exact_name_adult_cue",
    }
    checked = 0
    for i in small.labels["identities"]:
        if i["platform"] != "x" or i["relation"] != "follower":
            continue
        name = _folded(users[i["subject_id"]]["name"])
        if i["case"] in exact:
            assert full_names.get(name) == {i["person_id"]}, i
            checked += 1
        elif i["case"] in ("adult_namesake", "adult_namesake_minimal"):
            owners = full_names.get(name, set())
            assert len(owners) == 1 and next(iter(owners)).startswith("P"), i
            assert users[i["subject_id"]]["created_at"] < "2012", "the namesake's account predates the pupil"
        elif i["case"] == "public":
            assert name not in full_names, i
    assert checked >= 8


# ----------------------------------------------------------------------------------------------- images


def test_images_behave_like_platform_copies(small: Dataset) -> None:
    imagehash = pytest.importorskip("imagehash")
    approvals = {a["approval_id"]: a for a in small.register("approved_media.csv")}
    approved_dir = small.root / "registers" / "approved_media"

    def phash(path: Path) -> Any:
        with Image.open(path) as image:
            return imagehash.phash(ImageOps.exif_transpose(image))

    files = {k: phash(approved_dir / a["file"]) for k, a in approvals.items() if a["file"]}
    rotated = 0
    for a in approvals.values():
        if a["file"]:
            with Image.open(approved_dir / a["file"]) as image:
                rotated += image.getexif().get(0x0112) == 6
    assert rotated == 1, "one camera original is stored sideways with an EXIF orientation tag"
    for m in small.labels["media"]:
        if m["platform"] in ("facebook", "instagram"):
            path = small.root / m["platform"] / m["account_id"] / "media" / f"{m['media_key']}.jpg"
        elif m["platform"] == "x":
            path = small.x_dirs[m["account_id"]] / "media" / f"{m['media_key']}.jpg"
        else:
            path = small.yt_dir / "thumbnails" / f"{m['media_key']}.jpg"
        with Image.open(path) as image:
            assert not image.getexif(), "platforms strip metadata"
            assert max(image.size) <= 1024
        posted = phash(path)
        own = files.get(m["approval_id"]) if m["approval_id"] else None
        # Instagram's crops are the same photo with its edges cut: a perceptual hash of the whole frame moves.
        if own is not None and m["platform"] != "instagram":
            assert posted - own <= 4, m
        others = [posted - h for k, h in files.items() if k != m["approval_id"]]
        assert min(others) >= 10, m
