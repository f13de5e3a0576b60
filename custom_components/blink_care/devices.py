"""One Home Assistant device per Blink device, kept in step with the fleet after every poll."""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr

from .client.models import DeviceKind
from .const import DOMAIN, LOGGER, MANUFACTURER
from .engine.fleet import FleetState


class DeviceRegistrySync:
    """Writes the registry only when a device's name, model, firmware or sync module changed."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Keep the devices of this config entry."""
        self._hass = hass
        self._entry_id = entry_id
        # Device registry ids by serial, and what was last written there.
        self.ids: dict[str, str] = {}
        self.written: dict[str, tuple[Any, ...]] = {}

    def sync(self, fleet: FleetState) -> None:
        """Create or update every device of the fleet; sync modules first, so cameras can link."""
        registry = dr.async_get(self._hass)
        states = sorted(
            fleet.devices.values(), key=lambda s: s.snapshot.kind is not DeviceKind.SYNC_MODULE
        )
        for state in states:
            device = state.snapshot
            via = self.ids.get(device.sync_module_serial or "")
            wanted = (device.name, state.model.name, device.firmware, via)
            if self.written.get(device.serial) == wanted:
                continue
            entry = registry.async_get_or_create(
                config_entry_id=self._entry_id,
                identifiers={(DOMAIN, device.serial)},
                manufacturer=MANUFACTURER,
                model=state.model.name,
                model_id=device.product_code,
                name=device.name,
                serial_number=device.serial,
                sw_version=device.firmware,
                via_device_id=via,
            )
            self.ids[device.serial] = entry.id
            self.written[device.serial] = wanted

    def remove(self, serial: str, why: str | None = None) -> None:
        """Remove the device if it is still registered, and forget what was written for it."""
        registry = dr.async_get(self._hass)
        device = registry.async_get_device_by_identifier((DOMAIN, serial), self._entry_id)
        if device is not None:
            if why is not None:
                # The name, not the serial: serials stay out of logs users paste into issues.
                LOGGER.info("Removing %s: %s", device.name, why)
            registry.async_remove_device(device.id)
        self.ids.pop(serial, None)
        self.written.pop(serial, None)
