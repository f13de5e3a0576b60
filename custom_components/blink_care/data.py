"""Typed runtime data of a blink_care config entry."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .client.api import BlinkCloudClient
    from .coordinator import BlinkCareCoordinator

type BlinkCareConfigEntry = ConfigEntry[BlinkCareData]


@dataclass(slots=True)
class BlinkCareData:
    """What a loaded entry holds: its client and the coordinator that polls it."""

    client: BlinkCloudClient
    coordinator: BlinkCareCoordinator
