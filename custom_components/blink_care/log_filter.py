"""Keep credentials and account identifiers out of blinkpy's log records.

blinkpy logs request URLs with the account id in their path (at DEBUG, and at ERROR when a
request fails), and whole answers from Blink (login responses with tokens, homescreens with
serial numbers and ids, sign-in pages) when something looks wrong. Users paste logs into public
issues, so blink_care rewrites such records before any handler formats them.

A filter on a logger only sees the records of that logger, not those its children pass up, so
it goes on every blinkpy module's logger.
"""

from collections.abc import Iterable
import logging
import re

REDACTED = "**REDACTED**"
BLINKPY_LOGGER = "blinkpy"
# The modules of blinkpy 0.25 that log; loggers that exist already are covered too.
BLINKPY_MODULE_LOGGERS = (
    "blinkpy",
    "blinkpy.api",
    "blinkpy.auth",
    "blinkpy.blinkpy",
    "blinkpy.camera",
    "blinkpy.sync_module",
    "blinkpy.helpers.util",
)

# Keys whose values identify the owner or let someone act as them, in whatever notation blinkpy
# prints them: JSON or Python dicts ("key": value) and forms or query strings (key=value).
_IDENTIFYING_KEYS = (
    r"(?:access_token|refresh_token|token|password|hardware_id|account_id|user_id|client_id"
    r"|unique_id|email|username|serial|2fa_code|code_verifier|csrf-token|id|[a-z]+_id)"
)
# In a query string `code` is the OAuth authorization code; in a JSON body it is Blink's
# error number, which is worth keeping.
_FORM_IDENTIFYING_KEYS = rf"(?:code|{_IDENTIFYING_KEYS})"
_QUOTED_KEY_VALUE = re.compile(
    rf"""(?P<key>(?P<quote>["']){_IDENTIFYING_KEYS}(?P=quote)\s*:\s*)"""
    r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,}\]]+)""",
    re.IGNORECASE,
)
_FORM_KEY_VALUE = re.compile(
    rf"(?P<key>(?<![\w-]){_FORM_IDENTIFYING_KEYS}=)[^&\s,;'\"]+",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(?P<key>Bearer\s+)[^\s'\",}]+", re.IGNORECASE)
# REST paths name the account and the user: /api/v3/accounts/<id>/homescreen, /users/<id>/...
_PATH_ID = re.compile(r"(?P<key>/(?:accounts?|users?|clients?)/)\d+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Hardware ids are UUIDs; nothing else in blinkpy's records is.
_UUID = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE
)


def redact(text: str) -> str:
    """The text with every recognisable secret replaced by REDACTED."""
    for pattern in (_QUOTED_KEY_VALUE, _FORM_KEY_VALUE, _BEARER, _PATH_ID):
        text = pattern.sub(lambda match: f"{match['key']}{REDACTED}", text)
    for pattern in (_EMAIL, _UUID):
        text = pattern.sub(REDACTED, text)
    return text


class SecretRedactingFilter(logging.Filter):
    """Rewrites a record's message (and traceback text) when it contains a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always let the record through, redacted."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is logging's to report, not ours
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


BLINKPY_FILTER = SecretRedactingFilter()


def blinkpy_loggers() -> Iterable[logging.Logger]:
    """Blinkpy's loggers: the known modules and any other that exists by now."""
    names = set(BLINKPY_MODULE_LOGGERS)
    names.update(
        name
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and name.startswith(f"{BLINKPY_LOGGER}.")
    )
    return [logging.getLogger(name) for name in sorted(names)]


def install_blinkpy_log_filter() -> None:
    """Put the redacting filter on every blinkpy logger (once; calling again is harmless)."""
    for logger in blinkpy_loggers():
        if BLINKPY_FILTER not in logger.filters:
            logger.addFilter(BLINKPY_FILTER)
