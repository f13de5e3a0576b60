"""Setup, polling cost, token persistence, outages, back-off and the device registry."""

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from blink_sim import Fault, SimCloud, SimDevice
from custom_components.blink_care.const import DOMAIN
from custom_components.blink_care.engine.battery import BatteryHealth
from custom_components.blink_care.sensor import DEVICE_SENSORS
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component

from .conftest import advance, entity_id

POLL = timedelta(seconds=120)


def _cloud_entity(hass: HomeAssistant, entity_registry: er.EntityRegistry) -> str:
    ids = [
        entry.entity_id
        for entry in entity_registry.entities.values()
        if entry.platform == DOMAIN and entry.unique_id.endswith("_cloud_reachable")
    ]
    assert len(ids) == 1
    return ids[0]


async def test_setup_unload_reload(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """The entry loads, unloads and reloads cleanly."""
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED


async def test_one_device_per_blink_device(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Each Blink device is one Home Assistant device with its model name and sync module link."""
    devices = {
        ident: device
        for device in dr.async_entries_for_config_entry(device_registry, loaded_entry.entry_id)
        for domain, ident in device.identifiers
        if domain == DOMAIN
    }
    for sim_device in sim.fleet.devices:
        device = devices[sim_device.serial]
        assert device.manufacturer == "Blink"
        assert device.serial_number == sim_device.serial
        assert device.name == sim_device.name
        assert device.model
        assert device.model != sim_device.product_code
    cameras = [
        d
        for d in sim.fleet.devices
        if d.product_code in {"catalina", "sedona", "xt2", "xt", "white"}
    ]
    sync_modules = [d for d in sim.fleet.devices if d.product_code.startswith("sm")]
    assert cameras
    assert sync_modules
    for camera in cameras:
        assert devices[camera.serial].via_device_id == devices[sync_modules[0].serial].id
    # Plus the account device.
    assert len(devices) == len(sim.fleet.devices) + 1


async def test_one_homescreen_request_per_poll(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A poll is one homescreen request; camera configs come one per poll at most."""
    sim.requests.reset()
    await advance(hass, freezer, POLL * 10, step=POLL)
    counts = sim.requests.by_endpoint
    assert counts["homescreen"] == 10
    assert counts["camera_config"] <= 10
    assert sim.requests.total == counts["homescreen"] + counts["camera_config"]
    # Nothing of blinkpy's discovery or thumbnails.
    for endpoint in ("networks", "camera_usage", "syncmodules", "network_update", "thumbnail"):
        assert counts[endpoint] == 0


async def test_camera_configs_staggered_every_six_hours(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every battery camera's config is fetched about every 6 h, never two in one poll."""
    await advance(hass, freezer, timedelta(hours=1), step=POLL)
    sim.requests.reset()
    await advance(hass, freezer, timedelta(hours=24), step=POLL)
    battery_cameras = [
        d for d in sim.fleet.devices if d.battery_powered and d.product_code != "lotus"
    ]
    configs = sim.requests.by_endpoint["camera_config"]
    assert configs == 4 * len(battery_cameras)
    assert configs <= sim.requests.by_endpoint["homescreen"]


async def test_tokens_written_back_after_refresh(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Rotated refresh tokens are stored, so a restart does not need the password."""
    first = loaded_entry.data["refresh_token"]
    await advance(hass, freezer, timedelta(hours=4, minutes=10), step=POLL)
    assert loaded_entry.data["refresh_token"] != first
    assert loaded_entry.state is ConfigEntryState.LOADED
    # The stored tokens work: a restart logs in by refresh, without the OAuth sign-in.
    sim.requests.reset()
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert sim.requests.by_endpoint["oauth_signin"] == 0
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_cloud_outage_makes_entities_unavailable_not_off(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """During an outage the cloud sensor is off and device sensors unavailable, then all recover."""
    cloud = _cloud_entity(hass, entity_registry)
    camera = next(d for d in sim.fleet.devices if d.battery_powered)
    online = entity_id(hass, "binary_sensor", camera.serial, "online")
    assert hass.states.get(cloud).state == STATE_ON
    assert hass.states.get(online).state == STATE_ON

    sim.faults.inject(Fault.HTTP_503)
    await advance(hass, freezer, POLL, step=POLL)
    assert hass.states.get(cloud).state == STATE_OFF
    assert hass.states.get(online).state == STATE_UNAVAILABLE

    sim.faults.clear()
    await advance(hass, freezer, POLL, step=POLL)
    assert hass.states.get(cloud).state == STATE_ON
    assert hass.states.get(online).state == STATE_ON


async def test_busy_backs_off_exponentially(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Blink's 'busy' (code 307) doubles the wait between polls: few requests in 30 minutes."""
    sim.faults.inject(Fault.CODE_307)
    sim.requests.reset()
    await advance(hass, freezer, timedelta(minutes=30), step=timedelta(seconds=10))
    # Without back-off 15 polls would hit Blink; doubling from 2 min gives 240, 480, 960 s waits.
    assert 2 <= sim.requests.total <= 4
    coordinator = loaded_entry.runtime_data.coordinator
    assert coordinator.backoff_level >= 2
    sim.faults.clear()
    await advance(hass, freezer, timedelta(minutes=31), step=timedelta(seconds=30))
    assert coordinator.backoff_level == 0
    assert coordinator.last_update_success


async def test_retry_hint_is_honoured(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 429 with Retry-After of 20 minutes means no request for 20 minutes."""
    sim.faults.inject(Fault.HTTP_429, retry_after=1200)
    await advance(hass, freezer, POLL, step=POLL)
    sim.requests.reset()
    await advance(hass, freezer, timedelta(minutes=19), step=timedelta(seconds=30))
    assert sim.requests.total == 0


async def test_new_device_gets_entities_without_reload(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A camera added to the account later appears after the next poll."""
    template = next(d for d in sim.fleet.devices if d.battery_powered and d.product_code != "lotus")
    new = SimDevice(
        serial="NEWCAM0001",
        name="Garden",
        product_code=template.product_code,
        device_id=987654,
        network_id=template.network_id,
    )
    sim.add_device(new)
    await advance(hass, freezer, POLL, step=POLL)
    state = hass.states.get(entity_id(hass, "binary_sensor", "NEWCAM0001", "online"))
    assert state is not None
    assert state.state == STATE_ON
    assert hass.states.get(entity_id(hass, "sensor", "NEWCAM0001", "battery_level"))


async def test_missing_device_removed_only_after_30_days(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A device gone from the account stays (unavailable) for 30 days, then is removed."""
    gone = next(d for d in sim.fleet.devices if d.product_code == "owl")
    online = entity_id(hass, "binary_sensor", gone.serial, "online")
    sim.remove_device(gone.serial)
    await advance(hass, freezer, timedelta(days=29), step=timedelta(hours=6))
    assert device_registry.async_get_device_by_identifier(
        (DOMAIN, gone.serial), loaded_entry.entry_id
    )
    assert hass.states.get(online).state == STATE_UNAVAILABLE
    await advance(hass, freezer, timedelta(days=1, hours=6), step=timedelta(hours=6))
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, gone.serial), loaded_entry.entry_id)
        is None
    )
    assert entity_registry.async_get(online) is None


async def test_outage_never_removes_devices(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Forty days without the cloud remove nothing: absence only counts when Blink answers."""
    sim.faults.inject(Fault.HTTP_503)
    await advance(hass, freezer, timedelta(days=40), step=timedelta(hours=12))
    sim.faults.clear()
    await advance(hass, freezer, timedelta(hours=1), step=POLL)
    for device in sim.fleet.devices:
        assert device_registry.async_get_device_by_identifier(
            (DOMAIN, device.serial), loaded_entry.entry_id
        )


async def test_user_can_delete_only_absent_devices(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Deleting a device still in the account is refused; an absent one can be deleted."""
    from custom_components.blink_care import async_remove_config_entry_device  # noqa: PLC0415

    present, gone = (
        sim.fleet.devices[1],
        next(d for d in sim.fleet.devices if d.product_code == "owl"),
    )
    sim.remove_device(gone.serial)
    await advance(hass, freezer, 2 * POLL, step=POLL)

    def device(serial: str) -> dr.DeviceEntry:
        entry = device_registry.async_get_device_by_identifier(
            (DOMAIN, serial), loaded_entry.entry_id
        )
        assert entry is not None
        return entry

    assert not await async_remove_config_entry_device(hass, loaded_entry, device(present.serial))
    assert await async_remove_config_entry_device(hass, loaded_entry, device(gone.serial))


async def test_device_deleted_by_the_user_comes_back_when_it_rejoins(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """Deleted on its device page while gone; back in the account, it is back in Home Assistant."""
    assert await async_setup_component(hass, "config", {})
    gone = next(d for d in sim.fleet.devices if d.product_code == "owl")
    sim.remove_device(gone.serial)
    # Two poll intervals: Home Assistant adds a sub-second jitter to each scheduled poll.
    await advance(hass, freezer, 2 * POLL, step=POLL)
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, gone.serial), loaded_entry.entry_id
    )
    assert device is not None

    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": loaded_entry.entry_id,
            "device_id": device.id,
        }
    )
    response = await client.receive_json()
    assert response["success"], response
    await hass.async_block_till_done()
    assert (
        device_registry.async_get_device_by_identifier((DOMAIN, gone.serial), loaded_entry.entry_id)
        is None
    )
    assert (
        entity_registry.async_get_entity_id("binary_sensor", DOMAIN, f"{gone.serial}_online")
        is None
    )

    sim.add_device(gone)
    await advance(hass, freezer, POLL, step=POLL)
    assert device_registry.async_get_device_by_identifier(
        (DOMAIN, gone.serial), loaded_entry.entry_id
    )
    state = hass.states.get(entity_id(hass, "binary_sensor", gone.serial, "online"))
    assert state is not None
    assert state.state == STATE_ON


async def test_battery_health_leaves_unknown_to_home_assistant(
    hass: HomeAssistant, sim: SimCloud, loaded_entry: MockConfigEntry
) -> None:
    """Without enough readings the health sensor is Home Assistant's own 'unknown'.

    An enum option spelled `unknown` looked the same in the UI but not to automations and
    the history graph: it is not an option.
    """
    camera = next(d for d in sim.fleet.devices if d.battery_powered)
    shown = hass.states.get(entity_id(hass, "sensor", camera.serial, "battery_health"))
    assert shown is not None
    assert "unknown" not in shown.attributes["options"]
    assert shown.state in shown.attributes["options"]
    description = next(d for d in DEVICE_SENSORS if d.key == "battery_health")
    unsure: Any = SimpleNamespace(battery=SimpleNamespace(health=BatteryHealth.UNKNOWN))
    assert description.value_fn(unsure) is None
