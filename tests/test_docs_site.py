"""The documentation is a site: `mkdocs build --strict` builds it with no warning (every page in the navigation, every
link and anchor found), offline, from the pages as committed, generated ones included."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders.paths import REPO


@pytest.mark.slow
def test_the_site_builds_strictly_offline(tmp_path: Path) -> None:
    mkdocs = Path(sys.executable).with_name("mkdocs")
    built = subprocess.run(
        [
            str(mkdocs),
            "build",
            "--strict",
            "--config-file",
            str(REPO / "mkdocs.yml"),
            "--site-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "NO_PROXY": "*",
            "no_proxy": "*",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "HTTP_PROXY": "http://127.0.0.1:9",
        },
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    pages = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html")}
    assert {"index.html", "etl-setup.html", "dpo.html", "results/bench.html", "contracts/cli.html"} <= pages
    assert "fonts.googleapis.com" not in (tmp_path / "index.html").read_text(encoding="utf-8")
