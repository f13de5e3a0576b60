"""Diagnostics of the account and of each device: useful to a maintainer, useless to a thief."""

from datetime import timedelta
from http import HTTPStatus
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components import diagnostics
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blink_sim import Fault, SimCloud
from custom_components.blink_care.const import CONF_POWER_PLUGS, DOMAIN
from homeassistant.components.diagnostics import REDACTED
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component

from .conftest import advance
from .test_secrets import assert_no_leak, secrets_of

POLL = timedelta(seconds=120)


def _device(hass: HomeAssistant, entry: MockConfigEntry, serial: str) -> dr.DeviceEntry:
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, serial), entry.entry_id)
    assert device is not None
    return device


async def entry_report(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: MockConfigEntry
) -> dict[str, Any]:
    """blink_care's part of the account's diagnostics."""
    return dict(await diagnostics.get_diagnostics_for_config_entry(hass, hass_client, entry))


async def device_report(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    entry: MockConfigEntry,
    device: dr.DeviceEntry,
) -> dict[str, Any]:
    """blink_care's part of one device's diagnostics."""
    return dict(await diagnostics.get_diagnostics_for_device(hass, hass_client, entry, device))


async def _whole_file(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, path: str
) -> dict[str, Any]:
    """The file the user downloads: our data plus Home Assistant's own parts (issues too)."""
    assert await async_setup_component(hass, "diagnostics", {})
    response = await (await hass_client()).get(f"/api/diagnostics/config_entry/{path}")
    assert response.status == HTTPStatus.OK
    whole: dict[str, Any] = await response.json()
    return whole


async def test_entry_diagnostics_describe_the_fleet(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """Every device with its snapshot, health and history; requests; back-off after a 429."""
    await advance(hass, freezer, timedelta(minutes=10), step=POLL)
    sim.faults.inject(Fault.HTTP_429)
    await advance(hass, freezer, POLL, step=POLL)

    data = await entry_report(hass, hass_client, loaded_entry)

    assert data["loaded"] is True
    devices = data["devices"]
    assert [device["device"] for device in devices] == [
        f"device_{index}" for index in range(1, len(sim.fleet.devices) + 1)
    ]
    battery_devices = [device for device in devices if device["battery"] is not None]
    assert len(battery_devices) == sum(device.battery_powered for device in sim.fleet.devices)
    for device in devices:
        assert device["in_last_poll"] is True
        assert device["model"]["name"]
        # The poll that failed makes connectivity unknown; the history remembers the rest.
        assert device["connectivity"]["state"] == "unknown"
        assert device["connectivity"]["last_seen"] is not None
        assert device["history"]["first_seen"] is not None
    for device in battery_devices:
        assert device["battery"]["health"]
        assert device["history"]["battery_bytes"] > 0
    assert data["polling"]["last_update_success"] is False
    assert data["polling"]["cloud_reachable"] is False
    assert data["polling"]["backoff_level"] == 1
    assert data["polling"]["in_backoff"] is True
    assert data["polling"]["last_error"]["translation_key"] == "rate_limited"
    # The next poll waits twice the poll interval (doubling at each refusal).
    delay = int(data["polling"]["last_error"]["placeholders"]["seconds"])
    assert delay == 2 * data["polling"]["base_interval_seconds"]
    # Requests sent, as the cloud received them (a request lost on the way counts as sent).
    requests = data["requests"]["by_endpoint"]
    assert requests["homescreen"] == sim.requests.by_endpoint["homescreen"]
    assert requests["camera_config"] >= sim.requests.by_endpoint["camera_config"] > 0
    assert data["requests"]["total"] >= sum(requests.values())
    entry_data = data["entry"]["data"]
    for key in ("password", "token", "refresh_token", "hardware_id", "username", "account_id"):
        assert entry_data[key] == REDACTED, key
    assert data["entry"]["title"] == REDACTED
    assert data["entry"]["unique_id"] == REDACTED


async def test_device_diagnostics_match_the_entry(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """A device's report uses its alias in the account's report; cameras name their module."""
    await advance(hass, freezer, timedelta(minutes=10), step=POLL)
    entry_data = await entry_report(hass, hass_client, loaded_entry)
    alias_by_name = {
        device["snapshot"]["name"]: device["device"] for device in entry_data["devices"]
    }
    sync_module = next(device for device in sim.fleet.devices if device.product_code == "sm2")

    for sim_device in sim.fleet.devices:
        data = await device_report(
            hass, hass_client, loaded_entry, _device(hass, loaded_entry, sim_device.serial)
        )
        report = data["device"]
        assert report["device"] == alias_by_name[sim_device.name]
        assert report["snapshot"]["name"] == sim_device.name
        assert report["connectivity"]["state"] == "online"
        if sim_device.product_code in {"sedona", "catalina", "catalina_indoor"}:
            assert report["snapshot"]["sync_module"] == alias_by_name[sync_module.name]
            assert report["snapshot"]["network"] == sim.fleet.network(sim_device.network_id).name
        assert data["polling"]["last_update_success"] is True

    account = _device(hass, loaded_entry, loaded_entry.runtime_data.coordinator.account_identifier)
    data = await device_report(hass, hass_client, loaded_entry, account)
    assert data["account"]["devices"] == len(sim.fleet.devices)
    assert "device" not in data


async def test_no_secret_in_any_diagnostics_file(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    """Account and device files, with a plug mapped and a device offline: no secret at all.

    The whole downloaded file is scanned except the `issues` list Home Assistant itself appends:
    it shows repair issue ids, which issue 6 fixes as `<cause>_<serial>` (a serial, never a
    credential). Everything blink_care writes into the file is scanned.
    """
    mini = next(device for device in sim.fleet.devices if device.product_code == "owl")
    hass.config_entries.async_update_entry(
        loaded_entry, options={CONF_POWER_PLUGS: {mini.serial: "switch.mini_plug"}}
    )
    await hass.async_block_till_done()
    sim.set_online(mini.serial, False)
    await advance(hass, freezer, timedelta(minutes=20), step=POLL)
    secrets = secrets_of(sim)

    whole = await _whole_file(hass, hass_client, loaded_entry.entry_id)
    mini_alias = next(
        device["device"]
        for device in whole["data"]["devices"]
        if device["snapshot"]["name"] == mini.name
    )
    assert whole["data"]["entry"]["options"][CONF_POWER_PLUGS] == {mini_alias: "switch.mini_plug"}
    assert any(device["connectivity"]["state"] == "offline" for device in whole["data"]["devices"])
    assert_no_leak("the account's diagnostics", json.dumps(_without_issue_ids(whole)), secrets)
    for sim_device in sim.fleet.devices:
        device = _device(hass, loaded_entry, sim_device.serial)
        whole = await _whole_file(hass, hass_client, f"{loaded_entry.entry_id}/device/{device.id}")
        assert_no_leak(
            f"the diagnostics of {sim_device.name}",
            json.dumps(_without_issue_ids(whole)),
            secrets,
        )


def _without_issue_ids(whole: dict[str, Any]) -> dict[str, Any]:
    """The file minus the issue ids in Home Assistant's own `issues` list (see above)."""
    issues = [
        {key: value for key, value in issue.items() if key != "issue_id"}
        for issue in whole.get("issues", [])
    ]
    return {**whole, "issues": issues}


async def test_diagnostics_of_an_entry_waiting_for_reauth(
    hass: HomeAssistant,
    sim: SimCloud,
    config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """An entry that could not sign in still gives a report, without its credentials."""
    sim.password = "changed-in-the-app"
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR

    data = await entry_report(hass, hass_client, config_entry)
    assert data["loaded"] is False
    assert data["entry"]["state"] == ConfigEntryState.SETUP_ERROR.value
    assert data["entry"]["data"]["password"] == REDACTED
    assert_no_leak("the diagnostics", json.dumps(data), secrets_of(sim))
