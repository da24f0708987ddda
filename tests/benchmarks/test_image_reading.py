"""The image-reading benchmark names the steps of a first run that reading made longer."""

from __future__ import annotations

from benchmarks.image_reading import grown_steps
from benchmarks.run_cost import START_UP


def test_the_steps_reading_made_longest_are_named_counts_aside() -> None:
    without = [(START_UP, 6.0), ("fingerprinting 60 new image(s)", 1.0), ("storing the week", 2.0)]
    with_reading = [
        (START_UP, 6.2),
        ("fingerprinting 60 new image(s)", 1.5),
        ("reading 60 image(s) that waited for the approved library", 2.5),
        ("storing the week", 2.0),
    ]

    found = grown_steps(without, with_reading, most=2)

    assert found == (
        "steps that grew most with reading (s, without -> with): "
        "reading N image(s) that waited for the approved library 0.0 -> 2.5; "
        "fingerprinting N new image(s) 1.0 -> 1.5"
    )
    assert grown_steps(without, []).startswith("steps: n/a")
