"""What blink_care remembers survives restarts, reloads, reauth, store upgrades and damage.

Battery history and replacement records, smart-plug mappings and offline timestamps are what
months of unattended running build up; losing them means wrong estimates, repeated alarms and
a user setting things up again.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
import json
import logging
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from blink_sim import SimCloud
from custom_components.blink_care import store as history_store
from custom_components.blink_care.const import CONF_POWER_PLUGS, DOMAIN
from custom_components.blink_care.coordinator import BlinkCareCoordinator
from custom_components.blink_care.events import EVENT_DEVICE_OFFLINE
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, STATE_OFF
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, storage
from homeassistant.util import dt as dt_util

from .conftest import PASSWORD, advance, entity_id

POLL = timedelta(seconds=120)
PLUG = "switch.mini_plug"
# Captured before any test patches it: the Store's own file reading.
REAL_STORE_LOAD = storage.Store._async_load


def _key(entry: MockConfigEntry) -> str:
    return f"{DOMAIN}.{entry.entry_id}"


def _coordinator(entry: MockConfigEntry) -> BlinkCareCoordinator:
    coordinator: BlinkCareCoordinator = entry.runtime_data.coordinator
    return coordinator


def remembered(entry: MockConfigEntry) -> dict[str, Any]:
    """Everything the user would miss after a restart, per device."""
    coordinator = _coordinator(entry)
    stored = coordinator.history.as_json()["devices"]
    view: dict[str, Any] = {}
    for serial, record in coordinator.fleet.records.items():
        battery = stored[serial]["battery"]
        cycle = battery.get("cycle", {})
        view[serial] = {
            "first_seen": record.first_seen,
            "config_fetched_at": record.config_fetched_at,
            "low_announced_at": record.low_announced_at,
            "replacements": battery.get("replacements"),
            "cycle_start": cycle.get("start"),
            "daily_points": len(cycle.get("days", [])),
            "connectivity": coordinator.fleet.connectivity.state(serial),
        }
    return view


def assert_nothing_forgotten(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Same devices, records and timestamps; daily points only ever added."""
    assert after.keys() == before.keys()
    for serial, was in before.items():
        now = after[serial]
        for key in ("first_seen", "config_fetched_at", "low_announced_at", "replacements"):
            assert now[key] == was[key], (serial, key)
        assert now["cycle_start"] == was["cycle_start"], serial
        assert now["daily_points"] >= was["daily_points"], serial
        assert now["connectivity"].offline_since == was["connectivity"].offline_since, serial
        assert now["connectivity"].last_seen is not None, serial


def _device_id(hass: HomeAssistant, entry: MockConfigEntry, serial: str) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, serial), entry.entry_id)
    assert device is not None
    return device.id


async def _lived_in(
    hass: HomeAssistant, sim: SimCloud, entry: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """Three days of polls, a Mini offline, a plug mapped and a recorded battery change.

    The battery change comes last, inside the 10-minute write delay: only the write at
    unload can keep it.
    """
    camera = next(device for device in sim.fleet.devices if device.product_code == "sedona")
    mini = next(device for device in sim.fleet.devices if device.product_code == "owl")
    await advance(hass, freezer, timedelta(days=3), step=timedelta(minutes=30))
    hass.config_entries.async_update_entry(entry, options={CONF_POWER_PLUGS: {mini.serial: PLUG}})
    await hass.async_block_till_done()
    sim.set_online(mini.serial, False)
    await advance(hass, freezer, timedelta(minutes=30), step=POLL)
    assert hass.states.get(entity_id(hass, "binary_sensor", mini.serial, "online")).state == (
        STATE_OFF
    )
    await _record_replacement(hass, entry, camera.serial)


async def _record_replacement(hass: HomeAssistant, entry: MockConfigEntry, serial: str) -> None:
    await hass.services.async_call(
        DOMAIN,
        "mark_batteries_replaced",
        {"device_id": _device_id(hass, entry, serial)},
        blocking=True,
    )


async def _restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)


async def _reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_reload(entry.entry_id)


async def _reauth(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: PASSWORD}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"


async def _change_settings(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "scan_interval": 180,
            "low_threshold": 25,
            "warning_lead_days": 21,
            "replacement_jump": 30,
            "offline_grace_minutes": 10,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    "interruption",
    [_restart, _reload, _reauth, _change_settings],
    ids=["restart", "reload", "reauth", "options"],
)
async def test_history_survives(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    interruption: Callable[[HomeAssistant, MockConfigEntry], Awaitable[None]],
) -> None:
    """History, replacement records, plug mapping and offline timestamps come back unchanged.

    And the Mini that was already offline is not announced offline a second time.
    """
    await _lived_in(hass, sim, loaded_entry, freezer)
    before = remembered(loaded_entry)
    plugs = loaded_entry.options[CONF_POWER_PLUGS]
    offline_events = async_capture_events(hass, EVENT_DEVICE_OFFLINE)

    await interruption(hass, loaded_entry)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    await advance(hass, freezer, timedelta(minutes=10), step=POLL)

    assert_nothing_forgotten(before, remembered(loaded_entry))
    assert loaded_entry.options[CONF_POWER_PLUGS] == plugs
    assert offline_events == []


async def test_unload_writes_what_changed_since_the_last_write(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The file holds the whole history the moment the entry is unloaded.

    Writes are delayed up to 10 minutes; what changed meanwhile (here a battery change
    recorded just before) must be written at unload, or a restart loses it.
    """
    await advance(hass, freezer, timedelta(minutes=30), step=POLL)
    camera = next(device for device in sim.fleet.devices if device.product_code == "sedona")
    await _record_replacement(hass, loaded_entry, camera.serial)
    expected = json.loads(json.dumps(_coordinator(loaded_entry).history.as_json()))
    written = hass_storage.get(_key(loaded_entry), {}).get("data")
    assert json.loads(json.dumps(written)) != expected, "already written: this proves nothing"

    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert json.loads(json.dumps(hass_storage[_key(loaded_entry)]["data"])) == expected


async def test_replacement_time_survives_restart_exactly(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The 'batteries replaced' sensor shows the same moment after a restart.

    A change of its state would be a new 'batteries replaced' for automations that watch it.
    """
    camera = next(device for device in sim.fleet.devices if device.product_code == "sedona")
    sensor = entity_id(hass, "sensor", camera.serial, "batteries_replaced")
    # Recorded at hh:mm:ss.7: a moment that does not fall on a whole second.
    now = dt_util.utcnow()
    freezer.tick(timedelta(seconds=1, microseconds=700_000 - now.microsecond))
    await _record_replacement(hass, loaded_entry, camera.serial)
    shown = hass.states.get(sensor).state
    await _restart(hass, loaded_entry)
    await hass.async_block_till_done()
    assert hass.states.get(sensor).state == shown


async def _stored_history(
    hass: HomeAssistant,
    sim: SimCloud,
    entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> dict[str, Any]:
    """A real history file: two days of polls, then the entry unloaded (file written)."""
    await advance(hass, freezer, timedelta(days=2), step=timedelta(minutes=30))
    before = remembered(entry)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert hass_storage[_key(entry)]["data"]["devices"]
    return before


@pytest.mark.parametrize(
    ("stored_version", "current_version"),
    [((1, 0), (1, 1)), ((1, 1), (1, 2)), ((1, 1), (2, 1))],
    ids=["older-file", "minor-upgrade", "major-upgrade"],
)
async def test_store_upgrade_keeps_history(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    stored_version: tuple[int, int],
    current_version: tuple[int, int],
) -> None:
    """A file of an older store version is migrated, keeps every record and is rewritten."""
    before = await _stored_history(hass, sim, loaded_entry, freezer, hass_storage)
    stored = hass_storage[_key(loaded_entry)]
    stored["version"], stored["minor_version"] = stored_version
    monkeypatch.setattr(history_store, "STORE_VERSION", current_version[0])
    monkeypatch.setattr(history_store, "STORE_MINOR_VERSION", current_version[1])
    migrations: list[tuple[int, int]] = []
    migrate = history_store.migrate_history

    def spy(old_major: int, old_minor: int, data: Any) -> dict[str, Any]:
        migrations.append((old_major, old_minor))
        return migrate(old_major, old_minor, data)

    with patch.object(history_store, "migrate_history", spy):
        assert await hass.config_entries.async_setup(loaded_entry.entry_id)
        await hass.async_block_till_done()

    assert migrations[0] == stored_version
    rewritten = hass_storage[_key(loaded_entry)]
    assert (rewritten["version"], rewritten["minor_version"]) == current_version
    after = remembered(loaded_entry)
    for serial, was in before.items():
        for key in ("first_seen", "replacements", "cycle_start"):
            assert after[serial][key] == was[key], (serial, key)
        assert after[serial]["daily_points"] >= was["daily_points"]


# -- damaged files --------------------------------------------------------------------------


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """A config directory of the test's own, so history files can be real files."""
    return hass_tmp_config_dir


@pytest.fixture
async def history_read_from_disk(hass_storage: dict[str, Any]) -> AsyncIterator[None]:
    """blink_care's history is read from the real file (other stores stay mocked)."""
    mocked = storage.Store._async_load

    async def load(store: storage.Store[Any]) -> Any:
        if store.key.startswith(f"{DOMAIN}."):
            return await REAL_STORE_LOAD(store)
        return await mocked(store)

    with patch.object(storage.Store, "_async_load", load):
        yield


def _history_path(hass: HomeAssistant, entry: MockConfigEntry) -> Path:
    return Path(hass.config.path(storage.STORAGE_DIR, _key(entry)))


def _good_file(entry: MockConfigEntry) -> str:
    """A history file as blink_care writes it, with one device remembered from yesterday."""
    yesterday = (dt_util.utcnow() - timedelta(days=1)).isoformat()
    return json.dumps(
        {
            "version": history_store.STORE_VERSION,
            "minor_version": history_store.STORE_MINOR_VERSION,
            "key": _key(entry),
            "data": {
                "devices": {
                    "GONE-CAM-999": {
                        "first_seen": yesterday,
                        "last_present": yesterday,
                        "battery": {},
                    }
                },
                "connectivity": {},
            },
        }
    )


DAMAGED_FILES: dict[str, Callable[[MockConfigEntry], str]] = {
    "truncated": lambda entry: _good_file(entry)[: len(_good_file(entry)) // 2],
    "empty-bytes": lambda _entry: "\x00" * 64,
    "not-a-store": lambda _entry: json.dumps([1, 2, 3]),
    "no-version": lambda _entry: json.dumps({"data": {"devices": {}}}),
    "data-not-an-object": lambda entry: json.dumps(
        {"version": 1, "minor_version": 1, "key": _key(entry), "data": ["garbage"]}
    ),
    "from-the-future": lambda entry: json.dumps(
        {"version": 99, "minor_version": 1, "key": _key(entry), "data": {}}
    ),
}


@pytest.mark.parametrize("damage", DAMAGED_FILES, ids=list(DAMAGED_FILES))
async def test_damaged_file_is_set_aside(
    hass: HomeAssistant,
    sim: SimCloud,
    config_entry: MockConfigEntry,
    history_read_from_disk: None,
    caplog: pytest.LogCaptureFixture,
    damage: str,
) -> None:
    """Setup goes on with an empty history; the damaged file is kept aside and logged once."""
    path = _history_path(hass, config_entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    content = DAMAGED_FILES[damage](config_entry)
    path.write_text(content)

    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    assert config_entry.state is ConfigEntryState.LOADED
    assert "GONE-CAM-999" not in _coordinator(config_entry).fleet.records
    assert _coordinator(config_entry).fleet.records  # the fleet, learnt afresh
    aside = [p for p in path.parent.iterdir() if p.name.startswith(f"{path.name}.corrupt")]
    assert len(aside) == 1, sorted(p.name for p in path.parent.iterdir())
    assert aside[0].read_text() == content
    # One warning says where the file went (Home Assistant's own for unparsable JSON, which it
    # also raises as a repair; blink_care's for JSON of the wrong shape).
    mentions = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.WARNING and aside[0].name in record.getMessage()
    ]
    assert len(mentions) == 1, mentions


async def test_good_file_is_read_from_disk(
    hass: HomeAssistant,
    sim: SimCloud,
    config_entry: MockConfigEntry,
    history_read_from_disk: None,
) -> None:
    """The same path with a good file: its device is remembered (the damage test's control)."""
    path = _history_path(hass, config_entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_good_file(config_entry))
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    history = _coordinator(config_entry).fleet.records
    assert history["GONE-CAM-999"].first_seen < dt_util.utcnow() - timedelta(hours=23)
    assert [p.name for p in path.parent.iterdir() if ".corrupt" in p.name] == []
