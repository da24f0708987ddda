"""The live platforms' own failures as the sandbox serves them (docs/contracts/dataset.md, Injected faults)."""

from __future__ import annotations

import http.client
import json
import socket
from pathlib import Path

import pytest

from sandbox.faults import Fault, FaultPlan
from sandbox.server import SandboxServer
from tests.builders.tiny_dataset import CHANNEL_ID, X_ACCOUNT_ID

X_AUTH = f'OAuth oauth_token="{X_ACCOUNT_ID}-token"'


def _raw_get(server: SandboxServer, path: str, authorization: str) -> bytes:
    """Everything the server sends on one connection until it closes it."""
    with socket.create_connection((server.host, server.port), timeout=10) as connection:
        request = f"GET {path} HTTP/1.1\r\nHost: sandbox\r\nAuthorization: {authorization}\r\n\r\n"
        connection.sendall(request.encode())
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def test_drop_mid_body_sends_the_headers_and_part_of_the_body_then_closes(tiny_dataset: Path) -> None:
    plan = FaultPlan([Fault("x.followers", "drop-mid-body", times=1)])
    with SandboxServer(tiny_dataset, faults=plan) as server:
        received = _raw_get(server, f"/2/users/{X_ACCOUNT_ID}/followers", X_AUTH)
        head, _, body = received.partition(b"\r\n\r\n")
        declared = int(
            next(
                line.split(b":")[1]
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
        )
        assert head.startswith(b"HTTP/1.1 200")
        assert b"connection: close" not in head.lower()  # a real drop announces nothing
        assert 0 < len(body) < declared
        # The next request is answered in full: the fault fired once.
        complete = _raw_get(server, f"/2/users/{X_ACCOUNT_ID}/followers", X_AUTH + "\r\nConnection: close")
        head, _, body = complete.partition(b"\r\n\r\n")
        assert json.loads(body)["data"]


def test_a_dropped_body_is_an_incomplete_read_for_http_client(tiny_dataset: Path) -> None:
    plan = FaultPlan([Fault("yt.subscriptions", "drop-mid-body", times=1)])
    with SandboxServer(tiny_dataset, faults=plan) as server:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
        connection.request(
            "GET",
            "/youtube/v3/subscriptions?part=snippet&mySubscribers=true",
            headers={"Authorization": f"Bearer {CHANNEL_ID}-token"},
        )
        response = connection.getresponse()
        assert response.status == 200
        with pytest.raises(http.client.IncompleteRead):
            response.read()
        connection.close()


def test_a_usage_cap_leaves_requests_in_the_window(tiny_dataset: Path) -> None:
    with SandboxServer(
        tiny_dataset, faults=FaultPlan([Fault("x.tweets", "429-usage-cap", times=-1)])
    ) as server:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
        connection.request("GET", f"/2/users/{X_ACCOUNT_ID}/tweets", headers={"Authorization": X_AUTH})
        response = connection.getresponse()
        body = json.loads(response.read())
        assert response.status == 429
        assert body["title"] == "UsageCapExceeded" and body["type"].endswith("/usage-capped")
        assert int(response.getheader("x-rate-limit-remaining") or 0) > 0


def test_an_expired_sign_in_refuses_every_refresh_after_the_401(tiny_dataset: Path) -> None:
    with SandboxServer(
        tiny_dataset, faults=FaultPlan([Fault("yt.channels", "token-expired", times=1)])
    ) as server:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
        connection.request(
            "GET",
            "/youtube/v3/channels?part=id&mine=true",
            headers={"Authorization": f"Bearer {CHANNEL_ID}-t"},
        )
        response = connection.getresponse()
        assert (
            response.status == 401
            and json.loads(response.read())["error"]["errors"][0]["reason"] == "authError"
        )
        form = "grant_type=refresh_token&refresh_token=r&client_id=c&client_secret=s"
        connection.request(
            "POST", "/token", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        refused = connection.getresponse()
        assert refused.status == 400 and json.loads(refused.read())["error"] == "invalid_grant"
        connection.close()


@pytest.mark.parametrize(("route", "kind"), [("yt.channels", "partial-errors"), ("x.me", "token-expired")])
def test_a_fault_the_platform_does_not_have_is_refused(route: str, kind: str) -> None:
    with pytest.raises(ValueError, match=kind):
        Fault(route, kind)


def test_only_the_token_endpoint_takes_a_post(tiny_dataset: Path) -> None:
    with SandboxServer(tiny_dataset) as server:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
        connection.request("POST", "/youtube/v3/channels?part=id&mine=true", body="{}")
        response = connection.getresponse()
        assert response.status == 405 and response.getheader("Allow") == "GET, HEAD"
        connection.close()
