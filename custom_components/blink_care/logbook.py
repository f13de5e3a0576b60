"""Logbook lines for blink_care's events, so the device history reads like a story."""

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_MESSAGE, LOGBOOK_ENTRY_NAME
from homeassistant.core import Event, HomeAssistant, callback

from .const import DOMAIN
from .events import (
    EVENT_BATTERY_LOW,
    EVENT_BATTERY_REPLACED,
    EVENT_DEVICE_OFFLINE,
    EVENT_DEVICE_ONLINE,
)


def _downtime(seconds: Any) -> str:
    if not isinstance(seconds, int | float):
        return ""
    minutes = round(seconds / 60)
    if minutes < 120:  # noqa: PLR2004 - below two hours, minutes read best
        return f" after {minutes} min offline"
    return f" after {minutes / 60:.1f} h offline"


def _message(event_type: str, data: dict[str, Any]) -> str:
    if event_type == EVENT_DEVICE_OFFLINE:
        if data.get("reason") == "sync_module_offline":
            return "went offline: its sync module is offline"
        return "went offline"
    if event_type == EVENT_DEVICE_ONLINE:
        return f"is back online{_downtime(data.get('downtime_seconds'))}"
    if event_type == EVENT_BATTERY_LOW:
        level = data.get("level")
        return "needs new batteries" + (f" ({level} %)" if level is not None else "")
    how = "recorded" if data.get("source") == "manual" else "detected"
    return f"had its batteries replaced ({how})"


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, str]]], None],
) -> None:
    """Describe each blink_care event in the logbook."""

    @callback
    def describe(event: Event) -> dict[str, str]:
        data = dict(event.data)
        return {
            LOGBOOK_ENTRY_NAME: str(data.get("name") or data.get("serial") or "Blink device"),
            LOGBOOK_ENTRY_MESSAGE: _message(str(event.event_type), data),
        }

    for event_type in (
        EVENT_DEVICE_OFFLINE,
        EVENT_DEVICE_ONLINE,
        EVENT_BATTERY_LOW,
        EVENT_BATTERY_REPLACED,
    ):
        async_describe_event(DOMAIN, event_type, describe)
