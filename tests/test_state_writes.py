"""State writes a user pays for: each state change is a row in the recorder's database.

Sensors whose source moves on every poll must not rewrite their state each time when the
user gains nothing from it: last seen is kept to the offline grace period while a device is
online (exact when it goes offline or comes back), the predicted replacement date to the day.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from blink_sim import Listing, SimCloud
from homeassistant.const import EVENT_STATE_CHANGED, STATE_OFF, STATE_ON
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .conftest import advance, entity_id

POLL = timedelta(seconds=120)
GRACE = timedelta(minutes=10)
# blink_care polls every minute while a device is reported offline.
QUICK_POLL = timedelta(seconds=60)


@pytest.fixture(autouse=True)
def every_entity_enabled() -> Iterator[None]:
    """Last seen (and the other diagnostics) are disabled by default: enable them."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


class WriteLog:
    """The state changes (recorder rows) of one entity."""

    def __init__(self, hass: HomeAssistant, entity: str) -> None:
        """Start listening."""
        self.states: list[str] = []

        @callback
        def record(event: Event[EventStateChangedData]) -> None:
            if event.data["entity_id"] == entity and event.data["new_state"] is not None:
                self.states.append(event.data["new_state"].state)

        hass.bus.async_listen(EVENT_STATE_CHANGED, record)


def _shown(hass: HomeAssistant, entity: str) -> datetime:
    state = hass.states.get(entity)
    assert state is not None
    moment = dt_util.parse_datetime(state.state)
    assert moment is not None, state.state
    return moment


def _state(hass: HomeAssistant, entity: str) -> str:
    state = hass.states.get(entity)
    assert state is not None
    return state.state


async def test_last_seen_moves_once_per_grace_period_while_online(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The sync module checks in every minute; its last seen is rewritten every 10 minutes.

    It never falls further behind what Blink knows than the grace period and one poll.
    """
    sync_module = sim.fleet.listed(Listing.SYNC_MODULES)[0]
    last_seen = entity_id(hass, "sensor", sync_module.serial, "last_seen")
    writes = WriteLog(hass, last_seen)

    for _ in range(30):  # an hour of polls
        await advance(hass, freezer, POLL, step=POLL)
        truth = sim.fleet.state(sync_module, dt_util.utcnow()).seen_at
        assert timedelta(0) <= truth - _shown(hass, last_seen) <= GRACE + POLL

    assert 4 <= len(writes.states) <= 7  # 60 min / 10 min, give or take a poll


async def test_last_seen_is_exact_when_a_device_goes_offline_and_comes_back(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At the poll that turns Online off, last seen is Blink's last contact; back, at once too."""
    sync_module = sim.fleet.listed(Listing.SYNC_MODULES)[0]
    last_seen = entity_id(hass, "sensor", sync_module.serial, "last_seen")
    online = entity_id(hass, "binary_sensor", sync_module.serial, "online")
    # Five minutes after last seen was written: within the grace period of what it shows.
    await advance(hass, freezer, GRACE, step=POLL)
    shown_before = _shown(hass, last_seen)
    await advance(hass, freezer, timedelta(minutes=5), step=timedelta(seconds=10))
    sim.set_online(sync_module.serial, False)
    contact = sim.fleet.state(sync_module, dt_util.utcnow()).seen_at
    assert contact - shown_before < GRACE

    while _state(hass, online) == STATE_ON:
        await advance(hass, freezer, timedelta(seconds=10), step=timedelta(seconds=10))
    assert _shown(hass, last_seen) == contact

    sim.set_online(sync_module.serial, True)
    back = dt_util.utcnow()
    while _state(hass, online) == STATE_OFF:
        await advance(hass, freezer, timedelta(seconds=10), step=timedelta(seconds=10))
    assert _state(hass, online) == STATE_ON
    assert _shown(hass, last_seen) >= back - timedelta(minutes=1)  # its first check-in back
    assert _shown(hass, last_seen) == sim.fleet.state(sync_module, dt_util.utcnow()).seen_at


async def test_replacement_due_is_rewritten_only_when_the_predicted_day_changes(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Once a prediction exists it shifts a little every poll; the sensor shows its day.

    Three weeks of readings give the test fleet's second camera a prediction; it is polled
    every half hour meanwhile to keep the test short (voltages come every 6 hours anyway).
    """
    camera = sim.fleet.listed(Listing.CAMERAS)[1]
    due = entity_id(hass, "sensor", camera.serial, "battery_replacement_due")
    await advance(hass, freezer, timedelta(days=21), step=timedelta(minutes=30))
    assert _state(hass, due) not in {"unknown", "unavailable"}
    writes = WriteLog(hass, due)

    await advance(hass, freezer, timedelta(hours=6), step=POLL)

    # At most one new day in six hours (midnight may fall in them), not one per poll.
    assert len(writes.states) <= 1
    predicted = loaded_entry.runtime_data.coordinator.data.devices[camera.serial].battery
    shown = _shown(hass, due)
    assert shown == dt_util.start_of_local_day(dt_util.as_local(predicted.predicted_empty))
    attributes = hass.states.get(due).attributes
    for key, moment in (
        ("earliest", predicted.predicted_empty_earliest),
        ("latest", predicted.predicted_empty_latest),
    ):
        assert attributes[key] == dt_util.start_of_local_day(dt_util.as_local(moment))
