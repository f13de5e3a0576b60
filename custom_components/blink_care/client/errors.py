"""Typed faults of the Blink cloud. Nothing else escapes the client."""


class BlinkCareError(Exception):
    """Base class of every fault the client reports."""


class AuthFailedError(BlinkCareError):
    """Credentials or tokens were refused (HTTP 401, body code 101, bad password)."""


class HardwareIdRejectedError(AuthFailedError):
    """Blink answered 406: it refuses this install's hardware id."""


class TwoFactorRequiredError(BlinkCareError):
    """Blink sent a PIN and waits for it."""


class InvalidPinError(BlinkCareError):
    """The PIN was wrong or expired."""


class RateLimitedError(BlinkCareError):
    """HTTP 429 or body code 307 ("busy"). `retry_after` is Blink's hint in seconds, if any."""

    def __init__(self, message: str = "rate limited", retry_after: float | None = None) -> None:
        """Keep the server's retry hint."""
        super().__init__(message)
        self.retry_after = retry_after


class CloudUnreachableError(BlinkCareError):
    """5xx, timeouts, refused connections, HTML where JSON was due, unusable bodies."""
