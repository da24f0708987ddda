"""The opt-in extended forms: the default school plus more followers, from a stream of their own."""

from __future__ import annotations

import pytest

from sandbox.school import build_labels, build_school

EXTENDED_CASES = {
    "x_initial_surname_glued_year",
    "x_initial_surname_two_digit_year",
    "x_full_name_username_only",
    "x_forename_year_bio",
    "x_forename_school_bio",
    "x_staff_title_surname_handle",
    "x_staff_namesake_elsewhere",
    "x_adult_namesake_life",
    "x_child_other_school",
}


@pytest.fixture(scope="module")
def schools():  # type: ignore[no-untyped-def]
    return build_school(seed=5, size="small"), build_school(seed=5, size="small", forms="extended")


def test_the_extended_school_is_the_default_one_plus_followers(schools) -> None:  # type: ignore[no-untyped-def]
    default, extended = schools
    n = len(default.x_followers)
    assert [u.id for u in extended.x_followers[:n]] == [u.id for u in default.x_followers]
    assert [u.id for u in extended.x_following] == [u.id for u in default.x_following]
    assert len(extended.x_followers) > n


def test_the_extended_followers_are_labelled_and_valid(schools) -> None:  # type: ignore[no-untyped-def]
    _, extended = schools
    labels = build_labels(extended)
    cases = {i["case"] for i in labels["identities"]}
    assert cases >= EXTENDED_CASES
    assert all(len(u.username) <= 15 for u in extended.x_followers)
    planted = {
        u.truth.person_id for u in extended.x_followers if u.truth.person_id and u.truth.kind == "pupil"
    }
    pupils = [u for u in extended.x_followers if u.truth.kind == "pupil"]
    assert len(planted) == len(pupils)  # each pupil planted once


def test_an_unknown_forms_option_is_refused() -> None:
    with pytest.raises(ValueError, match="forms"):
        build_school(seed=5, size="small", forms="everything")
