"""The proxy check says what the Prefect client will do: httpx's own reading of HTTP(S)_PROXY and NO_PROXY."""

from __future__ import annotations

import pytest

from flows.schedule_health import LOOPBACK_NO_PROXY, check_proxy, proxied

API = "http://127.0.0.1:4200/api"


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_proxy_set_is_no_line(clean):
    assert proxied(API) is None and check_proxy(API) is None


def test_a_proxy_for_http_without_no_proxy_catches_the_local_api(clean):
    clean.setenv("HTTP_PROXY", "http://proxy.school.internal:3128")
    line = check_proxy(API)
    assert line is not None and not line.ok and "proxy.school.internal" in line.message


def test_the_no_proxy_the_units_set_covers_loopback_by_name_and_address(clean):
    clean.setenv("HTTP_PROXY", "http://proxy.school.internal:3128")
    clean.setenv("NO_PROXY", LOOPBACK_NO_PROXY)
    for url in (API, "http://localhost:4200/api", "http://[::1]:4200/api"):
        assert proxied(url) is None, url
    assert proxied("http://prefect.trust.internal:4200/api") is not None


def test_a_no_proxy_that_names_another_host_does_not_cover_the_api(clean):
    clean.setenv("HTTPS_PROXY", "http://proxy.school.internal:3128")
    clean.setenv("NO_PROXY", ".school.internal")
    assert proxied("https://prefect.trust.org/api") is not None
    assert proxied("https://prefect.school.internal/api") is None


def test_the_drain_counts_a_run_on_this_machine_or_on_none_named():
    from flows.worker_drain import _on_host

    assert _on_host("21241", "school-box") and _on_host("", "school-box")
    assert _on_host("school-box:21241", "school-box")
    assert not _on_host("other-box:21241", "school-box")
