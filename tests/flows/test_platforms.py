"""Every declared platform is a whole plug-in: its streams validated by suites that exist and staged by the
warehouse's models, its rows given to the marts every platform feeds, its published images found by the connectors,
its accounts read by a flow task, and every action the catalogue lists for it sent through it. A platform that
leaves a piece out fails here, by name."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from prefect import Task

from checks.raw_data.suites import raw_suites
from connectors.streams import MEDIA_REFERENCES
from flows.offline import Endpoints
from flows.plugins import PLUGS
from flows.plugins.plug import PlatformPlug
from platforms import NAMES, PLATFORMS, Platform, Stream
from tests.warehouse.test_platform_marts import missing_mart_models
from warehouse.remediation.actions import ACTIONS

STAGING = Path(__file__).resolve().parents[2] / "warehouse" / "models" / "staging"
READER_PARAMETERS = ["account", "endpoints", "policy", "state", "config"]


STREAM_FILTER = re.compile(r"stream\s*=\s*'(\w+)'|stream IN \(([^)]*)\)")


def staged_streams(platform: str) -> set[str] | None:
    """The streams the platform's staging models (`stg_<platform>__*.sql`) read; None when it has none."""
    models = sorted(STAGING.glob(f"stg_{platform}__*.sql"))
    if not models:
        return None
    found = [part for path in models for match in STREAM_FILTER.findall(path.read_text()) for part in match]
    return {name.strip(" '") for part in found if part for name in part.split(",")}


def missing_pieces(
    platform: Platform,
    plugs: Mapping[str, PlatformPlug] = PLUGS,
    media_references: Mapping[str, Callable[..., Any]] = MEDIA_REFERENCES,
) -> list[str]:
    """What a declared platform lacks, one line each (empty: it is whole)."""
    name, missing = platform.name, []
    declared = {s.name for s in platform.streams} | set(platform.side_streams)
    if not platform.streams:
        missing.append(f"{name}: no streams declared (platforms/)")
    if platform.item not in {kind for s in platform.streams for kind in s.subjects}:
        missing.append(f"{name}: no stream shows its published {platform.item}s (platforms/ Stream.subjects)")
    suites = raw_suites()
    missing += [
        f"{name}: stream {s.name} is validated by suite {s.suite}, which checks/raw_data/suites.py lacks"
        for s in platform.streams
        if s.suite is not None and s.suite not in suites
    ]
    staged = staged_streams(name)
    if staged is None:
        missing.append(f"{name}: no staging model warehouse/models/staging/stg_{name}__*.sql")
    else:
        missing += [
            f"{name}: a staging model reads stream {stream!r}, which platforms/ does not declare"
            for stream in sorted(staged - declared)
        ]
    missing += missing_mart_models(platform)
    if name not in media_references:
        missing.append(f"{name}: no media references in connectors/streams.py MEDIA_REFERENCES")
    plug = plugs.get(name)
    if plug is None:
        return [*missing, f"{name}: no plug-in in flows/plugins/ (account reader, base URL, actions)"]
    reader = plug.read_account
    if not isinstance(reader, Task):
        missing.append(f"{name}: its account reader is not a Prefect task")
    elif list(inspect.signature(reader.fn).parameters) != READER_PARAMETERS:
        missing.append(f"{name}: its account reader does not take ({', '.join(READER_PARAMETERS)})")
    if not callable(plug.send) or not callable(plug.check_permissions):
        missing.append(f"{name}: its plug-in cannot send an action or check what its credentials allow")
    catalogued = {a.name for a in ACTIONS.values() if a.platform == name}
    missing += [
        f"{name}: action {a} is catalogued but the plug-in cannot send it"
        for a in sorted(catalogued - set(plug.actions))
    ]
    missing += [
        f"{name}: the plug-in sends {a}, which warehouse/remediation/actions.py does not list for it"
        for a in sorted(set(plug.actions) - catalogued)
    ]
    return missing


@pytest.mark.parametrize("platform", PLATFORMS, ids=NAMES)
def test_each_declared_platform_is_a_whole_plug_in(platform: Platform) -> None:
    assert missing_pieces(platform) == []


def test_the_flows_plug_in_every_declared_platform_in_order_and_no_other() -> None:
    assert list(PLUGS) == list(NAMES)
    assert set(MEDIA_REFERENCES) == set(NAMES)
    assert {a.platform for a in ACTIONS.values()} - {"any"} <= set(NAMES)


def test_each_platform_reads_its_own_api() -> None:
    """Facebook and Instagram share Meta's Graph API; every other platform has its own."""
    reach = Endpoints(
        "http://sandbox/x",
        "http://sandbox/youtube",
        "http://sandbox/media",
        sandbox=True,
        graph_base_url="http://sandbox/graph",
    )
    urls = {name: plug.base_url(reach) for name, plug in PLUGS.items()}
    assert None not in urls.values()
    assert urls["facebook"] == urls["instagram"] == "http://sandbox/graph"
    others = [url for name, url in urls.items() if name not in ("facebook", "instagram")]
    assert len(set(others)) == len(others) and "http://sandbox/graph" not in others


def test_a_platform_declared_without_its_pieces_is_told_what_it_lacks() -> None:
    """The check can fail: a page-only platform declared and nothing else written names each piece left out."""
    page = Platform("mastodon", "Mastodon", "post", (Stream("posts", ("post",), suite="md_posts"),))
    lacking = "\n".join(missing_pieces(page))
    pieces = (
        "suite md_posts",
        "staging model",
        "marts.fct_published_text",
        "media references",
        "flows/plugins/",
    )
    for piece in pieces:
        assert piece in lacking
