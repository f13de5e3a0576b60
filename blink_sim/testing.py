"""Helpers for tests that drive blinkpy against the simulated cloud."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from blink_sim.redirect import redirect_blinkpy
from blink_sim.server import SimCloud


@dataclass
class ManualClock:
    """A clock a test moves by hand (pass it as `SimCloud(clock=...)`)."""

    now: datetime

    def __call__(self) -> datetime:
        """Return the current simulated time."""
        return self.now

    def advance(self, delta: timedelta) -> None:
        """Move time forward."""
        self.now += delta


def cookie_session(**kwargs: Any) -> aiohttp.ClientSession:
    """Return a session that keeps cookies for 127.0.0.1, which Blink's sign-in needs."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), **kwargs)


@asynccontextmanager
async def serving(
    sim: SimCloud, *, request_timeout: float | None = 2.0, throttle: bool = False
) -> AsyncIterator[str]:
    """Run `sim` and point blinkpy at it for the duration; yield the base URL.

    Defaults suit tests: REST requests give up after 2 s instead of 10 s and blinkpy's
    sleeping throttles are off (see `redirect_blinkpy`).
    """
    base_url = await sim.start()
    undo = redirect_blinkpy(base_url, timeout=request_timeout, throttle=throttle)
    try:
        yield base_url
    finally:
        undo()
        await sim.stop()


def blinkpy_login(sim: SimCloud, session: aiohttp.ClientSession, **login_data: Any) -> Any:
    """Return a blinkpy `Blink` whose `Auth` signs in as the simulated account's user.

    The `Auth` is built the way an integration must build it: `no_prompt=True` and the same
    cookie-keeping session for `Blink` and `Auth`. `login_data` adds or overrides keys.
    """
    from blinkpy.auth import Auth  # noqa: PLC0415 - blinkpy only where a test needs it
    from blinkpy.blinkpy import Blink  # noqa: PLC0415

    blink = Blink(session=session)
    data = {"username": sim.username, "password": sim.password} | login_data
    blink.auth = Auth(data, no_prompt=True, session=session)
    return blink
