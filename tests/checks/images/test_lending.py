"""The readers a process keeps: made one at a time, lent to one reading at a time, kept across thread pools."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image
from skimage import data as photos

from checks.images import faces, text
from checks.images.lending import Shelf
from checks.images.reading import read_picture


def test_a_reader_is_lent_to_one_borrower_at_a_time_and_made_one_at_a_time() -> None:
    making, made_together, most = threading.Lock(), [], [0]
    in_use: set[int] = set()
    guard = threading.Lock()

    def make() -> object:
        if not making.acquire(blocking=False):
            made_together.append(True)
        else:
            time.sleep(0.01)
            making.release()
        return object()

    shelf: Shelf[object] = Shelf(make, most=4)

    def borrow(_: int) -> None:
        with shelf.lent() as reader:
            with guard:
                assert id(reader) not in in_use, "one reader lent to two borrowers at once"
                in_use.add(id(reader))
                most[0] = max(most[0], len(in_use))
            time.sleep(0.002)
            with guard:
                in_use.discard(id(reader))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(borrow, range(40)))
    assert not made_together
    assert shelf.made == most[0] <= 4


def test_a_fresh_reader_is_made_for_a_retry_and_the_shelf_never_keeps_more_than_its_most() -> None:
    """A retry must not be spent on an idle reader that only looks alive (a worker killed from outside is still
    dying): `fresh` makes one; coming back beyond `most`, it is discarded rather than kept."""
    discarded: list[object] = []
    shelf: Shelf[object] = Shelf(object, most=1, discard=discarded.append)
    with shelf.lent() as first:
        pass
    with shelf.lent(fresh=True) as retry:
        assert retry is not first
    assert discarded == [retry] and shelf.made == 2
    with shelf.lent() as again:
        assert again is first, "the reader kept is the one within `most`"
    assert shelf.room() == 0


def test_readers_outlive_thread_pools_so_a_new_pool_makes_no_new_engine() -> None:
    picture = Image.fromarray(photos.astronaut())
    engines, detectors = text.engines.made, faces.detectors.made
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = list(pool.map(lambda n: read_picture(picture, f"{n:064x}"), range(4)))
    for _ in range(3):
        with ThreadPoolExecutor(max_workers=2) as pool:
            again = list(pool.map(lambda n: read_picture(picture, f"{n:064x}"), range(4)))
        assert [r["faces"] for r in again] == [r["faces"] for r in first]
        assert [r["lines"] for r in again] == [r["lines"] for r in first]
    # Four pools of two threads: at most two of each are made (one per thread reading at once), not two a pool. Not
    # "none after the first pool": its second thread may have started after the first finished, needing one only.
    assert text.engines.made - engines <= 2 and faces.detectors.made - detectors <= 2


def test_engines_read_the_same_in_parallel_as_one_by_one() -> None:
    pictures = [np.asarray(photos.page()) for _ in range(4)]
    alone = [text.read_text(p) for p in pictures]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(text.read_text, pictures))
    assert together == alone
    assert alone[0], "scikit-image's photographed page has text"
