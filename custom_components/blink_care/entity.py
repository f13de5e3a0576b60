"""Base entities: one Home Assistant device per Blink device, plus the account device."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN, MANUFACTURER
from .coordinator import BlinkCareCoordinator
from .data import BlinkCareConfigEntry
from .engine.fleet import DeviceState


@dataclass(frozen=True, kw_only=True)
class DeviceEntityDescription(EntityDescription):
    """What every per-device entity description adds: for which devices it exists."""

    exists_fn: Callable[[DeviceState], bool] = lambda _state: True
    attributes_fn: Callable[[DeviceState], dict[str, Any] | None] = lambda _state: None


class ChangedStateOnlyEntity(CoordinatorEntity[BlinkCareCoordinator]):
    """Writes its state only when a poll changed it.

    A poll touches every device, but most of its entities read the same as before; writing them
    all anyway was most of the per-poll cost (about 15 µs per entity in Home Assistant).
    """

    _last_written: tuple[Any, ...] | None = None

    def _written(self) -> tuple[Any, ...]:
        """What the state write depends on; equal to the last one, there is nothing to write."""
        return (self.available, self.state, self.extra_state_attributes)

    @callback
    def _handle_coordinator_update(self) -> None:
        written = self._written()
        if written != self._last_written:
            self._last_written = written
            self.async_write_ha_state()


class BlinkCareEntity(ChangedStateOnlyEntity):
    """An entity of one Blink device, attached to that device by its serial."""

    _attr_has_entity_name = True
    entity_description: DeviceEntityDescription

    def __init__(
        self, coordinator: BlinkCareCoordinator, serial: str, description: DeviceEntityDescription
    ) -> None:
        """Bind to the device with this serial."""
        super().__init__(coordinator)
        self.entity_description = description
        self.serial = serial
        self._attr_unique_id = f"{serial}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, serial)})

    @property
    def device_state(self) -> DeviceState | None:
        """This device in the latest poll (None while it is missing from the account)."""
        data = self.coordinator.data
        return None if data is None else data.devices.get(self.serial)

    def value(self, state: DeviceState) -> Any:
        """The entity's own value (native value, on/off) in a device state."""
        return None

    def _written(self) -> tuple[Any, ...]:
        """The value and attributes, read once from the device state.

        The written state is a function of the value (and of display settings, whose changes
        Home Assistant writes itself), so comparing values is enough and cheaper than
        formatting every state on every poll.
        """
        state = self.device_state
        if state is None or not self.coordinator.last_update_success:
            return (False,)
        return (True, self.value(state), self.entity_description.attributes_fn(state))

    @property
    def available(self) -> bool:
        """Unavailable while the cloud cannot be read or the device is missing from it."""
        return super().available and self.device_state is not None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Attributes the description derives from the device's state."""
        state = self.device_state
        return None if state is None else self.entity_description.attributes_fn(state)


class BlinkCareAccountEntity(ChangedStateOnlyEntity):
    """An entity of the Blink account as a whole."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: BlinkCareCoordinator, description: EntityDescription) -> None:
        """Attach to the account device."""
        super().__init__(coordinator)
        self.entity_description = description
        identifier = coordinator.account_identifier
        self._attr_unique_id = f"{identifier}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, identifier)},
            manufacturer=MANUFACTURER,
            model="Blink cloud account",
            name=coordinator.config_entry.title,
            entry_type=DeviceEntryType.SERVICE,
        )


def async_add_device_entities[DescriptionT: DeviceEntityDescription](
    entry: BlinkCareConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Sequence[DescriptionT],
    entity_class: Callable[[BlinkCareCoordinator, str, DescriptionT], Entity],
) -> None:
    """Add entities for every device now and for devices that join the account later."""
    coordinator = entry.runtime_data.coordinator
    known: set[str] = set()

    @callback
    def add_new_devices() -> None:
        entities: list[Entity] = []
        for serial, state in coordinator.data.devices.items():
            if serial in known:
                continue
            known.add(serial)
            entities.extend(
                entity_class(coordinator, serial, description)
                for description in descriptions
                if description.exists_fn(state)
            )
        if entities:
            async_add_entities(entities)

    add_new_devices()
    entry.async_on_unload(coordinator.async_add_listener(add_new_devices))
    entry.async_on_unload(coordinator.async_add_removal_listener(known.discard))
