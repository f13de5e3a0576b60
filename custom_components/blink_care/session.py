"""A dedicated HTTP session per Blink login, as Blink's OAuth sign-in requires."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_create_clientsession

from .client import api
from .client.api import BlinkCloudClient, RequestRecorder
from .log_filter import install_blinkpy_log_filter


@dataclass(frozen=True, slots=True)
class BlinkSession:
    """An aiohttp session with its own cookie jar, and the recorder watching its requests."""

    session: aiohttp.ClientSession
    recorder: RequestRecorder


def async_blink_session(hass: HomeAssistant, *, auto_cleanup: bool = True) -> BlinkSession:
    """A new session with its own cookie jar.

    Why not Home Assistant's shared session: Blink's sign-in sets cookies that must survive
    from the password step to the PIN step (it answers "empty_cookies" otherwise), and the
    shared session's jar is not ours to fill. `unsafe=True` keeps cookies for IP-address hosts.
    With `auto_cleanup` Home Assistant closes the session when the config entry that created
    it unloads, or when it stops; without it (config flows) the caller closes it with
    `session.detach()`, or it would stay open, with a shutdown listener, until Home Assistant
    stops.

    Requests that set no timeout of their own (blinkpy's sign-in steps) give up after
    `AUTH_REQUEST_TIMEOUT_S` instead of aiohttp's five minutes.
    """
    # Sign-in happens in the config flow before async_setup runs: filter blinkpy's logs first.
    install_blinkpy_log_filter()
    recorder = RequestRecorder()
    session = async_create_clientsession(
        hass,
        auto_cleanup=auto_cleanup,
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        trace_configs=[recorder.trace_config],
        timeout=aiohttp.ClientTimeout(total=api.AUTH_REQUEST_TIMEOUT_S),
    )
    return BlinkSession(session, recorder)


def async_create_blink_client(
    hass: HomeAssistant,
    blink_session: BlinkSession,
    login_data: Mapping[str, Any],
    on_tokens_changed: Callable[[dict[str, Any]], None] | None = None,
) -> BlinkCloudClient:
    """A client starting a fresh sign-in on the session (cookies of an earlier try dropped)."""
    blink_session.session.cookie_jar.clear()
    return BlinkCloudClient(
        blink_session.session, blink_session.recorder, login_data, on_tokens_changed
    )
