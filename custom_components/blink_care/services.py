"""blink_care's actions. Registered once in async_setup; each checks its target itself."""

from typing import Any

import voluptuous as vol

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .client.models import PowerSource
from .const import DOMAIN
from .engine.catalog import ModelEntry, Procedure, ProcedureName, find_models
from .helpers import ATTR_DEVICE_ID, async_procedure_not_available, resolve_device
from .power_cycle import async_power_cycle, power_cycle_plan
from .troubleshooting import (
    SERVICE_START_TROUBLESHOOTING,
    START_TROUBLESHOOTING_SCHEMA,
    async_start_troubleshooting,
)

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


async def _get_procedure(call: ServiceCall) -> ServiceResponse:
    model = _model_of_call(call)
    name = ProcedureName(call.data[ATTR_PROCEDURE])
    procedure = model.procedures.get(name)
    if procedure is None:
        raise await async_procedure_not_available(call.hass, name, model)
    return _procedure_response(model, procedure)


async def _power_cycle(call: ServiceCall) -> ServiceResponse:
    target = resolve_device(call.hass, call.data[ATTR_DEVICE_ID])
    switch_entity_id, off_seconds = power_cycle_plan(
        target.coordinator,
        target.state,
        call.data.get(ATTR_SWITCH_ENTITY_ID),
        call.data.get(ATTR_OFF_SECONDS),
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
    hass.services.async_register(
        DOMAIN,
        SERVICE_START_TROUBLESHOOTING,
        async_start_troubleshooting,
        schema=START_TROUBLESHOOTING_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
