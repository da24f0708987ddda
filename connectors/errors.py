"""Typed failures a connector raises, so the flow can say in one line what went wrong.

Every connector failure is a `ConnectorError` naming its platform and stream, so the flow can give up on one
stream (or one platform, when `stops_platform` is set) and keep the others."""

from __future__ import annotations


class ConnectorError(Exception):
    """A platform call failed in a way the caller should report, not retry blindly."""

    # True when no other call to this platform can succeed in this run either (a usage cap, no credits):
    # the flow stops the platform at once instead of trying its other streams.
    stops_platform = False

    def __init__(self, platform: str, stream: str, message: str) -> None:
        super().__init__(f"{platform} {stream}: {message}")
        self.platform = platform
        self.stream = stream
        self.detail = message


class RateLimited(ConnectorError):
    """The platform kept refusing with 429 beyond what the retry policy allows."""


class RateLimitTooLong(RateLimited):
    """The rate-limit window resets later than `[api] max_wait_seconds`: waiting is not worth it."""


class ServerFailure(ConnectorError):
    """5xx or connection failures persisted through every retry."""


class MalformedPage(ConnectorError):
    """A response body was not the JSON the API promises (truncated, wrong shape)."""


class PlatformErrors(ConnectorError):
    """A 200 whose body has only an `errors` array: nothing was read, and that is not "nothing there"."""


class AuthFailure(ConnectorError):
    """Credentials were refused (401/403 other than a per-object state)."""


class WrongAccount(AuthFailure):
    """The credentials belong to another account than the configured one: nothing else of the platform is read
    (it would be that account's data, stored as the school's)."""

    stops_platform = True


class AccountSuspended(AuthFailure):
    """X says the account the keys sign in as is suspended (or locked): no read can succeed until it is restored."""

    stops_platform = True


class ScopeMissing(AuthFailure):
    """The OAuth token lacks the scope this call needs (Google 403 `insufficientPermissions`)."""


class SignInExpired(AuthFailure):
    """The stored refresh token was refused (`invalid_grant`): the owner has to sign in again. Every later call
    needs the same refresh, so no other stream of the platform can be read this run."""

    stops_platform = True


class PlanRefused(ConnectorError):
    """X 403 `client-forbidden` / `client-not-enrolled`: the app's plan cannot use this endpoint; keys are fine."""

    stops_platform = True


class UsageCapped(ConnectorError):
    """X usage cap reached (429 `UsageCapExceeded`): no wait for a rate-limit reset helps."""

    stops_platform = True


class CreditsDepleted(ConnectorError):
    """X pay-per-use credits are used up (402): every further read is refused until credits are bought."""

    stops_platform = True


class CostCapExceeded(ConnectorError):
    """The estimated X bill of this run is above `[api] max_x_cost_per_run`; nothing was paged."""

    stops_platform = True


class QuotaExhausted(ConnectorError):
    """YouTube's daily quota is used up; retrying today cannot help."""

    stops_platform = True


class MediaRefused(ConnectorError):
    """A media file was too large, not an image, or could not be fetched."""
