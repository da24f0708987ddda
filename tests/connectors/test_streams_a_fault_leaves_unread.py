"""Each fault of the partial-audit plans, met by the real clients through the connectors' account readings against
the sandbox: the streams it leaves unread (its own failed, those needing it or behind a failure no later call can
pass skipped, every other read), and the exception subjects a run that read so cannot judge (the blind spots the
warehouse computes from those streams). tests/e2e/test_partial_audits.py runs a few of the plans as whole audits.
A Meta account's followers, never looked at, are set aside: they are skipped and blind whatever the plan."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from connectors import x as xapi
from connectors import youtube as ytapi
from connectors.facebook_reading import read_facebook_page
from connectors.instagram_reading import read_instagram_account
from connectors.meta import make_graph_api
from connectors.paging import RetryPolicy
from connectors.streams import StreamReads
from connectors.x import XCredentials
from connectors.x_reading import read_x_account
from connectors.youtube import YouTubeCredentials
from flows.config.tables import ApiSettings
from platforms import platform
from sandbox.meta.tokens import load_meta_access
from sandbox.server import Fault, FaultPlan, SandboxServer
from tests.builders.fault_plans import PLANS
from tests.builders.sandbox_clients import owner_sign_in, x_keys
from tests.builders.tiny_dataset import CHANNEL_ID, X_ACCOUNT_ID, build_tiny_dataset
from tests.sandbox.meta.graph_dataset import IG_ID, PAGE_ID, build_graph_dataset
from warehouse.stream_status import COMPLETE, FAILED, SKIPPED, StreamStatus, blind_spots

# A stream failing for good fails the same on its first request as on its last: one retry shows it is retried
# (and still fails), without waiting for it.
RETRY = RetryPolicy(max_retries=1, backoff_seconds=0.0, sleep=lambda _: None)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tiny school for X and YouTube, the Graph sandbox's Page and Instagram account for Meta."""
    root = tmp_path_factory.mktemp("unread")
    tiny = build_tiny_dataset(root / "dataset")
    graph = build_graph_dataset(root / "graph")
    return {"x": tiny, "youtube": tiny, "facebook": graph, "instagram": graph}


def account_read(dataset: Path, faults: list[dict], platform_name: str) -> StreamReads:
    """The account of `platform_name` read as the flow's plug-in reads it (flows/plugins/), each stream on its own;
    the Instagram account, as a school keeps it, with the token of the Page linked to it."""
    with SandboxServer(dataset, faults=FaultPlan([Fault(**fault) for fault in faults])) as server:
        if platform_name in ("facebook", "instagram"):
            api = make_graph_api(load_meta_access(dataset).page_token(PAGE_ID), server.url)
            if platform_name == "facebook":
                return read_facebook_page(api, PAGE_ID, RETRY)
            return read_instagram_account(api, IG_ID, RETRY)
        if platform_name == "x":
            client = xapi.make_x_client(XCredentials(**x_keys(server)), base_url=server.url)
            return read_x_account(client, X_ACCOUNT_ID, RETRY, None, ApiSettings())
        credentials = YouTubeCredentials(oauth_credentials=owner_sign_in(server))
        youtube = ytapi.make_youtube_client(credentials, base_url=server.url)
        reads = StreamReads("youtube", CHANNEL_ID)
        ytapi.channel_streams(youtube, CHANNEL_ID, RETRY, mine=True, reads=reads)
        return reads


# What the failed stream's reason says, as the platform said it: the words the run's last line and its report carry
# (`(failed: <reason>)`, tests/e2e/test_partial_audits.py), for each way a stream fails for good on either platform.
SAYS = {
    "x-followers-429": "rate limited",
    "x-posts-500": "server error 500",
    "x-followers-truncated": "not valid JSON",
    "youtube-subscribers-500": "server error 500",
    "youtube-subscribers-truncated": "not valid JSON",
    "youtube-comments-quota": "quota",
}


def looked_at_never(reason: str | None) -> bool:
    return (reason or "").startswith("not looked at:")


@pytest.mark.parametrize("name", PLANS)
def test_each_fault_leaves_its_streams_unread_and_blinds_their_subjects(
    datasets: dict[str, Path], name: str
) -> None:
    faults, not_read, not_judged = PLANS[name]
    (platform_name,) = {p for p, _ in not_read}
    reads = account_read(datasets[platform_name], faults, platform_name)
    outcomes = reads.outcomes()
    statuses = [StreamStatus(**row) for row in outcomes if not looked_at_never(row["reason"])]

    assert {(row["platform"], row["stream"]) for row in outcomes} == {
        (platform_name, s.name) for s in platform(platform_name).streams
    }
    assert {(s.platform, s.stream) for s in statuses if s.status != COMPLETE} == not_read
    # The faulted stream fails; every one after it that needs it, or stands behind a failure no later call can
    # pass, is skipped rather than tried.
    failures = [f.status for f in reads.failures if not looked_at_never(f.reason)]
    assert failures == [FAILED] + [SKIPPED] * (len(not_read) - 1)
    if name in SAYS:
        (failed,) = [f.reason for f in reads.failures if f.status == FAILED and not looked_at_never(f.reason)]
        assert SAYS[name] in failed, failed
    # A stream not read leaves no cursor, so next week reads it whole rather than carrying what was never read.
    assert not [s.stream for s in reads.snapshots if (platform_name, s.stream) in not_read]

    spots = blind_spots(duckdb.connect(), statuses, [])
    # A complete but sampled stream (YouTube's subscribers) is judged as seen, never resolved: not a blind spot
    # that keeps its exceptions as they were.
    assert {(s.platform, s.subject_kind) for s in spots if not s.can_raise} == not_judged
