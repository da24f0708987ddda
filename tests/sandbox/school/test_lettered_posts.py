"""The sample school's photos with writing in them: labelled cases, approvals after the school's others, and pictures
that read as what they say (checked by the engine itself in tests/checks/images)."""

from __future__ import annotations

from collections import Counter

from sandbox.school.build import build_school
from sandbox.school.model import fold
from sandbox.school.sizes import SIZES


def test_lettered_posts_are_planted_labelled_and_approved_after_the_rest() -> None:
    school = build_school(3, "small")
    lettered = [p for p in school.x_posts if p.media and p.media[0].picture.lettering is not None]
    cases = Counter(plant.case for p in lettered for plant in p.plants) + Counter(
        case for p in lettered for case in p.clear_cases
    )
    scale = SIZES["small"].plant_scale
    assert cases == {
        "image_certificate": 1 + scale,
        "image_name_card": scale,
        "image_poster_mobile": scale,
        "image_lettering_names_no_one": 2 * scale + 1,
        "image_certificate_forename_only": 1,
        "image_staff_named": 1,
    }
    ids = [a.approval_id for a in school.approvals]
    assert len(set(ids)) == len(ids)
    assert ids[-len(lettered) :] == [f"A{n:03d}" for n in range(len(ids) - len(lettered) + 1, len(ids) + 1)]
    for post in lettered:
        (media,) = post.media
        assert media.truth.approval is not None and media.truth.approval.post_id == post.id
        assert media.picture.pupils == ()  # a certificate names a child; it pictures nobody
        lettering = media.picture.lettering
        assert lettering is not None
        for plant in post.plants:
            if plant.rule == "pupil-named" and plant.person_id is not None:
                pupil = school.pupil(plant.person_id)
                assert fold(pupil.known_as + pupil.surname) in fold(" ".join(lettering.lines))
