"""Every action refuses bad input with a message the user can read, and changes nothing.

Unknown devices, devices of another integration or of an unloaded account, devices that left
the Blink account, the wrong kind of device and out-of-range values. "Changes nothing" means:
no blink_care event, no switch touched, no repair opened, the history not modified and no
request sent to Blink.
"""

from collections.abc import Callable
from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service
import voluptuous as vol

from blink_sim import SimCloud
from custom_components.blink_care.const import CONF_POWER_PLUGS, DOMAIN
from homeassistant.const import MATCH_ALL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, issue_registry as ir

PLUG = "switch.mini_plug"
TRANSLATIONS = Path(__file__).parents[1] / "custom_components" / DOMAIN / "translations" / "en.json"


@dataclass(frozen=True, slots=True)
class Targets:
    """Device ids of every kind of target an action may be given."""

    camera: str
    mini: str
    foreign: str
    unloaded: str
    absent: str


@dataclass(frozen=True, slots=True)
class BadCall:
    """One action called with one kind of bad input, and the refusal expected."""

    action: str
    case: str
    data: Callable[[Targets], dict[str, Any]]
    # A translation key of blink_care's exceptions, or None: the schema refuses (vol.Invalid).
    refusal: str | None


def _each_device_refusal(
    action: str, extra: dict[str, Any], *, no_device: str | None = None
) -> list[BadCall]:
    """The refusals every device-taking action shares."""
    return [
        BadCall(
            action,
            "unknown-device",
            lambda _: {"device_id": "no-such-device", **extra},
            "device_not_found",
        ),
        BadCall(
            action,
            "other-integration",
            lambda t: {"device_id": t.foreign, **extra},
            "not_a_blink_care_device",
        ),
        BadCall(
            action,
            "account-not-loaded",
            lambda t: {"device_id": t.unloaded, **extra},
            "entry_not_loaded",
        ),
        BadCall(
            action,
            "left-the-account",
            lambda t: {"device_id": t.absent, **extra},
            "device_not_in_account",
        ),
        BadCall(action, "no-device", lambda _: {**extra}, no_device),
    ]


def _off_seconds(value: object) -> BadCall:
    """power_cycle of the Mini with an off time the schema refuses."""
    return BadCall(
        "power_cycle",
        f"off-seconds-{value}",
        lambda t: {"device_id": t.mini, "off_seconds": value},
        None,
    )


BAD_CALLS: list[BadCall] = [
    *_each_device_refusal("mark_batteries_replaced", {}),
    BadCall(
        "mark_batteries_replaced", "mains-device", lambda t: {"device_id": t.mini}, "no_batteries"
    ),
    *_each_device_refusal(
        "get_procedure", {"procedure": "offline"}, no_device="device_or_model_required"
    ),
    BadCall(
        "get_procedure",
        "not-for-this-model",
        lambda t: {"device_id": t.mini, "procedure": "battery_change"},
        "procedure_not_available",
    ),
    BadCall(
        "get_procedure",
        "unknown-model",
        lambda _: {"model": "Blink Hoverboard", "procedure": "offline"},
        "unknown_model",
    ),
    BadCall(
        "get_procedure",
        "unknown-procedure",
        lambda t: {"device_id": t.camera, "procedure": "dance"},
        None,
    ),
    BadCall(
        "get_procedure",
        "device-and-model",
        lambda t: {"device_id": t.camera, "model": "owl", "procedure": "offline"},
        None,
    ),
    *_each_device_refusal("power_cycle", {}),
    BadCall(
        "power_cycle",
        "battery-device",
        lambda t: {"device_id": t.camera, "switch_entity_id": PLUG},
        "power_cycle_battery_device",
    ),
    BadCall(
        "power_cycle",
        "missing-switch",
        lambda t: {"device_id": t.mini, "switch_entity_id": "switch.nothing_here"},
        "switch_unavailable",
    ),
    *(_off_seconds(value) for value in (4, 301, "long")),
    BadCall(
        "power_cycle",
        "not-an-entity-id",
        lambda t: {"device_id": t.mini, "switch_entity_id": "not an entity"},
        None,
    ),
    *_each_device_refusal("start_troubleshooting", {"symptom": "offline"}),
    BadCall(
        "start_troubleshooting",
        "not-for-this-model",
        lambda t: {"device_id": t.mini, "symptom": "low_battery"},
        "procedure_not_available",
    ),
    BadCall(
        "start_troubleshooting",
        "unknown-symptom",
        lambda t: {"device_id": t.camera, "symptom": "haunted"},
        None,
    ),
]


def _id(call: BadCall) -> str:
    return f"{call.action}-{call.case}"


@pytest.fixture
def targets(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> Targets:
    """One device id of each kind; the Mini has a plug mapped so only the tested fault fails."""
    hass.config_entries.async_update_entry(
        loaded_entry,
        options={
            CONF_POWER_PLUGS: {
                next(d.serial for d in sim.fleet.devices if d.product_code == "owl"): PLUG
            }
        },
    )

    def ours(product_code: str) -> str:
        serial = next(d.serial for d in sim.fleet.devices if d.product_code == product_code)
        device = device_registry.async_get_device_by_identifier(
            (DOMAIN, serial), loaded_entry.entry_id
        )
        assert device is not None
        return device.id

    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    unloaded = MockConfigEntry(domain=DOMAIN, title="second account", unique_id="2000002")
    unloaded.add_to_hass(hass)
    return Targets(
        camera=ours("sedona"),
        mini=ours("owl"),
        foreign=device_registry.async_get_or_create(
            config_entry_id=other.entry_id, identifiers={("other", "lamp")}, name="Lamp"
        ).id,
        unloaded=device_registry.async_get_or_create(
            config_entry_id=unloaded.entry_id, identifiers={(DOMAIN, "SIM-CAM-900")}, name="Shed"
        ).id,
        absent=device_registry.async_get_or_create(
            config_entry_id=loaded_entry.entry_id,
            identifiers={(DOMAIN, "SIM-CAM-901")},
            name="Gone",
        ).id,
    )


def _exception_keys() -> set[str]:
    return set(json.loads(TRANSLATIONS.read_text())["exceptions"])


@pytest.mark.parametrize("bad", BAD_CALLS, ids=[_id(call) for call in BAD_CALLS])
async def test_bad_input_is_refused_and_changes_nothing(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    targets: Targets,
    hass_storage: dict[str, Any],
    bad: BadCall,
) -> None:
    """The refusal is translated (or the schema's), and nothing anywhere has changed."""
    coordinator = loaded_entry.runtime_data.coordinator
    await hass.async_block_till_done()
    fired: list[Event] = []

    @callback
    def record(event: Event) -> None:
        if event.event_type.startswith(f"{DOMAIN}_"):
            fired.append(event)

    unsubscribe = hass.bus.async_listen(MATCH_ALL, record)
    turned_off = async_mock_service(hass, "switch", "turn_off")
    turned_on = async_mock_service(hass, "switch", "turn_on")
    history = json.dumps(coordinator.history.as_json(), default=str)
    stored = json.dumps(hass_storage.get(f"{DOMAIN}.{loaded_entry.entry_id}"), default=str)
    issues = set(ir.async_get(hass).issues)
    requests = sim.requests.total
    response = bad.action in {"get_procedure", "power_cycle", "start_troubleshooting"}

    expected: type[Exception] = vol.Invalid if bad.refusal is None else ServiceValidationError
    with pytest.raises(expected) as refused:
        await hass.services.async_call(
            DOMAIN, bad.action, bad.data(targets), blocking=True, return_response=response
        )
    await hass.async_block_till_done()
    unsubscribe()

    if bad.refusal is not None:
        error = refused.value
        assert isinstance(error, ServiceValidationError)
        assert error.translation_domain == DOMAIN
        assert error.translation_key == bad.refusal
        assert bad.refusal in _exception_keys()
        assert str(error)  # the message renders with its placeholders
    assert fired == []
    assert turned_off == turned_on == []
    assert json.dumps(coordinator.history.as_json(), default=str) == history
    assert json.dumps(hass_storage.get(f"{DOMAIN}.{loaded_entry.entry_id}"), default=str) == stored
    assert set(ir.async_get(hass).issues) == issues
    assert sim.requests.total == requests


def test_every_action_is_covered() -> None:
    """The table above names every action blink_care registers (new ones must be added)."""
    services = (
        Path(__file__).parents[1] / "custom_components" / DOMAIN / "services.yaml"
    ).read_text()
    registered = {
        line.rstrip(":") for line in services.splitlines() if line and not line[0].isspace()
    }
    assert {call.action for call in BAD_CALLS} == registered
