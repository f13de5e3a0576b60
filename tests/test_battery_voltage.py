"""The battery voltage a user sees is the one the battery level is computed from."""

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from blink_sim import Fleet, Listing, SimCloud, SimDevice, payloads
from homeassistant.core import HomeAssistant

from .conftest import advance, entity_id

POLL = timedelta(seconds=120)


async def test_implausible_voltage_is_neither_shown_nor_learnt(
    hass: HomeAssistant,
    sim: SimCloud,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One camera reports 2.30 V per cell (no AA cell gives that): its sensor stays empty.

    The battery level ignores such a reading, so showing it on the voltage sensor would show
    a number the level was not computed from. The other cameras show theirs.
    """
    cameras = [device for device in sim.fleet.listed(Listing.CAMERAS) if device.battery_powered]
    odd, *others = cameras
    real_config = payloads.camera_config

    def config(fleet: Fleet, device: SimDevice, now: datetime) -> dict[str, Any]:
        body = real_config(fleet, device, now)
        if device.serial == odd.serial:
            body["camera"][0]["battery_voltage"] = 230
            body["camera"][0]["last_connect"]["battery_voltage"] = 230
        return body

    monkeypatch.setattr(payloads, "camera_config", config)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    # One camera config per poll: every camera's has been read after as many polls.
    await advance(hass, freezer, POLL * len(cameras), step=POLL)

    def voltage(serial: str) -> str:
        state = hass.states.get(entity_id(hass, "sensor", serial, "battery_voltage"))
        assert state is not None
        return state.state

    assert voltage(odd.serial) == "unknown"
    level = hass.states.get(entity_id(hass, "sensor", odd.serial, "battery_level"))
    assert level is not None
    assert level.attributes["source"] != "voltage"
    assert others
    for camera in others:
        assert 1.0 < float(voltage(camera.serial)) < 2.0, camera.name
