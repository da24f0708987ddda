"""A published post is recognised as the draft that was checked although X rewrote its links."""

from __future__ import annotations

from checks.rule_support.post_checks import comparable_text
from sandbox.x.posts import served_text


def test_a_post_as_x_serves_it_reads_as_the_draft_checked() -> None:
    draft = "Our newsletter is out: https://tinylane.sch.uk/news/autumn?term=1  read it with your child!"
    published, _ = served_text(draft, "1850000000000000001", "TinyLanePrimary", "3_1850000000000000002")
    assert published != draft and "https://t.co/" in published
    assert comparable_text(published) == comparable_text(draft)


def test_words_still_count() -> None:
    assert comparable_text("Well done Alfie") != comparable_text("Well done Ellie")
    assert comparable_text("Well  done\nAlfie www.example.org") == "Well done Alfie"
