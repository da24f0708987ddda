"""The opt-in extended forms: the default school plus more followers, from a stream of their own."""

from __future__ import annotations

import pytest

from sandbox.school import build_labels, build_school

# Who the accounts of an extended school are (the case's middle): pupils and staff in both rounds of the grammar,
# the look-alikes in one round or the other (a draw that leaves nobody decidable plants nothing).
KINDS = {"pupil", "staff"}
LOOK_ALIKES = {"adult namesake", "parent as kin", "another forename", "child at another school"}


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
    composed = [i["case"] for i in labels["identities"] if i["case"].startswith("composed")]
    for split in ("tuned", "held-out"):
        kinds = {c.split(": ")[1] for c in composed if c.startswith(f"composed {split}:")}
        assert kinds >= KINDS, split
    assert {c.split(": ")[1] for c in composed} >= LOOK_ALIKES
    assert all(len(u.username) <= 15 for u in extended.x_followers)
    planted = {
        u.truth.person_id for u in extended.x_followers if u.truth.person_id and u.truth.kind == "pupil"
    }
    pupils = [u for u in extended.x_followers if u.truth.kind == "pupil"]
    assert len(planted) == len(pupils)  # each pupil planted once


def test_an_unknown_forms_option_is_refused() -> None:
    with pytest.raises(ValueError, match="forms"):
        build_school(seed=5, size="small", forms="everything")


def test_a_held_out_composition_draws_a_held_out_option_and_a_tuned_one_none() -> None:
    import random

    from sandbox.school.presentation import HELD_OUT, Name, compose, draw

    rng = random.Random(3)
    name = Name("Evelyn", "Lockwood", ("Evie",), 2016, "5")
    for held in (False, True):
        for _ in range(50):
            presentation = compose(name, draw(rng, held), rng)
            assert presentation.held_out is held
            assert bool(set(presentation.names) & HELD_OUT) is held


def test_the_extended_school_adds_composed_youtube_commenters_and_channels(schools) -> None:  # type: ignore[no-untyped-def]
    default, extended = schools
    assert len(extended.yt_comments) > len(default.yt_comments)
    assert len(extended.yt_subscriptions) > len(default.yt_subscriptions)
    cases = {c.author.truth.case for c in extended.yt_comments if c.author.truth.case.startswith("composed")}
    assert cases and all(": pupil: " in c for c in cases)
