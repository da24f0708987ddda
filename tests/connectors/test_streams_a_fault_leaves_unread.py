"""Each fault of the partial-audit plans, met by the real clients through the connectors' account readings against
the sandbox: the streams it leaves unread (its own failed, those needing it or behind a failure no later call can
pass skipped, every other read), and the exception subjects a run that read so cannot judge (the blind spots the
warehouse computes from those streams). tests/e2e/test_partial_audits.py runs a few of the plans as whole audits."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from connectors import x as xapi
from connectors import youtube as ytapi
from connectors.paging import RetryPolicy
from connectors.streams import StreamReads
from connectors.x import XCredentials
from connectors.x_reading import read_x_account
from connectors.youtube import YouTubeCredentials
from flows.config.tables import ApiSettings
from platforms import platform
from sandbox.server import Fault, FaultPlan, SandboxServer
from tests.builders.fault_plans import PLANS
from tests.builders.sandbox_clients import owner_sign_in, x_keys
from tests.builders.tiny_dataset import CHANNEL_ID, X_ACCOUNT_ID, build_tiny_dataset
from warehouse.stream_status import COMPLETE, FAILED, SKIPPED, StreamStatus, blind_spots

# A stream failing for good fails the same on its first request as on its last: one retry shows it is retried
# (and still fails), without waiting for it.
RETRY = RetryPolicy(max_retries=1, backoff_seconds=0.0, sleep=lambda _: None)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_dataset(tmp_path_factory.mktemp("unread") / "dataset")


def account_read(dataset: Path, faults: list[dict], platform_name: str) -> StreamReads:
    """The account of `platform_name` read as the flow's plug-in reads it (flows/plugins/), each stream on its own."""
    with SandboxServer(dataset, faults=FaultPlan([Fault(**fault) for fault in faults])) as server:
        if platform_name == "x":
            client = xapi.make_x_client(XCredentials(**x_keys(server)), base_url=server.url)
            return read_x_account(client, X_ACCOUNT_ID, RETRY, None, ApiSettings())
        credentials = YouTubeCredentials(oauth_credentials=owner_sign_in(server))
        youtube = ytapi.make_youtube_client(credentials, base_url=server.url)
        reads = StreamReads("youtube", CHANNEL_ID)
        ytapi.channel_streams(youtube, CHANNEL_ID, RETRY, mine=True, reads=reads)
        return reads


@pytest.mark.parametrize("name", PLANS)
def test_each_fault_leaves_its_streams_unread_and_blinds_their_subjects(dataset: Path, name: str) -> None:
    faults, not_read, not_judged = PLANS[name]
    (platform_name,) = {p for p, _ in not_read}
    reads = account_read(dataset, faults, platform_name)
    statuses = [StreamStatus(**row) for row in reads.outcomes()]

    assert {(s.platform, s.stream) for s in statuses} == {
        (platform_name, s.name) for s in platform(platform_name).streams
    }
    assert {(s.platform, s.stream) for s in statuses if s.status != COMPLETE} == not_read
    # The faulted stream fails; every one after it that needs it, or stands behind a failure no later call can
    # pass, is skipped rather than tried.
    assert [f.status for f in reads.failures] == [FAILED] + [SKIPPED] * (len(not_read) - 1)

    spots = blind_spots(duckdb.connect(), statuses, [])
    # A complete but sampled stream (YouTube's subscribers) is judged as seen, never resolved: not a blind spot
    # that keeps its exceptions as they were.
    assert {(s.platform, s.subject_kind) for s in spots if not s.can_raise} == not_judged
