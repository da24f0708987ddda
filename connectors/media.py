"""Download of published images (post photos, video previews, thumbnails) with a hard size limit."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from connectors.errors import MediaRefused
from connectors.paging import Retry, RetryPolicy, call_with_retries, dropped_connection

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")


@dataclass(frozen=True)
class MediaFetcher:
    """Fetches image bytes; in the sandbox, platform CDN hosts are rewritten to the local server."""

    session: requests.Session
    policy: RetryPolicy
    max_bytes: int = DEFAULT_MAX_BYTES
    sandbox_url: str | None = None
    timeout: float = 30.0

    def resolve(self, url: str) -> str:
        if not self.sandbox_url:
            return url
        parts = urlsplit(url)
        return self.sandbox_url.rstrip("/") + parts.path

    def fetch(self, url: str) -> bytes:
        if urlsplit(url).scheme not in ("https", "http"):
            raise MediaRefused("media", "download", f"refusing a non-HTTP media URL: {url[:80]!r}")
        target = self.resolve(url)
        return call_with_retries(
            lambda: self._fetch_once(target), _classify, self.policy, "media", "download"
        )

    def fetch_if_changed(self, url: str, known_bytes: int | None) -> bytes | None:
        """The image again if its size at the URL is no longer `known_bytes` (a thumbnail replaced in place),
        else None. One HEAD request, no retries: a failed check changes nothing and costs no time."""
        if known_bytes is None:
            return self.fetch(url)
        try:
            with self.session.head(self.resolve(url), timeout=self.timeout, allow_redirects=True) as response:
                declared = response.headers.get("Content-Length") if response.status_code == 200 else None
        except requests.RequestException:
            return None
        if declared is None or not declared.isdigit() or int(declared) == known_bytes:
            return None
        return self.fetch(url)

    def _fetch_once(self, url: str) -> bytes:
        with self.session.get(url, stream=True, timeout=self.timeout) as response:
            if response.status_code == 429 or response.status_code >= 500:
                raise _Transient(f"HTTP {response.status_code}")
            if response.status_code != 200:
                raise MediaRefused("media", "download", f"HTTP {response.status_code} for {url}")
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type and content_type not in IMAGE_TYPES:
                raise MediaRefused("media", "download", f"not an image ({content_type}) at {url}")
            try:
                declared = int(response.headers.get("Content-Length") or 0)
            except ValueError:
                declared = 0  # an unparseable header is no promise: the streamed count below decides
            if declared > self.max_bytes:
                raise MediaRefused(
                    "media", "download", f"{declared} bytes is over the {self.max_bytes} limit"
                )
            chunks: list[bytes] = []
            received = 0
            for chunk in response.iter_content(64 * 1024):
                received += len(chunk)
                # The header can lie (or be absent): count what actually arrives.
                if received > self.max_bytes:
                    raise MediaRefused("media", "download", f"more than {self.max_bytes} bytes at {url}")
                chunks.append(chunk)
            return b"".join(chunks)


class _Transient(Exception):
    pass


def _classify(error: Exception) -> Exception:
    if isinstance(error, _Transient):
        return Retry(str(error))
    if dropped_connection(error):
        # Also a body cut short (ChunkedEncodingError): the image is fetched again, never half stored.
        return Retry(f"connection failed ({type(error).__name__})")
    return error
