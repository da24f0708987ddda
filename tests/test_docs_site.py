"""The documentation is a site: `mkdocs build --strict` builds it with no warning (every page in the navigation, every
link and anchor found), offline, from the pages as committed, generated ones included (the `docs_site` fixture builds
it once per session; tests/browser/test_accessibility.py reads the same build)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.slow
def test_the_site_builds_strictly_offline(docs_site: Path) -> None:
    pages = {p.relative_to(docs_site).as_posix() for p in docs_site.rglob("*.html")}
    assert {"index.html", "etl-setup.html", "dpo.html", "results/bench.html", "contracts/cli.html"} <= pages
    assert "fonts.googleapis.com" not in (docs_site / "index.html").read_text(encoding="utf-8")
