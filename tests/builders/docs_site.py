"""The documentation site as a reader gets it: `mkdocs build --strict` run offline (any fetch goes to a closed
port), and the built folder served over HTTP as a web server would (its 404 page and search need a server)."""

from __future__ import annotations

import contextlib
import functools
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.builders.paths import REPO
from tests.builders.ports import SHORT_POLL


def build_docs_site(site: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` into `site`, with no network: the proxies point at a closed port."""
    mkdocs = Path(sys.executable).with_name("mkdocs")
    return subprocess.run(
        [
            str(mkdocs),
            "build",
            "--strict",
            "--config-file",
            str(REPO / "mkdocs.yml"),
            "--site-dir",
            str(site),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "NO_PROXY": "*",
            "no_proxy": "*",
            "HTTPS_PROXY": "http://127.0.0.1:9",
            "HTTP_PROXY": "http://127.0.0.1:9",
        },
        timeout=300,
        check=False,
    )


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def served_folder(folder: Path) -> Iterator[str]:
    """The folder's base URL (ending in /) while it is served on 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietFiles, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, kwargs=SHORT_POLL, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
