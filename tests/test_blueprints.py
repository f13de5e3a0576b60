"""The shipped automation blueprints load in Home Assistant and do what they promise."""

import asyncio
from datetime import timedelta
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from blink_sim import SimCloud, SimDevice
from custom_components.blink_care.const import DOMAIN
from custom_components.blink_care.engine.catalog import ProcedureName, model_for
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import models
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant, ServiceCall, SupportsResponse
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import yaml as yaml_util

from .conftest import advance

SHIPPED = Path(__file__).parents[1] / "blueprints" / "automation" / DOMAIN
BATTERY_LOW = f"{DOMAIN}/battery_low_notify.yaml"
OFFLINE = f"{DOMAIN}/device_offline_notify.yaml"
POWER_CYCLE = f"{DOMAIN}/power_cycle_when_offline.yaml"
POLL = timedelta(seconds=120)
# What a user's own notification action looks like: it uses the blueprint's variables.
NOTIFY_ACTIONS = [
    {"action": "test.notify", "data": {"title": "{{ title }}", "message": "{{ message }}"}}
]


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """A config directory with the shipped blueprints where Home Assistant looks for them."""
    target = Path(hass_tmp_config_dir) / "blueprints" / "automation" / DOMAIN
    shutil.copytree(SHIPPED, target)
    return hass_tmp_config_dir


@pytest.fixture
def notifications(hass: HomeAssistant) -> list[ServiceCall]:
    """The user's notification action."""
    return async_mock_service(hass, "test", "notify")


async def _automation(hass: HomeAssistant, blueprint: str, inputs: dict[str, Any]) -> str:
    """Set up one automation from a blueprint; its entity id."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "id": "under_test",
                    "alias": "Under test",
                    "use_blueprint": {"path": blueprint, "input": inputs},
                }
            ]
        },
    )
    await hass.async_block_till_done()
    entity_id = er.async_get(hass).async_get_entity_id("automation", "automation", "under_test")
    assert entity_id is not None
    return entity_id


def _device_id(hass: HomeAssistant, entry: MockConfigEntry, serial: str) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, serial), entry.entry_id)
    assert device is not None
    return device.id


def _first(sim: SimCloud, code: str) -> SimDevice:
    return next(d for d in sim.fleet.devices if d.product_code == code)


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.yaml")), ids=lambda path: path.name)
def test_every_blueprint_is_a_valid_automation_blueprint(path: Path) -> None:
    """Each file passes Home Assistant's blueprint schema, for this version, with its source."""
    blueprint = models.Blueprint(
        yaml_util.load_yaml_dict(path),
        expected_domain="automation",
        path=path.name,
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.validate() is None
    assert blueprint.metadata["source_url"].endswith(f"/blueprints/automation/{DOMAIN}/{path.name}")
    # Every input can be filled in from the UI.
    for name, spec in blueprint.inputs.items():
        assert spec is not None, name
        assert "selector" in spec, name
    # Only the devices of a power cycle have to be chosen; the rest has defaults.
    required = {name for name, spec in blueprint.inputs.items() if "default" not in spec}
    assert required <= {"devices"}
    models.BlueprintInputs(
        blueprint, {"use_blueprint": {"path": path.name, "input": {"devices": ["a-device"]}}}
    ).validate()


@pytest.mark.parametrize(
    ("blueprint", "inputs"),
    [
        (BATTERY_LOW, {}),
        (OFFLINE, {"notify_on_return": False}),
        (POWER_CYCLE, {"devices": ["any"], "offline_minutes": 5}),
    ],
)
async def test_blueprint_automations_load_and_are_on(
    hass: HomeAssistant, blueprint: str, inputs: dict[str, Any]
) -> None:
    """Home Assistant builds a working automation from each blueprint."""
    entity_id = await _automation(hass, blueprint, {**inputs, "notify_actions": NOTIFY_ACTIONS})
    state = hass.states.get(entity_id)
    assert state is not None
    assert state.state == STATE_ON


async def test_battery_low_notification_carries_the_models_steps(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    notifications: list[ServiceCall],
) -> None:
    """The doorbell's notification has its electrical warning and every battery-change step."""
    doorbell = _first(sim, "lotus")
    device_id = _device_id(hass, loaded_entry, doorbell.serial)
    sent = async_mock_service(hass, "notify", "send_message")
    await _automation(
        hass,
        BATTERY_LOW,
        {
            "devices": [device_id],
            "notify_entities": ["notify.phone"],
            "notify_actions": NOTIFY_ACTIONS,
        },
    )
    procedure = model_for("lotus").procedures[ProcedureName.BATTERY_CHANGE]

    hass.bus.async_fire(
        "blink_care_battery_low",
        {
            "device_id": device_id,
            "serial": doorbell.serial,
            "name": doorbell.name,
            "model": "Video Doorbell",
            "level": 12,
            "health": "replace_soon",
        },
    )
    await hass.async_block_till_done()

    assert len(notifications) == 1
    message = notifications[0].data["message"]
    assert message.startswith(
        f"{doorbell.name} (Video Doorbell) needs new batteries (about 12 % left)."
    )
    assert procedure.warnings[0] in message
    for number, step in enumerate(procedure.steps, 1):
        assert f"{number}. {step}" in message
    assert notifications[0].data["title"] == f"{doorbell.name}: replace the batteries"
    assert len(sent) == 1
    assert sent[0].data["entity_id"] == ["notify.phone"]
    assert sent[0].data["message"] == message

    # Another device is not in the list: nothing is sent.
    other = _first(sim, "sedona")
    hass.bus.async_fire(
        "blink_care_battery_low",
        {"device_id": _device_id(hass, loaded_entry, other.serial), "name": other.name, "level": 9},
    )
    await hass.async_block_till_done()
    assert len(notifications) == 1


async def test_offline_and_back_notifications_from_the_simulated_cloud(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    notifications: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A camera unplugged for about half an hour: one offline message, one with the downtime."""
    await _automation(hass, OFFLINE, {"notify_actions": NOTIFY_ACTIONS})
    camera = _first(sim, "catalina")
    sim.set_online(camera.serial, False)
    await advance(hass, freezer, timedelta(minutes=30), step=POLL)
    assert [call.data["title"] for call in notifications] == [f"{camera.name} is offline"]
    assert (
        notifications[0]
        .data["message"]
        .startswith(f"{camera.name} (Outdoor (3rd Gen)) has been offline since")
    )

    sim.set_online(camera.serial, True)
    await advance(hass, freezer, timedelta(minutes=5), step=POLL)
    assert [call.data["title"] for call in notifications][1:] == [f"{camera.name} is back online"]
    message = notifications[1].data["message"]
    assert message.startswith(f"{camera.name} (Outdoor (3rd Gen)) is back online after ")
    minutes = int(message.rsplit("after ", 1)[1].removesuffix(" min."))
    assert 28 <= minutes <= 36


async def test_power_cycle_only_after_the_chosen_minutes_offline(
    hass: HomeAssistant,
    notifications: list[ServiceCall],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Back within the wait: nothing. Still offline after it: one power cycle, then a message."""
    cycles = async_mock_service(
        hass,
        DOMAIN,
        "power_cycle",
        response={
            "result": "back_online",
            "seconds_until_online": 64.2,
            "switch_entity_id": "switch.plug",
        },
        supports_response=SupportsResponse.OPTIONAL,
    )
    await _automation(
        hass,
        POWER_CYCLE,
        {"devices": ["mini-device"], "offline_minutes": 20, "notify_actions": NOTIFY_ACTIONS},
    )
    offline = {"device_id": "mini-device", "name": "Mini 1", "model": "Mini"}

    hass.bus.async_fire("blink_care_device_offline", offline)
    await _tick(hass, freezer, timedelta(minutes=10))
    hass.bus.async_fire("blink_care_device_online", {**offline, "downtime_seconds": 1200})
    await _tick(hass, freezer, timedelta(minutes=30))
    assert cycles == []

    hass.bus.async_fire("blink_care_device_offline", offline)
    await _tick(hass, freezer, timedelta(minutes=19))
    assert cycles == []
    await _tick(hass, freezer, timedelta(minutes=2))
    assert [call.data for call in cycles] == [{"device_id": "mini-device"}]
    assert len(notifications) == 1
    assert "back online within 64 s" in notifications[0].data["message"]

    # Devices not chosen are left alone.
    hass.bus.async_fire("blink_care_device_offline", {**offline, "device_id": "camera"})
    await _tick(hass, freezer, timedelta(minutes=30))
    assert len(cycles) == 1


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta) -> None:
    """Move the clock in one-minute steps.

    Not advance(): it waits for every task, and the automation run waiting for the device to
    come back only ends when the clock has moved.
    """
    for _ in range(int(delta / timedelta(minutes=1))):
        freezer.tick(timedelta(minutes=1))
        async_fire_time_changed(hass)
        for _ in range(5):
            await asyncio.sleep(0)
