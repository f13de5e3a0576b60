"""The events blink_care fires on Home Assistant's bus (names are a contract with automations)."""

from typing import Any

from homeassistant.core import HomeAssistant

from .engine.battery import BatteryAssessment
from .engine.connectivity import Transition
from .engine.fleet import EventKind, FleetEvent

EVENT_BATTERY_LOW = "blink_care_battery_low"
EVENT_BATTERY_REPLACED = "blink_care_battery_replaced"
EVENT_DEVICE_OFFLINE = "blink_care_device_offline"
EVENT_DEVICE_ONLINE = "blink_care_device_online"


def _level(assessment: BatteryAssessment) -> float | None:
    return None if assessment.level_pct is None else round(assessment.level_pct)


class EventBus:
    """Fires each blink_care event with the same device fields."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Fire on this Home Assistant's bus."""
        self._hass = hass

    def _fire(self, event_type: str, device: dict[str, Any], extra: dict[str, Any]) -> None:
        self._hass.bus.async_fire(event_type, {**device, **extra})

    def announce(self, event: FleetEvent, device_id: str | None) -> None:
        """Fire the event the fleet model decided on, for the device with this registry id."""
        state = event.device
        device = {
            "device_id": device_id,
            "serial": state.serial,
            "name": state.snapshot.name,
            "model": state.model.name,
        }
        battery, transition = event.battery, event.transition
        if event.kind is EventKind.BATTERY_REPLACED and battery is not None:
            self.battery_replaced(device, battery)
        elif event.kind is EventKind.BATTERY_LOW and battery is not None:
            self.battery_low(device, battery)
        elif event.kind is EventKind.DEVICE_OFFLINE and transition is not None:
            self.device_offline(device, transition)
        elif event.kind is EventKind.DEVICE_ONLINE and transition is not None:
            self.device_online(device, transition)

    def battery_low(self, device: dict[str, Any], assessment: BatteryAssessment) -> None:
        """The battery needs changing soon (fired once per cycle)."""
        self._fire(
            EVENT_BATTERY_LOW,
            device,
            {"level": _level(assessment), "health": assessment.health.value},
        )

    def battery_replaced(self, device: dict[str, Any], assessment: BatteryAssessment) -> None:
        """Batteries were replaced: detected from the readings or recorded by the user."""
        replaced = assessment.last_replaced
        self._fire(
            EVENT_BATTERY_REPLACED,
            device,
            {
                "level": _level(assessment),
                "source": None if replaced is None else replaced.source.value,
                "replaced_at": None if replaced is None else replaced.at.isoformat(),
            },
        )

    def device_offline(self, device: dict[str, Any], transition: Transition) -> None:
        """A device went offline past the grace period."""
        self._fire(EVENT_DEVICE_OFFLINE, device, _transition_fields(transition))

    def device_online(self, device: dict[str, Any], transition: Transition) -> None:
        """A device that was offline is back."""
        self._fire(
            EVENT_DEVICE_ONLINE,
            device,
            {**_transition_fields(transition), "downtime_seconds": transition.downtime_seconds},
        )


def _transition_fields(transition: Transition) -> dict[str, Any]:
    return {
        "reason": None if transition.reason is None else transition.reason.value,
        "offline_since": (
            None if transition.offline_since is None else transition.offline_since.isoformat()
        ),
    }
