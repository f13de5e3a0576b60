"""What blink_care's actions and fix flows share: finding the device, and refusing clearly.

Each refusal is a translated `ServiceValidationError` that names the device or the procedure,
so an automation's trace and the Repairs dialog say the same thing.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN
from .coordinator import BlinkCareCoordinator
from .data import BlinkCareConfigEntry
from .engine.catalog import ModelEntry, ProcedureName
from .engine.fleet import DeviceState

ATTR_DEVICE_ID = "device_id"


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
