"""`GET /debug_token` through the facebook-business SDK over real sockets to the Graph sandbox: a Page token
described as Meta describes it (type, Page, permissions and where each applies, expiry), and an expired, unknown or
another Page's token refused as Graph refuses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.errors import ConnectorError
from connectors.meta import TokenInvalid, make_graph_api
from connectors.meta_token import inspect_token
from connectors.paging import RetryPolicy
from sandbox.meta.tokens import ADMIN_USER_ID, load_meta_access
from sandbox.server import SandboxServer
from tests.sandbox.meta.graph_client import declare_tokens
from tests.sandbox.meta.graph_dataset import IG_ID, PAGE_ID, build_graph_dataset

pytest.importorskip("facebook_business")

POLICY = RetryPolicy(max_retries=1, backoff_seconds=0.01, max_wait_seconds=1)
OTHER_PAGE = "104000000000999"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return build_graph_dataset(tmp_path / "g")


def _inspect(server: SandboxServer, caller: str, inspected: str, platform: str = "facebook"):
    return inspect_token(make_graph_api(caller, server.url), inspected, POLICY, platform)


def test_a_page_token_is_described_as_meta_describes_it(dataset: Path) -> None:
    access = load_meta_access(dataset)
    token = access.page_token(PAGE_ID)
    with SandboxServer(dataset) as server:
        found = _inspect(server, token, token)
        assert (found.kind, found.profile_id, found.user_id) == ("PAGE", PAGE_ID, ADMIN_USER_ID)
        assert found.not_for("facebook", PAGE_ID) is None
        assert found.not_for("instagram", IG_ID) is None
        assert "not of this Page" in (found.not_for("facebook", OTHER_PAGE) or "")
        assert found.not_for("instagram", "17841400000000999")
        assert found.expires_at is None and found.data_access_expires_at is not None
        assert found.missing_for_reading("facebook", PAGE_ID) == []
        assert found.missing_for_reading("instagram", IG_ID) == []
        # Each permission applies where Meta says: the Page's on the Page, Instagram's on the linked account.
        assert "pages_manage_engagement" in found.scopes_on("facebook", PAGE_ID)
        assert "pages_manage_engagement" not in found.scopes_on("facebook", OTHER_PAGE)
        assert "instagram_manage_comments" in found.scopes_on("instagram", IG_ID)
        assert [r.route for r in server.requests] == ["fb.debug_token"]


def test_a_user_token_is_not_a_page_token(dataset: Path) -> None:
    access = load_meta_access(dataset)
    with SandboxServer(dataset) as server:
        found = _inspect(server, access.user_token(), access.user_token())
    assert found.kind == "USER" and "not a Page token" in (found.not_for("facebook", PAGE_ID) or "")


def test_a_narrow_token_says_what_the_read_lacks(dataset: Path) -> None:
    declare_tokens(
        dataset,
        {"tokens": [{"token": "EAAnarrow", "page_id": PAGE_ID, "permissions": ["pages_read_engagement"]}]},
    )
    with SandboxServer(dataset) as server:
        found = _inspect(server, "EAAnarrow", "EAAnarrow")
    assert found.missing_for_reading("facebook", PAGE_ID) == ["pages_read_user_content"]
    assert found.missing_for_reading("instagram", IG_ID) == ["instagram_basic", "instagram_manage_comments"]


def test_expired_unknown_and_other_pages_tokens_are_refused(dataset: Path) -> None:
    declare_tokens(
        dataset,
        {
            "tokens": [
                {"token": "EAAadmin", "kind": "user"},
                {"token": "EAAgone", "page_id": PAGE_ID, "expires_at": "2026-01-01T00:00:00Z"},
                {"token": "EAAlive", "page_id": PAGE_ID, "expires_at": "2099-01-01T00:00:00Z"},
            ]
        },
    )
    with SandboxServer(dataset) as server:
        # The expired token inspecting itself: refused outright, as any call with it is.
        with pytest.raises(TokenInvalid, match="190/463"):
            _inspect(server, "EAAgone", "EAAgone")
        # Inspected by the admin: Graph answers 200, is_valid false, the 190 inside the data.
        with pytest.raises(TokenInvalid, match="190/463: Error validating access token: Session has expired"):
            _inspect(server, "EAAadmin", "EAAgone")
        with pytest.raises(TokenInvalid, match="Cannot parse access token"):
            _inspect(server, "EAAadmin", "EAAnot-a-token")
        with pytest.raises(TokenInvalid, match="190"):
            _inspect(server, "EAAnot-a-token", "EAAnot-a-token")
        live = _inspect(server, "EAAadmin", "EAAlive")
        assert live.expires_at is not None and live.expires_at.year == 2099
        # A Page token may inspect only itself.
        with pytest.raises(ConnectorError, match=r"Graph error 100: .*app access token"):
            _inspect(server, "EAAlive", "EAAgone")
