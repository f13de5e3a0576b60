"""Offline detection as a user sees it: sensors, events and logbook, against the simulated cloud."""

from datetime import timedelta
from types import SimpleNamespace

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from blink_sim import SimCloud
from custom_components.blink_care.engine import connectivity
from custom_components.blink_care.logbook import async_describe_events
from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util

from .conftest import advance, entity_id

POLL = timedelta(seconds=120)
GRACE = timedelta(minutes=10)


def _online(hass: HomeAssistant, serial: str) -> str:
    state = hass.states.get(entity_id(hass, "binary_sensor", serial, "online"))
    assert state is not None
    return state.state


def _offline_count(hass: HomeAssistant, sim: SimCloud) -> str:
    ids = [
        s.entity_id
        for s in hass.states.async_all("sensor")
        if s.entity_id.endswith("_devices_offline")
    ]
    assert len(ids) == 1
    return hass.states.get(ids[0]).state


async def test_camera_offline_within_grace_and_one_poll_then_back(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Unplugged: off within grace + one poll, one event each way, downtime measured."""
    camera = next(d for d in sim.fleet.devices if d.battery_powered and d.product_code != "lotus")
    offline = async_capture_events(hass, "blink_care_device_offline")
    online = async_capture_events(hass, "blink_care_device_online")
    unplugged_at = dt_util.utcnow()
    sim.set_online(camera.serial, False)

    elapsed = timedelta(0)
    while _online(hass, camera.serial) == STATE_ON and elapsed < GRACE + 2 * POLL:
        await advance(hass, freezer, timedelta(seconds=10), step=timedelta(seconds=10))
        elapsed = dt_util.utcnow() - unplugged_at
    assert _online(hass, camera.serial) == STATE_OFF
    assert elapsed <= GRACE + POLL
    assert _offline_count(hass, sim) == "1"
    attributes = hass.states.get(
        entity_id(hass, "binary_sensor", camera.serial, "online")
    ).attributes
    assert attributes["reason"] == "device_offline"
    assert attributes["offline_since"] is not None
    assert [event.data["serial"] for event in offline] == [camera.serial]
    assert offline[0].data["reason"] == "device_offline"
    assert offline[0].data["device_id"]

    await advance(hass, freezer, timedelta(minutes=20), step=POLL)
    assert len(offline) == 1  # not once per poll
    sim.set_online(camera.serial, True)
    await advance(hass, freezer, 2 * POLL, step=POLL)
    assert _online(hass, camera.serial) == STATE_ON
    assert len(online) == 1
    assert online[0].data["downtime_seconds"] >= (GRACE + timedelta(minutes=20)).total_seconds()


async def test_wall_clock_jump_does_not_skip_the_grace(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The clock jumps hours ahead (NTP after boot) while one poll really passes: no offline.

    The grace period is measured on the monotonic clock, which here follows the wall clock
    except for the jump.
    """
    skipped = timedelta(0)

    def monotonic() -> float:
        return (dt_util.utcnow() - skipped).timestamp()

    monkeypatch.setattr(connectivity, "time", SimpleNamespace(monotonic=monotonic), raising=False)
    camera = next(d for d in sim.fleet.devices if d.battery_powered and d.product_code != "lotus")
    offline = async_capture_events(hass, "blink_care_device_offline")
    sim.set_online(camera.serial, False)
    await advance(hass, freezer, POLL, step=POLL)
    assert _online(hass, camera.serial) == STATE_ON

    jump = timedelta(hours=3)
    skipped += jump - POLL
    await advance(hass, freezer, jump, step=jump)
    assert _online(hass, camera.serial) == STATE_ON
    assert offline == []
    # Not a sensor that can never turn off: the rest of the grace period ends it.
    await advance(hass, freezer, GRACE, step=timedelta(seconds=30))
    assert _online(hass, camera.serial) == STATE_OFF
    assert len(offline) == 1


async def test_flapping_below_grace_raises_nothing(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Five minutes offline, back, five more minutes offline: never reported offline."""
    camera = next(d for d in sim.fleet.devices if d.battery_powered and d.product_code != "lotus")
    offline = async_capture_events(hass, "blink_care_device_offline")
    for online in (False, True, False, True):
        sim.set_online(camera.serial, online)
        await advance(hass, freezer, timedelta(minutes=5), step=POLL)
        assert _online(hass, camera.serial) == STATE_ON
    assert offline == []


async def test_sync_module_outage_marks_cameras_behind_it(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The sync module is offline; its three cameras are off with reason sync_module_offline."""
    module = next(d for d in sim.fleet.devices if d.product_code.startswith("sm"))
    cameras = [
        d for d in sim.fleet.devices if d.network_id == module.network_id and d is not module
    ]
    others = [d for d in sim.fleet.devices if d.network_id != module.network_id]
    offline = async_capture_events(hass, "blink_care_device_offline")
    sim.set_online(module.serial, False)
    await advance(hass, freezer, GRACE + 2 * POLL, step=POLL)

    assert _online(hass, module.serial) == STATE_OFF
    assert len(cameras) == 3
    for camera in cameras:
        state = hass.states.get(entity_id(hass, "binary_sensor", camera.serial, "online"))
        assert state.state == STATE_OFF
        assert state.attributes["state"] == "behind_offline_sync_module"
        assert state.attributes["reason"] == "sync_module_offline"
    for device in others:  # the Mini and the doorbell have no sync module in between
        assert _online(hass, device.serial) == STATE_ON
    assert [event.data["serial"] for event in offline] == [module.serial]
    assert _offline_count(hass, sim) == "1"

    sim.set_online(module.serial, True)
    await advance(hass, freezer, 2 * POLL, step=POLL)
    assert all(_online(hass, d.serial) == STATE_ON for d in [module, *cameras])


async def test_logbook_describes_every_event(hass: HomeAssistant) -> None:
    """Each event reads as a sentence in the logbook, with the device's name."""
    described: dict[str, object] = {}
    async_describe_events(
        hass, lambda _domain, kind, describe: described.setdefault(kind, describe)
    )
    cases = {
        "blink_care_device_offline": (
            {"name": "Porch", "reason": "device_offline"},
            "went offline",
        ),
        "blink_care_device_online": (
            {"name": "Porch", "downtime_seconds": 5400},
            "is back online after 90 min offline",
        ),
        "blink_care_battery_low": ({"name": "Porch", "level": 12}, "needs new batteries (12 %)"),
        "blink_care_battery_replaced": (
            {"name": "Porch", "source": "manual"},
            "had its batteries replaced (recorded)",
        ),
    }
    assert set(described) == set(cases)
    for kind, (data, message) in cases.items():
        entry = described[kind](Event(kind, data))  # type: ignore[operator]
        assert entry == {LOGBOOK_ENTRY_NAME: "Porch", LOGBOOK_ENTRY_MESSAGE: message}
