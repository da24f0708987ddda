"""Reading an account's streams one by one, and what the run could read, as the warehouse records it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checks.images.copies import Originals
from checks.images.reading import WAITS_FOR_LIBRARY, examine, in_parallel
from checks.images.thumbnails import PublishedPictures
from checks.media_hash import FINGERPRINT_FIELDS, UnreadableImage
from checks.validation import SuiteResult
from connectors.errors import ConnectorError, MediaRefused
from connectors.media import MediaFetcher
from connectors.streams import StreamReads, stream_of_suite
from flows.config.school import SchoolConfig
from warehouse.stream_status import StreamStatus


def stream_statuses(
    reads: list[StreamReads], media: list[dict[str, Any]], config: SchoolConfig
) -> list[StreamStatus]:
    handles = {(a.platform, a.id): a.handle for a in config.accounts}
    statuses = [
        StreamStatus(**row, account=handles.get((row["platform"], row["account_id"])))
        for read in reads
        for row in read.outcomes()
    ]
    for (platform, account_id), failed in _group_unread(media).items():
        reason = f"{len(failed)} image(s) could not be downloaded, e.g. {failed[0]['error']}"
        statuses.append(
            StreamStatus(
                "media",
                account_id,
                "downloads",
                "failed",
                reason,
                len(failed),
                handles.get((platform, account_id)),
            )
        )
    return statuses


def _group_unread(media: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for item in media:
        if item.get("unread"):
            grouped.setdefault((item["platform"], item["account_id"]), []).append(item)
    return grouped


def set_aside_refused(reads: list[StreamReads], results: list[SuiteResult]) -> None:
    """A stream whose data failed a blocking validation is not stored (it counts as not read); the others are."""
    by_account = {(read.platform, read.account_id): read for read in reads}
    for result in results:
        if not result.stops_run:
            continue
        found = stream_of_suite(result.suite)
        if found is None or (found[0], found[2]) not in by_account:
            raise RuntimeError(
                f"data from the platforms failed validation ({result.suite}), nothing was stored"
            )
        platform, stream, account_id = found
        failed = ", ".join(
            f"{x['expectation']}({x.get('column') or ''})" for x in result.results if not x["success"]
        )
        by_account[(platform, account_id)].set_aside(stream, f"failed validation: {failed}")


# A published image downloaded before the library was catalogued, or a copy of a library file not read yet, keeps
# its bytes here until `examine_waiting`.
WAITING = "bytes_waiting_for_the_library"


def fingerprint_one(
    fetcher: MediaFetcher,
    item: dict[str, Any],
    known_bytes: int | None = None,
    already_read: Callable[[str], bool] | None = None,
    originals: Originals | None = None,
    pictures: PublishedPictures | None = None,
) -> dict[str, Any] | None:
    """One image's fingerprints, kept in `pictures` for a finding's thumbnail, and its reading (`reading`) unless
    `already_read(sha256)` (None: images are not read; `originals`: library files being read, whose copies take
    their readings); None when an image held before
    (`known_bytes`) is unchanged at its URL. A refused or undecodable file is a verdict (it cannot be shown
    approved); a download that failed is marked `unread`: its post's media rules are not judged this week.

    An image downloaded before the library is catalogued (undecoded), or a copy of a library file not read yet,
    comes back with its bytes (WAITING) for `examine_waiting`."""
    try:
        data = fetcher.fetch_if_changed(item["url"], known_bytes)
    except MediaRefused as error:
        return {**item, "error": str(error)[:500]}
    except ConnectorError as error:
        return {**item, "error": str(error)[:500], "unread": True}
    if data is None:
        return None
    if (
        already_read is not None
        and originals is not None
        and not originals.is_catalogued()
        and originals.may_wait(len(data))
    ):
        return {**item, WAITING: data}
    found = examined(item, data, already_read, originals, pictures=pictures)
    if found.pop(WAITS_FOR_LIBRARY, False):
        found[WAITING] = data
    return found


def examined(
    item: dict[str, Any],
    data: bytes,
    already_read: Callable[[str], bool] | None,
    originals: Originals | None,
    may_wait: bool = True,
    fingerprinted: dict[str, Any] | None = None,
    pictures: PublishedPictures | None = None,
) -> dict[str, Any]:
    try:
        found = examine(data, already_read, originals, may_wait, fingerprinted, pictures)
        return {**item, **found, "error": None}
    except UnreadableImage as error:
        return {**item, "error": str(error)[:500]}


def examine_waiting(
    media: list[dict[str, Any]],
    already_read: Callable[[str], bool],
    originals: Originals,
    examined_one: Callable[[], None] = lambda: None,
    pictures: PublishedPictures | None = None,
) -> list[dict[str, Any]]:
    """`media` with each image that waited for the library (`fingerprint_one`) examined, in parallel, in the same
    order (each kept in `pictures`, as `fingerprint_one` keeps it); called once the library is read, so a copy
    takes its file's reading or is read itself. `examined_one` is called as each is done (the run's progress)."""

    def one(found: dict[str, Any]) -> dict[str, Any]:
        if WAITING not in found:
            return found
        try:
            return _examine(found)
        finally:
            examined_one()

    def _examine(found: dict[str, Any]) -> dict[str, Any]:
        item = {k: v for k, v in found.items() if k != WAITING}
        # A copy that waited was fingerprinted and taken to be read already (its sha256 is known): read it now,
        # with the fingerprints it has (decoding is needed for the reading; hashing it again is not).
        if "sha256" in item:
            known = {field: item[field] for field in FINGERPRINT_FIELDS}
            return examined(item, found[WAITING], lambda _: False, originals, False, known, pictures)
        return examined(item, found[WAITING], already_read, originals, may_wait=False, pictures=pictures)

    return in_parallel(one, media)
