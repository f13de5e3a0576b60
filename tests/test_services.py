"""The actions: get_procedure, power_cycle through a smart plug, mark_batteries_replaced."""

import asyncio
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    setup_test_component_platform,
)

from blink_sim import SimCloud, SimDevice
from custom_components.blink_care.const import CONF_POWER_PLUGS, DOMAIN
from custom_components.blink_care.engine.catalog import ProcedureName, all_models
from homeassistant.components.switch import SwitchEntity
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component

from .conftest import advance, entity_id

PLUG = "switch.mini_plug"


class SimulatedPlug(SwitchEntity):
    """A smart plug whose socket powers a device of the simulated cloud."""

    _attr_should_poll = False

    def __init__(self, sim: SimCloud, serial: str, *, powers_device: bool = True) -> None:
        """Plugged in and on."""
        self._sim = sim
        self._serial = serial
        self._powers_device = powers_device
        self._attr_name = "Mini plug"
        self._attr_unique_id = "mini_plug"
        self._attr_is_on = True
        self.switched: list[bool] = []

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Power back: the device reconnects to Blink."""
        self._set(on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Power cut: the device drops off Blink."""
        self._set(on=False)

    def _set(self, *, on: bool) -> None:
        self._attr_is_on = on
        self.switched.append(on)
        if self._powers_device:
            self._sim.set_online(self._serial, on)
        self.async_write_ha_state()


def _device_id(hass: HomeAssistant, entry: MockConfigEntry, serial: str) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, serial), entry.entry_id)
    assert device is not None
    return device.id


def _first(sim: SimCloud, code: str) -> SimDevice:
    return next(device for device in sim.fleet.devices if device.product_code == code)


async def _add_plug(hass: HomeAssistant, plug: SimulatedPlug) -> None:
    setup_test_component_platform(hass, "switch", [plug])
    assert await async_setup_component(hass, "switch", {"switch": {"platform": "test"}})
    await hass.async_block_till_done()


async def _map_plug(hass: HomeAssistant, entry: MockConfigEntry, serial: str) -> None:
    hass.config_entries.async_update_entry(entry, options={CONF_POWER_PLUGS: {serial: PLUG}})
    await hass.async_block_till_done()


async def _run_while_time_passes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    call: Any,
    duration: timedelta,
) -> Any:
    """Start an action and let simulated time pass until it finishes.

    The action waits on Home Assistant's timers, so it runs as a plain task: a task Home
    Assistant tracks would make every `async_block_till_done` wait for it, and time would
    never move.
    """
    task = asyncio.ensure_future(call)
    await advance(hass, freezer, duration, step=timedelta(seconds=5))
    return await task


async def _power_cycle(hass: HomeAssistant, data: dict[str, Any]) -> Any:
    return await hass.services.async_call(
        DOMAIN, "power_cycle", data, blocking=True, return_response=True
    )


async def test_get_procedure_for_every_kind_of_device(
    hass: HomeAssistant, sim: SimCloud, loaded_entry: MockConfigEntry
) -> None:
    """Each device gets its own model's steps, with the source and whether it is Blink's text."""
    for device in sim.fleet.devices:
        name = ProcedureName.BATTERY_CHANGE if device.battery_powered else ProcedureName.POWER_CYCLE
        response = await hass.services.async_call(
            DOMAIN,
            "get_procedure",
            {"device_id": _device_id(hass, loaded_entry, device.serial), "procedure": name},
            blocking=True,
            return_response=True,
        )
        assert response is not None
        assert response["procedure"] == name.value
        assert response["model"] == device.product_code
        assert response["steps"]
        assert all(isinstance(step, str) and step for step in response["steps"])
        assert response["source_url"].startswith("https://")
        assert isinstance(response["official"], bool)
        assert response["source_url"].startswith("https://")
        assert "search_words" in response
        assert response["title"]


async def test_get_procedure_by_model_name_or_code(hass: HomeAssistant, sim: SimCloud) -> None:
    """Any model can be looked up without a device, by code or marketing name."""
    assert await async_setup_component(hass, DOMAIN, {})
    for model in all_models():
        for text in (model.name, *model.codes):
            response = await hass.services.async_call(
                DOMAIN,
                "get_procedure",
                {"model": text, "procedure": "offline"},
                blocking=True,
                return_response=True,
            )
            assert response is not None
            assert response["model_name"] == model.name


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"model": "Blink Hoverboard", "procedure": "offline"}, "unknown_model"),
        ({"model": "owl", "procedure": "battery_change"}, "procedure_not_available"),
        ({"procedure": "offline"}, "device_or_model_required"),
        ({"device_id": "no-such-device", "procedure": "offline"}, "device_not_found"),
    ],
)
async def test_get_procedure_bad_input(
    hass: HomeAssistant, sim: SimCloud, data: dict[str, Any], key: str
) -> None:
    """Bad input gets a translated error."""
    assert await async_setup_component(hass, DOMAIN, {})
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "get_procedure", data, blocking=True, return_response=True
        )
    assert err.value.translation_key == key


async def test_ambiguous_model_word_lists_the_candidates(
    hass: HomeAssistant, sim: SimCloud
) -> None:
    """'Indoor' fits two cameras with different covers: the action names both, guesses none."""
    assert await async_setup_component(hass, DOMAIN, {})
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "get_procedure",
            {"model": "Indoor", "procedure": "open_cover"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "ambiguous_model"
    placeholders = err.value.translation_placeholders
    assert placeholders is not None
    assert placeholders["model"] == "Indoor"
    assert set(placeholders["candidates"].split(", ")) == {"Indoor (gen 1)", "Indoor (3rd Gen)"}
    assert "Indoor (3rd Gen)" in str(err.value)


async def test_procedure_not_available_names_procedures_in_words(
    hass: HomeAssistant, sim: SimCloud
) -> None:
    """The refusal names the procedures as the action's menu does, not by their keys."""
    assert await async_setup_component(hass, DOMAIN, {})
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "get_procedure",
            {"model": "owl", "procedure": "battery_change"},
            blocking=True,
            return_response=True,
        )
    placeholders = err.value.translation_placeholders
    assert placeholders is not None
    assert placeholders["procedure"] == "Change the batteries"
    assert "Power cycle" in placeholders["available"].split(", ")
    assert "_" not in placeholders["available"]
    assert "Change the batteries" in str(err.value)


async def test_power_cycle_mini_comes_back_online(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Off for 30 s, on, and back online within a couple of polls, with the time measured."""
    mini = _first(sim, "owl")
    plug = SimulatedPlug(sim, mini.serial)
    await _add_plug(hass, plug)
    await _map_plug(hass, loaded_entry, mini.serial)

    response = await _run_while_time_passes(
        hass,
        freezer,
        _power_cycle(hass, {"device_id": _device_id(hass, loaded_entry, mini.serial)}),
        timedelta(minutes=3),
    )

    assert response["result"] == "back_online"
    assert response["switch_entity_id"] == PLUG
    assert 0 < response["seconds_until_online"] <= 120
    assert plug.switched == [False, True]
    assert hass.states.get(PLUG).state == STATE_ON


async def test_power_cycle_times_out_still_offline(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A device that does not come back is reported still offline after five minutes."""
    mini = _first(sim, "owl")
    sim.set_online(mini.serial, False)
    plug = SimulatedPlug(sim, mini.serial, powers_device=False)
    await _add_plug(hass, plug)

    response = await _run_while_time_passes(
        hass,
        freezer,
        _power_cycle(
            hass,
            {
                "device_id": _device_id(hass, loaded_entry, mini.serial),
                "switch_entity_id": PLUG,
                "off_seconds": 10,
            },
        ),
        timedelta(minutes=6),
    )
    assert response == {
        "result": "still_offline",
        "seconds_until_online": None,
        "switch_entity_id": PLUG,
    }
    assert hass.states.get(PLUG).state == STATE_ON


async def test_power_cycle_refuses_battery_device(
    hass: HomeAssistant, sim: SimCloud, loaded_entry: MockConfigEntry
) -> None:
    """A battery camera has no plug: the error says to do it by hand and names the procedure."""
    camera = next(d for d in sim.fleet.devices if d.battery_powered)
    with pytest.raises(ServiceValidationError) as err:
        await _power_cycle(
            hass,
            {"device_id": _device_id(hass, loaded_entry, camera.serial), "switch_entity_id": PLUG},
        )
    assert err.value.translation_key == "power_cycle_battery_device"
    assert err.value.translation_placeholders["procedure"]


async def test_power_cycle_needs_a_usable_plug(
    hass: HomeAssistant, sim: SimCloud, loaded_entry: MockConfigEntry
) -> None:
    """No mapped plug, or a switch that does not exist, is refused before anything switches."""
    device_id = _device_id(hass, loaded_entry, _first(sim, "owl").serial)
    with pytest.raises(ServiceValidationError) as err:
        await _power_cycle(hass, {"device_id": device_id})
    assert err.value.translation_key == "no_power_plug"
    with pytest.raises(ServiceValidationError) as err:
        await _power_cycle(hass, {"device_id": device_id, "switch_entity_id": "switch.nothing"})
    assert err.value.translation_key == "switch_unavailable"


async def test_power_cycle_refuses_second_call_and_restores_power_on_cancel(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A second call for the same device is refused; cancelling the first turns the plug on."""
    mini = _first(sim, "owl")
    plug = SimulatedPlug(sim, mini.serial)
    await _add_plug(hass, plug)
    data = {"device_id": _device_id(hass, loaded_entry, mini.serial), "switch_entity_id": PLUG}

    first = asyncio.ensure_future(_power_cycle(hass, data))
    await advance(hass, freezer, timedelta(seconds=5), step=timedelta(seconds=5))
    assert plug.switched == [False]
    with pytest.raises(ServiceValidationError) as err:
        await _power_cycle(hass, data)
    assert err.value.translation_key == "power_cycle_running"

    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    await hass.async_block_till_done()
    assert plug.switched == [False, True]
    assert hass.states.get(PLUG).state == STATE_ON


async def test_mark_batteries_replaced(
    hass: HomeAssistant, sim: SimCloud, loaded_entry: MockConfigEntry
) -> None:
    """Recording a change fires the event and fills in the 'batteries replaced' sensor."""
    camera = next(d for d in sim.fleet.devices if d.battery_powered)
    events = async_capture_events(hass, "blink_care_battery_replaced")
    await hass.services.async_call(
        DOMAIN,
        "mark_batteries_replaced",
        {"device_id": _device_id(hass, loaded_entry, camera.serial)},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert len(events) == 1
    assert events[0].data["serial"] == camera.serial
    assert events[0].data["source"] == "manual"
    state = hass.states.get(entity_id(hass, "sensor", camera.serial, "batteries_replaced"))
    assert state is not None
    assert state.state not in ("unknown", "unavailable")
    assert state.attributes["source"] == "manual"


async def test_mark_batteries_replaced_refuses_mains_and_foreign_devices(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A Mini has no batteries; a device of another integration is not ours. Nothing changes."""
    other_entry = MockConfigEntry(domain="other")
    other_entry.add_to_hass(hass)
    foreign = device_registry.async_get_or_create(
        config_entry_id=other_entry.entry_id, identifiers={("other", "x")}, name="Lamp"
    )
    events = async_capture_events(hass, "blink_care_battery_replaced")
    cases = {
        _device_id(hass, loaded_entry, _first(sim, "owl").serial): "no_batteries",
        foreign.id: "not_a_blink_care_device",
        "missing": "device_not_found",
    }
    for device_id, key in cases.items():
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN, "mark_batteries_replaced", {"device_id": device_id}, blocking=True
            )
        assert err.value.translation_key == key
    assert events == []
