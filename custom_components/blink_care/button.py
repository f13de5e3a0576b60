"""The 'batteries replaced' button of each battery-powered device."""

from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client.models import PowerSource
from .data import BlinkCareConfigEntry
from .entity import BlinkCareEntity, DeviceEntityDescription, async_add_device_entities

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class BlinkCareButtonEntityDescription(DeviceEntityDescription, ButtonEntityDescription):
    """A per-device button."""


MARK_BATTERIES_REPLACED = BlinkCareButtonEntityDescription(
    key="mark_batteries_replaced",
    translation_key="mark_batteries_replaced",
    exists_fn=lambda state: state.snapshot.power_source is PowerSource.BATTERY,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlinkCareConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the button to every battery-powered device."""
    async_add_device_entities(
        entry, async_add_entities, (MARK_BATTERIES_REPLACED,), MarkReplacedButton
    )


class MarkReplacedButton(BlinkCareEntity, ButtonEntity):
    """Press after putting in new batteries: a manual record wins over detection."""

    entity_description: BlinkCareButtonEntityDescription

    async def async_press(self) -> None:
        """Record the replacement now."""
        await self.coordinator.async_record_replacement(self.serial)
