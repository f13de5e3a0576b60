"""Shared fixtures: real Home Assistant, real blinkpy, and a simulated Blink cloud on 127.0.0.1.

blinkpy reaches the simulated cloud over real HTTP: `redirect_blinkpy` points its base URLs at
the local server. The integration itself has no test switch.
"""

# Import the repository's package before Home Assistant's test config puts its own
# `custom_components` package first; otherwise the integration is "not found".
import custom_components  # noqa: F401  # isort: skip

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from blink_sim import Fleet, SimCloud
from blink_sim.redirect import redirect_blinkpy
from custom_components.blink_care.const import DOMAIN
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

USERNAME = "user@example.com"
PASSWORD = "correct-horse"
PIN = "123456"
HARDWARE_ID = "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"
# blinkpy waits 10 s for an answer; tests with a hanging cloud should not.
BLINKPY_TIMEOUT_S = 1.0


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components/ in every test."""


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots in Home Assistant's format, in tests/snapshots/ (as core's tests).

    The plugin defines the same fixture, but syrupy's own one wins over it.
    """
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def fleet() -> Fleet:
    """A small account: one sync module, three battery cameras, a Mini and a doorbell."""
    return Fleet.build(
        sync_modules=1, battery_cameras=3, minis=1, doorbells=1, now=dt_util.utcnow()
    )


@pytest.fixture
async def sim(fleet: Fleet, socket_enabled: None) -> AsyncIterator[SimCloud]:
    """The simulated Blink cloud, with blinkpy pointed at it for the test's duration.

    Home Assistant's test plugin blocks sockets; this fixture opens them for 127.0.0.1 only.
    """
    cloud = SimCloud(fleet, clock=dt_util.utcnow, username=USERNAME, password=PASSWORD, pin=PIN)
    base_url = await cloud.start(host="127.0.0.1", port=0)
    undo = redirect_blinkpy(base_url, timeout=BLINKPY_TIMEOUT_S)
    try:
        yield cloud
    finally:
        undo()
        await cloud.stop()


@pytest.fixture
def entry_data() -> dict[str, Any]:
    """What a fresh entry holds before its first login (tokens come from the cloud)."""
    return {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD, "hardware_id": HARDWARE_ID}


@pytest.fixture
def config_entry(hass: HomeAssistant, entry_data: dict[str, Any], sim: SimCloud) -> MockConfigEntry:
    """A blink_care entry for the simulated account, added but not set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=USERNAME,
        data=entry_data,
        unique_id=str(sim.account_id),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The entry, set up against the simulated cloud."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


async def advance(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    delta: timedelta,
    *,
    step: timedelta | None = None,
) -> None:
    """Let time pass in steps, firing Home Assistant's timers as it goes (polls happen).

    Polls run as background tasks doing real HTTP to the simulated cloud; each step waits for
    them, or the next jump of the clock would expire their request timeouts.
    """
    step = step or timedelta(seconds=30)
    remaining = delta
    while remaining > timedelta(0):
        tick = min(step, remaining)
        freezer.tick(tick)
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        remaining -= tick


def entity_id(hass: HomeAssistant, domain: str, serial: str, key: str) -> str:
    """The entity id of a blink_care entity by its device serial and description key."""
    found = er.async_get(hass).async_get_entity_id(domain, DOMAIN, f"{serial}_{key}")
    assert found is not None, f"no {domain} '{key}' for {serial}"
    return found
