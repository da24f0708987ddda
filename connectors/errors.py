"""Typed failures a connector raises, so the flow can say in one line what went wrong."""

from __future__ import annotations


class ConnectorError(Exception):
    """A platform call failed in a way the caller should report, not retry blindly."""

    def __init__(self, platform: str, stream: str, message: str) -> None:
        super().__init__(f"{platform} {stream}: {message}")
        self.platform = platform
        self.stream = stream


class RateLimited(ConnectorError):
    """The platform kept refusing with 429 beyond what the retry policy allows."""


class ServerFailure(ConnectorError):
    """5xx or connection failures persisted through every retry."""


class MalformedPage(ConnectorError):
    """A response body was not the JSON the API promises (truncated, wrong shape)."""


class AuthFailure(ConnectorError):
    """Credentials were refused (401/403 other than a per-object state)."""


class QuotaExhausted(ConnectorError):
    """YouTube's daily quota is used up; retrying today cannot help."""


class MediaRefused(ConnectorError):
    """A media file was too large, not an image, or could not be fetched."""
