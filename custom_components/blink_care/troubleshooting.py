"""The start_troubleshooting action: a Repairs entry with the guide for a symptom and model.

The user names what is wrong; the action opens a ``troubleshooting_<serial>`` issue whose fix
flow walks the model's own procedure for it. Polls never touch that issue: it stays until the
user finishes or dismisses the guide, or the device is removed.
"""

from enum import StrEnum

import voluptuous as vol

from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.helpers import config_validation as cv, issue_registry as ir

from .const import DOMAIN
from .engine.catalog import ModelEntry, Procedure, ProcedureName
from .helpers import ATTR_DEVICE_ID, async_procedure_not_available, resolve_device
from .issues import async_create, troubleshooting_spec

SERVICE_START_TROUBLESHOOTING = "start_troubleshooting"
ATTR_SYMPTOM = "symptom"
DATA_SYMPTOM = "symptom"


class Symptom(StrEnum):
    """What the user sees going wrong (the action's ``symptom`` field)."""

    OFFLINE = "offline"
    FLASHING_RED = "flashing_red"
    LOW_BATTERY = "low_battery"
    RESET_FAILED = "reset_failed"
    ALREADY_REGISTERED = "already_registered"


# The catalog procedures that answer each symptom, least invasive first; a model shows those
# it has (a sync module resets with sync_module_reset, a camera with factory_reset).
SYMPTOM_PROCEDURES: dict[Symptom, tuple[ProcedureName, ...]] = {
    Symptom.OFFLINE: (ProcedureName.OFFLINE,),
    Symptom.FLASHING_RED: (ProcedureName.FLASHING_RED,),
    Symptom.LOW_BATTERY: (ProcedureName.BATTERY_CHANGE,),
    Symptom.RESET_FAILED: (
        ProcedureName.SOFT_RESET,
        ProcedureName.FACTORY_RESET,
        ProcedureName.SYNC_MODULE_RESET,
    ),
    Symptom.ALREADY_REGISTERED: (ProcedureName.REMOVE_FROM_ACCOUNT,),
}

START_TROUBLESHOOTING_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_DEVICE_ID): cv.string,
        vol.Required(ATTR_SYMPTOM): vol.In([symptom.value for symptom in Symptom]),
    }
)


def guide_for(model: ModelEntry, symptom: Symptom) -> tuple[Procedure, ...]:
    """The procedures of this model that answer the symptom (empty when none applies)."""
    return tuple(
        model.procedures[name] for name in SYMPTOM_PROCEDURES[symptom] if name in model.procedures
    )


async def async_start_troubleshooting(call: ServiceCall) -> ServiceResponse:
    """Open (or reopen, for a new symptom) the device's troubleshooting issue."""
    target = resolve_device(call.hass, call.data[ATTR_DEVICE_ID])
    symptom = Symptom(call.data[ATTR_SYMPTOM])
    model = target.state.model
    procedures = guide_for(model, symptom)
    if not procedures:
        raise await async_procedure_not_available(call.hass, SYMPTOM_PROCEDURES[symptom][0], model)
    spec = troubleshooting_spec(
        target.state, guide=" / ".join(procedure.title for procedure in procedures)
    )
    # The user asked for it now: start afresh, even if an earlier guide was ignored.
    ir.async_delete_issue(call.hass, DOMAIN, spec.issue_id)
    async_create(
        call.hass,
        target.coordinator.config_entry.entry_id,
        spec,
        **{DATA_SYMPTOM: symptom.value},
    )
    return {"issue_id": spec.issue_id} if call.return_response else None
