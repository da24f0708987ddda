"""Data refused by a blocking validation is set aside for its own stream only; the rest of the week is kept."""

from __future__ import annotations

import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests
from PIL import Image
from skimage import data as photos

from checks.images.copies import Originals
from checks.images.reading import (
    ReadOnce,
    approved_readings,
    catalogue,
    catalogue_library_folder,
    library_images,
    read_library_file,
)
from checks.media_hash import FINGERPRINT_FIELDS, fingerprint_image
from checks.validation import SuiteResult
from connectors.media import MediaFetcher
from connectors.paging import RetryPolicy, Snapshot
from connectors.streams import StreamReads
from connectors.x_cost import XPrices, estimate_cost
from flows.stream_reading import WAITING, examine_waiting, fingerprint_one, set_aside_refused
from tests.builders.ports import SHORT_POLL

ACCOUNT = "1580000000000000001"


def reads() -> StreamReads:
    found = StreamReads("x", ACCOUNT)
    for stream in ("account", "followers", "posts"):
        found.read(stream, functools.partial(Snapshot, "x", stream, ACCOUNT, []))
    return found


def result(suite: str, success: bool) -> SuiteResult:
    expectation = {"expectation": "expect_column_values_to_be_unique", "column": "id", "success": success}
    return SuiteResult(f"{suite}@{ACCOUNT}", success, True, 3, [expectation])


def test_a_refused_stream_is_set_aside_and_the_others_kept() -> None:
    account = reads()
    set_aside_refused([account], [result("x_followers", False), result("x_posts", True)])
    assert [s.stream for s in account.snapshots] == ["account", "posts"]
    (failure,) = account.failures
    assert (failure.stream, failure.status) == ("followers", "failed")
    assert failure.reason == "failed validation: expect_column_values_to_be_unique(id)"


def test_refused_media_sets_aside_the_posts_they_came_with() -> None:
    account = reads()
    set_aside_refused([account], [result("x_media", False)])
    assert [s.stream for s in account.snapshots] == ["account", "followers"]


def test_a_refusal_that_names_no_stream_read_stops_the_run() -> None:
    with pytest.raises(RuntimeError, match="nothing was stored"):
        set_aside_refused([reads()], [SuiteResult("x_followers@999", False, True, 1, [])])


def test_last_weeks_mutual_follows_are_estimated_once() -> None:
    user = {"public_metrics": {"followers_count": 10, "following_count": 4, "tweet_count": 0}}
    plain = estimate_cost(user, "cursor", XPrices(app_owned=False), new_posts=0)
    once = estimate_cost(user, "cursor", XPrices(app_owned=False), new_posts=0, mutual=3)
    assert plain.usd == pytest.approx(0.01 + 14 * 0.01) and once.usd == pytest.approx(0.01 + 11 * 0.01)
    assert "3 of them both, billed once" in once.describe()
    # More mutual follows than either list holds (the lists shrank since) never makes the estimate negative.
    assert estimate_cost(user, "cursor", XPrices(app_owned=False), new_posts=0, mutual=50).users == 10


def test_images_met_before_the_library_is_catalogued_wait_and_a_copy_among_them_takes_its_files_reading(
    tmp_path: Path,
) -> None:
    library, served = tmp_path / "library", tmp_path / "served"
    library.mkdir()
    served.mkdir()
    astronaut = Image.fromarray(photos.astronaut()).resize((800, 600))
    astronaut.save(library / "astronaut.jpg", quality=92)
    astronaut.resize((680, 510)).save(served / "copy.jpg", quality=80)
    Image.fromarray(photos.coffee()).save(served / "other.jpg", quality=80)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(served))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, kwargs=SHORT_POLL, daemon=True).start()
        fetcher = MediaFetcher(requests.Session(), RetryPolicy(max_retries=0, backoff_seconds=0.0))
        url = f"http://127.0.0.1:{server.server_address[1]}"
        once = ReadOnce(())
        met = [
            fingerprint_one(fetcher, {"url": f"{url}/{name}"}, None, once.already_read, once.originals)
            for name in ("copy.jpg", "other.jpg")
        ]
        server.shutdown()
    assert all(found is not None and WAITING in found and "sha256" not in found for found in met)
    catalogue_library_folder(library, once.read_before, once.originals)
    copy, other = examine_waiting([m for m in met if m is not None], once.already_read, once.originals)
    file_read = approved_readings({sha: library for sha in once.originals.fingerprints()}, once.originals)
    assert WAITING not in copy and copy["reading"]["reader"].endswith(f"{file_read[0]['sha256']} it copies")
    assert other["reading"]["error"] is None and "copies" not in other["reading"]["reader"]
    assert [copy["url"], other["url"]] == [f"{url}/copy.jpg", f"{url}/other.jpg"] and other["phash"]


def test_a_copy_fingerprinted_while_its_file_was_read_keeps_its_fingerprints_and_takes_the_files_reading(
    tmp_path: Path,
) -> None:
    library, served = tmp_path / "library", tmp_path / "served"
    library.mkdir()
    served.mkdir()
    astronaut = Image.fromarray(photos.astronaut()).resize((800, 600))
    astronaut.save(library / "astronaut.jpg", quality=92)
    astronaut.resize((680, 510)).save(served / "first.jpg", quality=80)
    astronaut.resize((640, 480)).save(served / "copy.jpg", quality=80)
    reading_started, release = threading.Event(), threading.Event()

    def slow(sha256: str, gray: np.ndarray | None, path: Path) -> dict[str, Any]:
        reading_started.set()
        release.wait()
        return read_library_file(sha256, gray, path)

    once = ReadOnce(())
    once.originals = Originals(slow)
    catalogue(library_images(library), once.read_before, once.originals)
    (file_sha,) = once.originals.fingerprints()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(served))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, kwargs=SHORT_POLL, daemon=True).start()
        fetcher = MediaFetcher(requests.Session(), RetryPolicy(max_retries=0, backoff_seconds=0.0))
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with ThreadPoolExecutor(1) as pool:
            # The first copy met reads the file; the next, met meanwhile, waits for that reading.
            first = pool.submit(
                fingerprint_one, fetcher, {"url": f"{url}/first.jpg"}, None, once.already_read, once.originals
            )
            reading_started.wait()
            waiting = fingerprint_one(
                fetcher, {"url": f"{url}/copy.jpg"}, None, once.already_read, once.originals
            )
            release.set()
            met_first = first.result()
        server.shutdown()
    assert (
        waiting is not None and WAITING in waiting and "sha256" in waiting
    )  # a proven copy of a file being read
    (copy,) = examine_waiting([waiting], once.already_read, once.originals)
    fresh = fingerprint_image((served / "copy.jpg").read_bytes())
    assert {field: copy[field] for field in FINGERPRINT_FIELDS} == fresh
    assert met_first is not None and WAITING not in met_first
    for met in (copy, met_first):
        assert met["reading"]["reader"].endswith(f"{file_sha} it copies")
    assert [r["sha256"] for r in approved_readings({file_sha: library}, once.originals)] == [file_sha]
