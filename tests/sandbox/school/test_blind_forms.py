"""The opt-in blind family: the default school plus accounts built from a description alone, from a stream of its
own, labelled with whose account each is and whether a careful person could decide it."""

from __future__ import annotations

import json
import unicodedata

import pytest

from sandbox.school import build_labels, build_school, write_sample
from sandbox.school.scripts import NATIVE, in_digits, reading_key, written
from tests.builders.dataset_contract import assert_dataset_meets_the_contract

# Whose each account is (the case's middle): every kind the family must hold in a medium school.
WHOSE = {"pupil", "staff personal", "former pupil", "run by parent", "namesake adult", "business", "relative"}
HOW = ("own script", "channel word", "digits for letters", "shared account naming two pupils")


@pytest.fixture(scope="module")
def medium():  # type: ignore[no-untyped-def]
    return build_school(seed=11, size="medium", forms="blind")


def test_the_blind_school_is_the_default_one_plus_its_family() -> None:
    default, blind = build_school(seed=5, size="small"), build_school(seed=5, size="small", forms="blind")
    n = len(default.x_followers)
    assert [u.id for u in blind.x_followers[:n]] == [u.id for u in default.x_followers]
    assert [u.id for u in blind.x_following] == [u.id for u in default.x_following]
    assert {p.pupil_id for p in default.pupils} < {p.pupil_id for p in blind.pupils}  # families who joined
    assert len(blind.x_followers) > n


def test_the_family_is_the_same_for_a_seed_and_differs_between_seeds() -> None:
    def family(seed: int) -> list[dict[str, object]]:
        labels = build_labels(build_school(seed=seed, size="small", forms="blind"))
        return [i for i in labels["identities"] if str(i["case"]).startswith("blind:")]

    assert family(7) == family(7)
    assert family(7) != family(8)


def test_every_kind_of_account_is_labelled_with_the_truth(medium) -> None:  # type: ignore[no-untyped-def]
    labels = build_labels(medium)
    cases = [i for i in labels["identities"] if i["case"].startswith("blind:")]
    assert {c["case"].split(": ")[1] for c in cases} >= WHOSE
    for how in HOW:
        assert any(how in c["case"] for c in cases), how
    difficulties = {c["difficulty"] for c in cases}
    assert "undecidable" in difficulties and difficulties - {"undecidable"}
    # Nobody who must not be flagged is expected as a finding; every pupil's own account is.
    expected = {(e["subject_id"], e["person_id"]) for e in labels["expected_exceptions"]}
    for c in cases:
        whose = c["case"].split(": ")[1]
        if whose in ("run by parent", "namesake adult", "business", "relative"):
            assert not any(sid == c["subject_id"] for sid, _ in expected), c
        elif whose == "pupil" and c["relation"] != "commenter":  # a comment is expected by its thread
            assert (c["subject_id"], c["person_id"]) in expected, c


def test_a_shared_account_is_expected_once_per_pupil_it_names(medium) -> None:  # type: ignore[no-untyped-def]
    shared = [u for u in medium.x_followers if "shared account" in u.truth.case]
    assert shared
    labels = build_labels(medium)
    for user in shared:
        rows = [e for e in labels["expected_exceptions"] if e["subject_id"] == user.id]
        assert sorted(r["person_id"] for r in rows) == sorted([user.truth.person_id, *user.truth.also])
        names = f"{user.name} {user.description}"
        for pupil_id in (user.truth.person_id, *user.truth.also):
            assert medium.pupil(pupil_id).known_as in names


def test_a_name_in_its_own_script_is_the_registers_name_as_its_family_writes_it(medium) -> None:  # type: ignore[no-untyped-def]
    scripted = [u for u in medium.x_followers if "own script" in u.truth.case and u.truth.kind == "pupil"]
    assert {u.truth.case.split("(")[1].split(")")[0] for u in scripted} >= {"cyrillic", "greek"}
    for user in scripted:
        pupil = medium.pupil(str(user.truth.person_id))
        script = user.truth.case.split("(")[1].split(")")[0]
        shown = written(script, pupil.forename, pupil.surname)
        assert shown and shown in f"{user.name} {user.description}"
        assert not any(c.isascii() and c.isalpha() for c in shown)  # nothing of the Latin spelling is shown
        assert pupil.surname.lower() not in user.username.lower()


def test_every_script_is_written_in_its_own_letters() -> None:
    expected = {
        "arabic": "ARABIC",
        "urdu": "ARABIC",
        "devanagari": "DEVANAGARI",
        "gurmukhi": "GURMUKHI",
        "bengali": "BENGALI",
        "han": "CJK",
        "cyrillic": "CYRILLIC",
        "greek": "GREEK",
    }
    for script, table in NATIVE.items():
        for latin, native in table.items():
            letters = [c for c in native if unicodedata.category(c).startswith("L")]
            assert letters and all(expected[script] in unicodedata.name(c) for c in letters), (script, latin)


def test_a_reader_of_urdu_cannot_tell_mohammed_from_muhammad() -> None:
    assert reading_key(written("urdu", "Mohammed", "Khan") or "") == reading_key(
        written("urdu", "Muhammad", "Khan") or ""
    )
    assert written("han", "Zihan", "Wang") == "王子涵"  # the surname first
    assert written("greek", "Eleni", "Nowak") is None  # a name the table lacks is never written


def test_digits_stand_for_letters_throughout() -> None:
    assert in_digits("Oliver Smith") == "011v3r 5m17h"
    assert in_digits("gaming") == "g4m1ng"


def test_a_written_blind_school_meets_the_dataset_contract(tmp_path) -> None:  # type: ignore[no-untyped-def]
    labels = write_sample(tmp_path / "school", seed=3, size="small", forms="blind")
    assert_dataset_meets_the_contract(tmp_path / "school")
    folders = (tmp_path / "school" / "x").glob("*/followers.json")
    followers = [u for f in folders for u in json.loads(f.read_text("utf-8"))]
    linked = [u for u in followers if "url" in u]
    assert linked and all(u["entities"]["url"]["urls"][0]["expanded_url"] for u in linked)
    assert any(
        str(i["case"]).startswith("blind:") for i in json.loads(labels.read_text("utf-8"))["identities"]
    )
