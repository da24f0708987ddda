"""Local HTTP server speaking the X API v2, YouTube Data API v3 and Graph API routes over a sandbox dataset directory.

Each platform is laid out as moto lays out a fake AWS service: sandbox/x/ and sandbox/youtube/ each have
`urls.py` (routes), `responses.py` (request handling), `models.py` (the dataset's state) and
`exceptions.py` (error bodies); sandbox/meta/ routes Graph's `/vNN.0/{id}/{edge}` paths by what the id stands for. The plumbing is in http.py, the dataset reader in dataset.py and the
injected faults in faults.py; this module wires them into a server.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.credentials import SandboxAccess, load_access
from sandbox.dataset import Dataset, load_dataset
from sandbox.faults import CUTTING_FAULTS, FAULTS_ENV, Fault, FaultPlan, cut_reply, fault_reply
from sandbox.http import (
    TEXT,
    ApiError,
    ApiRequest,
    Reply,
    RequestRecord,
    Responder,
    Route,
    ThreadedServer,
    match_route,
    route,
    send,
    serve_file,
)
from sandbox.ledger import Ledger
from sandbox.meta import exceptions as meta_errors
from sandbox.meta.responses import MetaReads
from sandbox.meta.tokens import MetaAccess, load_meta_access
from sandbox.meta.urls import MetaRouter
from sandbox.meta.usage import MetaUsage
from sandbox.meta.writes import MetaWrites
from sandbox.writes import WriteJournal
from sandbox.x import exceptions as x_errors
from sandbox.x import media as x_media
from sandbox.x import urls as x_urls
from sandbox.x.media import MediaUploads, Snowflakes
from sandbox.x.models import XBackend, XRateLimits
from sandbox.x.oauth import OAuthVerifier
from sandbox.x.posts import XPosting
from sandbox.x.responses import XResponses
from sandbox.x.writes import XWrites
from sandbox.x.writes import write_routes as x_write_routes
from sandbox.youtube import exceptions as yt_errors
from sandbox.youtube import urls as yt_urls
from sandbox.youtube.models import YouTubeBackend
from sandbox.youtube.oauth import TokenRegistry
from sandbox.youtube.responses import YouTubeResponses
from sandbox.youtube.urls import TOKEN_PATH
from sandbox.youtube.writes import YouTubeWrites
from sandbox.youtube.writes import write_routes as yt_write_routes

__all__ = ["FAULTS_ENV", "Fault", "FaultPlan", "RequestRecord", "SandboxServer", "main"]


class SandboxServer:
    """The X, YouTube and Graph APIs on their real routes, served from a dataset directory on a local port.

    A context manager: `.url` is `http://127.0.0.1:PORT`, `.requests` lists `RequestRecord(method, path, query,
    status)`. Faults: `FaultPlan([Fault(route="x.followers", kind="429", times=2, after=0)])`, or
    `FaultPlan.from_json(text)` (routes and kinds: docs/contracts/dataset.md). Every response is checked against the
    published schemas. `/2/users/me` answers as the account whose id prefixes the access token before `-`, YouTube
    `mine` for the channel the token starts with (else the first account)."""

    def __init__(
        self,
        dataset_dir: Path,
        faults: FaultPlan | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
    ) -> None:
        self.dataset_dir = Path(dataset_dir)
        self.faults = faults or FaultPlan([])
        self.host = host
        self.port = port
        self.verbose = verbose
        self.requests: list[RequestRecord] = []
        self._records_lock = threading.Lock()
        self._rate_limits = XRateLimits()
        # Google access tokens the sandbox issued (with their scopes), kept across restarts of the server.
        self.tokens = TokenRegistry()
        self._httpd: ThreadedServer | None = None
        self._thread: threading.Thread | None = None
        self.dataset: Dataset | None = None
        # Who may call (the dataset's apps, tokens and keys) and what the calls cost, known once started.
        self.access: SandboxAccess | None = None
        self.ledger: Ledger | None = None
        self._x_api: XResponses | None = None
        self._api_routes: list[Route] = []
        self._file_routes: list[Route] = []
        # The owner's writes (DELETE, PUT, POST) by method; what they change is kept in the dataset's journal.
        self._write_routes: dict[str, list[Route]] = {}
        self.journal: WriteJournal | None = None
        # The Graph API's tokens (Page and user) and the router of its paths, known once started.
        self.meta_access: MetaAccess | None = None
        self._meta: MetaRouter | None = None
        # The media uploaded to X and not yet attached (held in memory: media ids expire after a day anyway).
        self.x_media: MediaUploads | None = None

    @classmethod
    def from_env(cls, dataset_dir: Path, **kwargs: Any) -> SandboxServer:
        """A server whose faults come from $SOCIALAUDIT_SANDBOX_FAULTS (a FaultPlan JSON list), if set."""
        text = os.environ.get(FAULTS_ENV, "").strip()
        return cls(dataset_dir, faults=FaultPlan.from_json(text) if text else None, **kwargs)

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the sandbox server is not running")
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        if self._httpd is not None:
            return self
        self.dataset = load_dataset(self.dataset_dir)
        self.journal = WriteJournal.open(self.dataset)
        self.access = load_access(
            self.dataset.root,
            [str(a.user.get("id")) for a in self.dataset.x_accounts],
            [c.channel_id for c in self.dataset.channels],
        )
        self.tokens.use(self.access)
        self.ledger = self.ledger or Ledger(self.access.daily_quota, self.access.project)
        x_api = XResponses(XBackend(self.dataset), OAuthVerifier(self.access), self.ledger, self._rate_limits)
        self._x_api = x_api
        youtube = YouTubeResponses(YouTubeBackend(self.dataset), self.tokens, self.access, self.ledger)
        self._api_routes = [
            *x_urls.api_routes(x_api),
            route(
                "x.media_upload", re.escape(x_media.UPLOAD_PATH), lambda request: self._media_status(request)
            ),
            *yt_urls.api_routes(youtube),
        ]
        # Media ids and post ids are snowflakes from one sequence, as X's are.
        ids = Snowflakes()
        self.x_media = MediaUploads(x_api.verifier, ids)
        owner_writes = XWrites(x_api, self.journal)
        posting = XPosting(x_api, self.x_media, self.journal, ids, owner_writes.writer)
        x_writes = x_write_routes(owner_writes, posting, self.x_media)
        yt_writes = yt_write_routes(YouTubeWrites(youtube, self.journal))
        self._write_routes = {
            m: [*x_writes.get(m, []), *yt_writes.get(m, [])] for m in ("DELETE", "PUT", "POST")
        }
        self._file_routes = [*x_urls.file_routes(self.dataset), *yt_urls.file_routes(self.dataset)]
        meta = self.dataset.meta
        self.meta_access = load_meta_access(self.dataset.root, [p.page_id for p in meta.pages])
        meta_reads = MetaReads(meta, self.meta_access, MetaUsage(self.meta_access), lambda: self.url)
        self._meta = MetaRouter(meta, meta_reads, MetaWrites(meta_reads, self.journal))
        self._httpd = ThreadedServer((self.host, self.port), self)
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="sandbox-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def clear_requests(self) -> None:
        with self._records_lock:
            self.requests.clear()

    # -- routing

    def resolve(self, path: str, method: str = "GET") -> tuple[str, Responder | None]:
        """The route name of a path and the function answering it (None: no such resource)."""
        assert self.dataset is not None
        graph = self._meta.resolve(method, path) if self._meta is not None else None
        if graph is not None:
            return graph
        if method in self._write_routes:
            return match_route(self._write_routes[method], path) or ("", None)
        found = match_route(self._api_routes, path)
        if found:
            return found
        # Files are looked up by name in indexes built from the dataset, never joined onto a path: first
        # every CDN path the dataset publishes, then the usual /media/<key> and /vi/<id>/ shapes.
        if path in self.dataset.url_paths:
            route, file_path = self.dataset.url_paths[path]
            return route, lambda request: serve_file(file_path)
        return match_route(self._file_routes, path) or ("", None)

    # -- one request

    def accepts_post(self, path: str) -> bool:
        return path == TOKEN_PATH

    def accepts(self, method: str, path: str) -> bool:
        """A write route answers this method on this path (the token endpoint is the other POST)."""
        if self._meta is not None and self._meta.accepts(method, path):
            return True
        return match_route(self._write_routes.get(method, []), path) is not None

    def handle(self, handler: BaseHTTPRequestHandler, head_only: bool, allowed: bool = True) -> None:
        parsed = urlsplit(handler.path)
        query = {
            name: ",".join(values) for name, values in parse_qs(parsed.query, keep_blank_values=True).items()
        }
        body = b""
        too_large = False
        if allowed and handler.command in ("POST", "PUT"):
            declared = (handler.headers.get("Content-Length") or "0").strip()
            length = int(declared) if declared.isdigit() else -1
            # A length that is not a number is never read: it could hold the thread until the client gives up.
            too_large = not 0 <= length <= max_body_bytes(parsed.path)
            body = b"" if too_large else handler.rfile.read(length)
        request = ApiRequest(
            handler.command,
            parsed.path,
            query,
            handler.headers.get("Authorization", ""),
            body,
            parsed.query,
            handler.headers.get("Content-Type", ""),
        )
        write = (handler.command in self._write_routes and not self.accepts_post(parsed.path)) or (
            self._meta is not None and self._meta.accepts(handler.command, parsed.path)
        )
        route, respond = self.resolve(parsed.path, handler.command if write else "GET")
        if not allowed:
            # The request body is never read, so the connection cannot carry another request.
            handler.close_connection = True
            methods = ["GET", "HEAD", *(m for m in self._write_routes if self.accepts(m, parsed.path))]
            if self.accepts_post(parsed.path):
                methods.append("POST")
            headers = {"Allow": ", ".join(methods), "Connection": "close"}
            reply = Reply(405, b"Method Not Allowed", TEXT, headers)
        elif too_large:
            # The body is left unread: the connection cannot carry another request.
            handler.close_connection = True
            reply = Reply(413, b"Request Entity Too Large", TEXT, {"Connection": "close"})
        elif respond is None:
            reply = not_found_reply(parsed.path)
        else:
            reply = self.answer(route, respond, request)
        with self._records_lock:
            # Recorded before the body goes out, so a client that has its answer also finds the record.
            self.requests.append(RequestRecord(request.method, request.path, query, reply.status, route))
        send(handler, reply, head_only)

    def answer(self, route: str, respond: Responder, request: ApiRequest) -> Reply:
        fault = self.faults.draw(route)
        if fault is not None and fault.kind not in CUTTING_FAULTS:
            if fault.kind == "token-expired":
                if route.startswith(("fb.", "ig.")):
                    self._expire_graph_token(request)
                else:
                    self.tokens.revoke()
            owner = self._meta.owner_of(request.path) if self._meta is not None else ""
            reply = fault_reply(route, fault, self._rate_limits, owner)
            if route.startswith("x.") and fault.kind != "403-suspended":
                self._spell_problems(reply)
            return reply
        try:
            reply = respond(request)
        except ApiError as error:
            reply = error.reply
        except Exception:
            traceback.print_exc(file=sys.stderr)
            if route.startswith(("fb.", "ig.")):
                reply = meta_errors.unknown_error()
            else:
                reply = x_errors.sandbox_failed() if route.startswith("x.") else yt_errors.sandbox_failed()
        if route.startswith("x.") and self._x_api is not None:
            reply.headers.update(self._x_api.rate_limit_headers())
            self._spell_problems(reply)
        if fault is not None:
            cut_reply(route, reply, fault.kind)
        return reply

    def _media_status(self, request: ApiRequest) -> Reply:
        assert self.x_media is not None
        return self.x_media.status(request)

    def _expire_graph_token(self, request: ApiRequest) -> None:
        """A 190 is not a passing failure: the token that met it stays expired until the owner reconnects."""
        if self.meta_access is None:
            return
        token = request.query.get("access_token", "")
        if not token and " " in request.authorization:
            token = request.authorization.split(" ", 1)[1].strip()
        if token:
            self.meta_access.expire(token)

    def _spell_problems(self, reply: Reply) -> None:
        """X spells its problem types with either host (docs: api.x.com; some live answers: api.twitter.com):
        the dataset says which this sandbox sends (`sandbox.json` x.problem_host)."""
        host = self.access.problem_host if self.access else "api.x.com"
        for spelling in (b"https://api.x.com/2/problems/", b"https://api.twitter.com/2/problems/"):
            reply.body = reply.body.replace(spelling, f"https://{host}/2/problems/".encode())


def max_body_bytes(path: str) -> int:
    """What a request body may weigh: a media upload carries an image (or a chunk) of up to 5 MB and its form."""
    return x_media.MAX_REQUEST_BYTES if path == x_media.UPLOAD_PATH else 64 * 1024


def not_found_reply(path: str) -> Reply:
    if path.startswith("/2/"):
        return x_errors.resource_not_found(path)
    if path.startswith("/youtube/"):
        return yt_errors.not_found()
    if path.startswith("/v") and path[1:2].isdigit():
        return meta_errors.unknown_path(path)
    return Reply(404, b"Not Found", TEXT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.server",
        description=f"Serve a sandbox dataset on the X, YouTube and Graph API routes (faults from ${FAULTS_ENV}).",
    )
    parser.add_argument("dataset", type=Path, help="the sandbox dataset directory")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    # The handler goes in before the address is printed: whoever read the address may stop the server at once.
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    server = SandboxServer.from_env(args.dataset, host=args.host, port=args.port, verbose=args.verbose)
    server.start()
    print(server.url, flush=True)
    try:
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
