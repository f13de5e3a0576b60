"""Snapshots of what Home Assistant shows for the showcase fleet: entities, devices, diagnostics.

Every platform's entity registry entries and states, every device registry entry and the
diagnostics are compared with `snapshots/test_snapshots.ambr`, as Home Assistant core tests
its platinum integrations (`tests/components/peblar/`). They guard refactors: a change in
any of them is a change a user can see. Rewrite them only for an intended change:
`scripts/test tests/test_snapshots.py --snapshot-update`, and read the diff.

The showcase fleet has one of every model, one nearly flat battery and one camera that
dropped off Wi-Fi before the entry was set up. Time is frozen and every id Home Assistant
would pick at random is fixed (entry id) or left out by the snapshot serializer (registry
ids), so the snapshots are the same on every run and on both supported Home Assistant versions.
"""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.components import diagnostics
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from blink_sim import Fleet, SimCloud
from custom_components.blink_care.const import DOMAIN
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util

from .conftest import USERNAME, advance

# Fixed so the entry id in registry entries and diagnostics is the same on every run.
ENTRY_ID = "01JBLINKCARESNAPSHOTENTRY0"
# Long enough for the camera that is down to pass the 10-minute grace and read "offline".
SETTLE = timedelta(minutes=15)

pytestmark = pytest.mark.freeze_time("2026-06-01 12:00:00+00:00")


@pytest.fixture
def fleet() -> Fleet:
    """One of every model (see `Fleet.showcase`)."""
    return Fleet.showcase(dt_util.utcnow())


@pytest.fixture
def config_entry(hass: HomeAssistant, entry_data: dict[str, Any], sim: SimCloud) -> MockConfigEntry:
    """The showcase account's entry, with a fixed entry id."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=USERNAME,
        data=entry_data,
        unique_id=str(sim.account_id),
        entry_id=ENTRY_ID,
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
def platforms() -> list[Platform]:
    """Every platform; a test that snapshots one platform's entities loads that one only."""
    return [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.SENSOR]


@pytest.fixture
def all_entities_enabled() -> Iterator[None]:
    """Entities disabled by default (last seen, signal, temperature) enabled, to be seen too."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
async def settled_entry(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    platforms: list[Platform],
    all_entities_enabled: None,
) -> MockConfigEntry:
    """The entry set up with `platforms` only, after a quarter of an hour of polls."""
    with patch("custom_components.blink_care.PLATFORMS", platforms):
        assert await hass.config_entries.async_setup(config_entry.entry_id)
        await hass.async_block_till_done()
        await advance(hass, freezer, SETTLE)
    return config_entry


@pytest.mark.parametrize(
    "platforms",
    [[Platform.SENSOR], [Platform.BINARY_SENSOR], [Platform.BUTTON]],
    ids=["sensor", "binary_sensor", "button"],
)
async def test_platform_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
    settled_entry: MockConfigEntry,
) -> None:
    """Each platform's registry entries and states, every entity on a device of the entry."""
    await snapshot_platform(hass, entity_registry, snapshot, settled_entry.entry_id)

    devices = {device.id for device in dr.async_entries_for_config_entry(device_registry, ENTRY_ID)}
    for entity in er.async_entries_for_config_entry(entity_registry, ENTRY_ID):
        assert entity.device_id in devices, entity.entity_id


async def test_device_registry_entries(
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
    settled_entry: MockConfigEntry,
) -> None:
    """One device per Blink device plus the account, with its model, linked to its sync module."""
    devices = dr.async_entries_for_config_entry(device_registry, settled_entry.entry_id)
    by_identifier = {
        next(ident for domain, ident in device.identifiers if domain == DOMAIN): device
        for device in devices
    }
    via = {
        identifier: device_registry.async_get(device.via_device_id).name
        for identifier, device in by_identifier.items()
        if device.via_device_id is not None
    }
    # The serializer writes every `via_device_id` as <ANY>: which device it is shows here.
    assert via == snapshot(name="via_device")
    for identifier in sorted(by_identifier):
        assert by_identifier[identifier] == snapshot(name=identifier)


async def test_entry_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
    settled_entry: MockConfigEntry,
) -> None:
    """The account's diagnostics as the user downloads them."""
    report = await diagnostics.get_diagnostics_for_config_entry(hass, hass_client, settled_entry)
    assert report == snapshot


async def test_device_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
    sim: SimCloud,
    settled_entry: MockConfigEntry,
) -> None:
    """A device's diagnostics: the camera that went offline, which has the most to say."""
    garage = next(device for device in sim.fleet.devices if device.name == "Garage")
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, garage.serial), settled_entry.entry_id
    )
    assert device is not None
    report = await diagnostics.get_diagnostics_for_device(hass, hass_client, settled_entry, device)
    assert report == snapshot
