"""blink_care's actions. Registered once in async_setup; each checks its target itself."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import voluptuous as vol

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.translation import async_get_translations

from .client.models import PowerSource
from .const import CONF_POWER_PLUGS, DOMAIN
from .coordinator import BlinkCareCoordinator, DeviceState
from .data import BlinkCareConfigEntry
from .engine.catalog import ModelEntry, Procedure, ProcedureName, find_models
from .power_cycle import DEFAULT_OFF_SECONDS, async_power_cycle

ATTR_DEVICE_ID = "device_id"
ATTR_MODEL = "model"
ATTR_PROCEDURE = "procedure"
ATTR_SWITCH_ENTITY_ID = "switch_entity_id"
ATTR_OFF_SECONDS = "off_seconds"
SERVICE_MARK_BATTERIES_REPLACED = "mark_batteries_replaced"
SERVICE_GET_PROCEDURE = "get_procedure"
SERVICE_POWER_CYCLE = "power_cycle"

MARK_REPLACED_SCHEMA = vol.Schema({vol.Required(ATTR_DEVICE_ID): cv.string})
GET_PROCEDURE_SCHEMA = vol.Schema(
    {
        vol.Exclusive(ATTR_DEVICE_ID, "model"): cv.string,
        vol.Exclusive(ATTR_MODEL, "model"): cv.string,
        vol.Required(ATTR_PROCEDURE): vol.In([name.value for name in ProcedureName]),
    }
)
POWER_CYCLE_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Optional(ATTR_SWITCH_ENTITY_ID): cv.entity_id,
        vol.Optional(ATTR_OFF_SECONDS): vol.All(vol.Coerce(int), vol.Range(min=5, max=300)),
    }
)


@dataclass(frozen=True, slots=True)
class TargetDevice:
    """A blink_care device an action was called for, with its loaded coordinator."""

    coordinator: BlinkCareCoordinator
    serial: str
    state: DeviceState


def resolve_device(hass: HomeAssistant, device_id: str) -> TargetDevice:
    """Find the Blink device behind a Home Assistant device id, or say clearly why not."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="device_not_found",
            translation_placeholders={"device_id": device_id},
        )
    serial = next((ident for domain, ident in device.identifiers if domain == DOMAIN), None)
    entry: BlinkCareConfigEntry | None = hass.config_entries.async_get_entry(
        device.config_entry_id or ""
    )
    if serial is None or entry is None or entry.domain != DOMAIN:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_a_blink_care_device",
            translation_placeholders={"device": device.name_by_user or device.name or device_id},
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="entry_not_loaded",
            translation_placeholders={"entry": entry.title},
        )
    coordinator = entry.runtime_data.coordinator
    state = None if coordinator.data is None else coordinator.data.devices.get(serial)
    if state is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="device_not_in_account",
            translation_placeholders={"device": device.name or serial},
        )
    return TargetDevice(coordinator, serial, state)


async def _mark_batteries_replaced(call: ServiceCall) -> None:
    target = resolve_device(call.hass, call.data[ATTR_DEVICE_ID])
    if target.state.snapshot.power_source is not PowerSource.BATTERY:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_batteries",
            translation_placeholders={
                "device": target.state.snapshot.name,
                "model": target.state.model.name,
            },
        )
    await target.coordinator.async_record_replacement(target.serial)


def _procedure_response(model: ModelEntry, procedure: Procedure) -> dict[str, Any]:
    return {
        "model": model.codes[0] if model.codes else model.key,
        "model_name": model.name,
        "procedure": procedure.name.value,
        "title": procedure.title,
        "steps": list(procedure.steps),
        "tools": list(procedure.tools),
        "warnings": list(procedure.warnings),
        "estimated_minutes": procedure.estimated_minutes,
        "source_url": procedure.source_url,
        "search_words": procedure.search_words,
        "official": procedure.official,
        "notes": list(procedure.notes),
    }


def _model_of_call(call: ServiceCall) -> ModelEntry:
    if ATTR_DEVICE_ID in call.data:
        return resolve_device(call.hass, call.data[ATTR_DEVICE_ID]).state.model
    text = call.data.get(ATTR_MODEL)
    if text is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="device_or_model_required"
        )
    models = find_models(text)
    if len(models) > 1:
        # A word such as "Indoor" fits models whose steps differ: ask rather than guess.
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="ambiguous_model",
            translation_placeholders={
                "model": text,
                "candidates": ", ".join(model.name for model in models),
            },
        )
    if not models:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_model",
            translation_placeholders={"model": text},
        )
    return models[0]


async def _procedure_labels(hass: HomeAssistant, names: Iterable[ProcedureName]) -> list[str]:
    """Procedure names as the action's selector shows them, in Home Assistant's language.

    An error message is translated, but its placeholders are not: a raw key there would read
    "soft_reset" in the middle of a sentence.
    """
    strings = await async_get_translations(hass, hass.config.language, "selector", [DOMAIN])
    prefix = f"component.{DOMAIN}.selector.procedure.options."
    return [strings.get(prefix + name.value, name.value) for name in names]


async def async_procedure_not_available(
    hass: HomeAssistant, requested: ProcedureName, model: ModelEntry
) -> ServiceValidationError:
    """The error for a procedure this model does not have, naming the ones it has."""
    label, *available = await _procedure_labels(hass, [requested, *sorted(model.procedures)])
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="procedure_not_available",
        translation_placeholders={
            "procedure": label,
            "model": model.name,
            "available": ", ".join(available),
        },
    )


async def _get_procedure(call: ServiceCall) -> ServiceResponse:
    model = _model_of_call(call)
    name = ProcedureName(call.data[ATTR_PROCEDURE])
    procedure = model.procedures.get(name)
    if procedure is None:
        raise await async_procedure_not_available(call.hass, name, model)
    return _procedure_response(model, procedure)


async def _power_cycle(call: ServiceCall) -> ServiceResponse:
    target = resolve_device(call.hass, call.data[ATTR_DEVICE_ID])
    state = target.state
    if state.snapshot.power_source is not PowerSource.MAINS:
        manual = next(
            (
                state.model.procedures[name].title
                for name in (ProcedureName.SOFT_RESET, ProcedureName.BATTERY_CHANGE)
                if name in state.model.procedures
            ),
            ProcedureName.SOFT_RESET.value,
        )
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="power_cycle_battery_device",
            translation_placeholders={
                "device": state.snapshot.name,
                "model": state.model.name,
                "procedure": manual,
            },
        )
    plugs: dict[str, str] = target.coordinator.config_entry.options.get(CONF_POWER_PLUGS, {})
    switch_entity_id = call.data.get(ATTR_SWITCH_ENTITY_ID) or plugs.get(target.serial)
    if not switch_entity_id:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_power_plug",
            translation_placeholders={"device": state.snapshot.name},
        )
    model_cycle = state.model.procedures.get(ProcedureName.POWER_CYCLE)
    off_seconds = call.data.get(ATTR_OFF_SECONDS) or (
        model_cycle.off_seconds if model_cycle and model_cycle.off_seconds else DEFAULT_OFF_SECONDS
    )
    result = await async_power_cycle(
        call.hass, target.coordinator, target.serial, switch_entity_id, off_seconds
    )
    return result.as_response() if call.return_response else None


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every blink_care action."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_MARK_BATTERIES_REPLACED,
        _mark_batteries_replaced,
        schema=MARK_REPLACED_SCHEMA,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_PROCEDURE,
        _get_procedure,
        schema=GET_PROCEDURE_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_POWER_CYCLE,
        _power_cycle,
        schema=POWER_CYCLE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    # Its own module builds on resolve_device above, so it is imported only once this one is.
    from .troubleshooting import (  # noqa: PLC0415
        SERVICE_START_TROUBLESHOOTING,
        START_TROUBLESHOOTING_SCHEMA,
        async_start_troubleshooting,
    )

    hass.services.async_register(
        DOMAIN,
        SERVICE_START_TROUBLESHOOTING,
        async_start_troubleshooting,
        schema=START_TROUBLESHOOTING_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
