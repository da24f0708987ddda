from __future__ import annotations

from sandbox.school import images, lettering
from sandbox.school.drawn_files import DrawnFiles, Encoding
from sandbox.school.images import Shot

SHOT = Shot(scene=11, kind="field")
SIGN = lettering.Lettering(kind="sign", lines=("Sports Day",), seed=3)


def jpeg(quality: int) -> Encoding:
    return ("jpeg", quality), lambda image: images.jpeg_bytes(image, quality)


def plain(scene: int) -> tuple[Shot, None, int, int]:
    return (Shot(scene=scene, kind="field"), None, 200, 150)


def test_a_file_handed_out_again_is_what_a_fresh_drawing_gives_and_is_not_drawn_again() -> None:
    kept = DrawnFiles()
    drawing = (SHOT, SIGN, 320, 240)
    first = kept.files(drawing, [jpeg(80), jpeg(60)])
    again = kept.files(drawing, [jpeg(60), jpeg(80)])
    fresh = lettering.draw(SHOT, SIGN, 320, 240)
    assert first == [images.jpeg_bytes(fresh, 80), images.jpeg_bytes(fresh, 60)]
    assert again == first[::-1]
    assert kept.drawn == 1
    # Another size, lettering or encoding is another file.
    kept.files((SHOT, None, 320, 240), [jpeg(80)])
    kept.files((SHOT, SIGN, 321, 240), [jpeg(80)])
    kept.files(drawing, [jpeg(70)])
    assert kept.drawn == 4


def test_what_is_kept_stays_within_its_budget_least_recently_used_out_first() -> None:
    three = sum(len(DrawnFiles().files(plain(scene), [jpeg(80)])[0]) for scene in (1, 2, 3))
    kept = DrawnFiles(budget_bytes=three - 1)  # room for any two of the three files, not for all three
    for scene in (1, 2, 1, 3):  # 1 used again after 2: 2 is the one to go when 3 comes
        kept.files(plain(scene), [jpeg(80)])
    assert kept.drawn == 3
    kept.files(plain(1), [jpeg(80)])
    assert kept.drawn == 3
    kept.files(plain(2), [jpeg(80)])
    assert kept.drawn == 4
