"""The simulated plug's switch (YAML: `switch: - platform: sim_plug`, see configuration.yaml)."""

from __future__ import annotations

import os
from typing import Any

import voluptuous as vol

from homeassistant.components.switch import (
    PLATFORM_SCHEMA as SWITCH_PLATFORM_SCHEMA,
    SwitchDeviceClass,
    SwitchEntity,
)
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType

CONF_SERIAL = "serial"
CONF_BOOT_SECONDS = "boot_seconds"
# scripts/dev/devserver.py gives Home Assistant the simulator's address in this variable.
SIM_URL_VARIABLE = "BLINK_SIM_URL"

PLATFORM_SCHEMA = SWITCH_PLATFORM_SCHEMA.extend(
    {
        vol.Required(CONF_NAME): cv.string,
        vol.Required(CONF_SERIAL): cv.string,
        # A Mini takes about this long from power to Wi-Fi.
        vol.Optional(CONF_BOOT_SECONDS, default=20): vol.All(vol.Coerce(float), vol.Range(0, 600)),
    }
)


async def async_setup_platform(
    hass: HomeAssistant,
    config: ConfigType,
    async_add_entities: AddEntitiesCallback,
    discovery_info: DiscoveryInfoType | None = None,
) -> None:
    """One plug per YAML entry, powering the simulated device with that serial."""
    del discovery_info
    sim_url = os.environ.get(SIM_URL_VARIABLE)
    if not sim_url:
        raise HomeAssistantError(f"sim_plug needs {SIM_URL_VARIABLE} (run it via scripts/develop)")
    async_add_entities(
        [SimPlug(config[CONF_NAME], config[CONF_SERIAL], sim_url, config[CONF_BOOT_SECONDS])]
    )


class SimPlug(SwitchEntity):
    """On: the device has power. Off: it drops off the simulated cloud at once."""

    _attr_device_class = SwitchDeviceClass.OUTLET
    _attr_should_poll = False
    # A plug is on unless someone switched it off; the device it feeds is online at start.
    _attr_is_on = True

    def __init__(self, name: str, serial: str, sim_url: str, boot_seconds: float) -> None:
        """A plug feeding the simulated device `serial`."""
        self._attr_name = name
        self._attr_unique_id = f"sim_plug_{serial}"
        self._serial = serial
        self._device_url = f"{sim_url.rstrip('/')}/_sim/devices/{serial}"
        self._boot_seconds = boot_seconds
        self._cancel_boot: Any = None

    async def _tell_simulator(self, action: str) -> None:
        session = async_get_clientsession(self.hass)
        async with session.post(f"{self._device_url}/{action}") as response:
            if response.status >= 400:  # noqa: PLR2004 - HTTP errors
                raise HomeAssistantError(
                    f"the simulator refused {action} for {self._serial}: HTTP {response.status}"
                )

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Cut the power: the device goes offline now."""
        self._cancel_pending_boot()
        await self._tell_simulator("offline")
        self._attr_is_on = False
        self.async_write_ha_state()

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Restore the power: the device is back on the network once it has booted."""
        self._cancel_pending_boot()
        self._attr_is_on = True
        self.async_write_ha_state()

        async def booted(_now: Any) -> None:
            self._cancel_boot = None
            await self._tell_simulator("online")

        self._cancel_boot = async_call_later(self.hass, self._boot_seconds, booted)

    @callback
    def _cancel_pending_boot(self) -> None:
        if self._cancel_boot is not None:
            self._cancel_boot()
            self._cancel_boot = None

    async def async_will_remove_from_hass(self) -> None:
        """No boot may finish after the entity is gone."""
        self._cancel_pending_boot()
