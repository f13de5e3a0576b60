"""Requests blinkpy's `start()` and `refresh(force=True)` cost, measured at the server.

blink-cloud-api.md §4.2: with S sync modules, C cameras on sync modules, M Minis/doorbells
on a sync module's network and O sync-less Minis/doorbells/floodlights,
`start()` with saved tokens costs 4 + 2S + 3C + M + O and `refresh(force=True)` costs
1 + 2S + 3C + M + 2O. The benchmark compares blink_care against the latter.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

import aiohttp
from blinkpy.auth import Auth
from blinkpy.blinkpy import Blink
import pytest

from blink_sim import Fleet, Listing, SimCloud
from blink_sim.testing import ManualClock, blinkpy_login, cookie_session, serving

NOW = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
# authorize, sign-in page, sign-in, authorize (code), token, tier_info
FRESH_SIGN_IN_REQUESTS = 6


class Shape(NamedTuple):
    """The four numbers the request-count formulas use."""

    sync_modules: int
    cameras: int
    attached: int  # Minis and doorbells on a sync module's network (M)
    sync_less: int  # Minis, doorbells and floodlights on their own (O)


def shape_of(fleet: Fleet) -> Shape:
    plug_ins = fleet.listed(Listing.OWLS) + fleet.listed(Listing.DOORBELLS)
    attached = sum(fleet.sync_module_of(d.network_id) is not None for d in plug_ins)
    return Shape(
        sync_modules=len(fleet.listed(Listing.SYNC_MODULES)),
        cameras=len(fleet.listed(Listing.CAMERAS)),
        attached=attached,
        sync_less=len(plug_ins) - attached,
    )


FLEETS: dict[str, dict[str, Any]] = {
    "one system": {"sync_modules": 1, "battery_cameras": 3},
    "two systems and sync-less devices": {
        "sync_modules": 2,
        "battery_cameras": 5,
        "minis": 2,
        "doorbells": 1,
        "floodlights": 1,
    },
    "devices attached to a sync module": {
        "sync_modules": 2,
        "battery_cameras": 4,
        "minis": 2,
        "doorbells": 1,
        "attach_to_sync": True,
    },
}


@pytest.fixture(params=list(FLEETS))
def fleet(request: pytest.FixtureRequest) -> Fleet:
    return Fleet.build(now=NOW, **FLEETS[request.param])


@pytest.fixture
async def sim(socket_enabled: None, fleet: Fleet) -> AsyncIterator[SimCloud]:
    cloud = SimCloud(fleet, clock=ManualClock(NOW))
    async with serving(cloud):
        yield cloud


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with cookie_session() as client:
        yield client


async def test_start_with_a_fresh_sign_in(sim, fleet, session):
    s, c, m, o = shape_of(fleet)
    blink = blinkpy_login(sim, session)

    assert await blink.start()

    assert sim.requests.total == FRESH_SIGN_IN_REQUESTS + 3 + 2 * s + 3 * c + m + o
    assert len(blink.cameras) == c + m + o


async def test_start_with_saved_tokens(sim, fleet, session):
    s, c, m, o = shape_of(fleet)
    first = blinkpy_login(sim, session)
    await first.auth.startup()
    sim.requests.reset()
    blink = Blink(session=session)
    blink.auth = Auth(dict(first.auth.login_attributes), no_prompt=True, session=session)

    assert await blink.start()

    assert sim.requests.total == 4 + 2 * s + 3 * c + m + o


async def test_forced_refresh(sim, fleet, session):
    s, c, m, o = shape_of(fleet)
    blink = blinkpy_login(sim, session)
    assert await blink.start()
    sim.requests.reset()

    assert await blink.refresh(force=True)

    assert sim.requests.total == 1 + 2 * s + 3 * c + m + 2 * o
    counted = sim.requests.by_endpoint
    assert counted["homescreen"] == 1
    assert counted["network_update"] == s
    assert counted["media_changed"] == s + o
    assert counted["camera_config"] == counted["camera_signals"] == c
    assert counted["thumbnail"] == c + m + o
