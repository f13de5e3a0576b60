"""Power-cycle a mains-powered Blink device through the smart plug it is plugged into.

Off for the model's off time, back on, then wait (polling sooner) until Blink reports the device
online, or give up after five minutes. The plug is always switched back on: after a failure,
a cancelled action, or when Home Assistant stops while the plug is off.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from homeassistant.const import (
    ATTR_ENTITY_ID,
    EVENT_HOMEASSISTANT_STOP,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType

from .client.models import PowerSource
from .const import CONF_POWER_PLUGS, DOMAIN
from .coordinator import BlinkCareCoordinator
from .engine.catalog import DEFAULT_OFF_SECONDS, ProcedureName
from .engine.connectivity import reported_online
from .engine.fleet import DeviceState

ONLINE_TIMEOUT = timedelta(minutes=5)
# While waiting for the device, poll every minute instead of every two (never faster).
WAIT_POLL_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class PowerCycleResult:
    """What the action returns."""

    back_online: bool
    seconds_until_online: float | None
    switch_entity_id: str

    def as_response(self) -> dict[str, JsonValueType]:
        """The action's response dictionary."""
        return {
            "result": "back_online" if self.back_online else "still_offline",
            "seconds_until_online": self.seconds_until_online,
            "switch_entity_id": self.switch_entity_id,
        }


def power_cycle_plan(
    coordinator: BlinkCareCoordinator,
    state: DeviceState,
    switch_entity_id: str | None = None,
    off_seconds: float | None = None,
) -> tuple[str, float]:
    """The plug and off time for a power cycle, or the reason it cannot be done.

    The one precondition check: the action and the offline guide's button both call it. Only a
    mains device can be cycled (the manual procedure is named for a battery one), through the
    plug given or the one mapped in the options, for the time given or the model's own.
    """
    if state.snapshot.power_source is not PowerSource.MAINS:
        manual = next(
            (
                state.model.procedures[name].title
                for name in (ProcedureName.SOFT_RESET, ProcedureName.BATTERY_CHANGE)
                if name in state.model.procedures
            ),
            ProcedureName.SOFT_RESET.value,
        )
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="power_cycle_battery_device",
            translation_placeholders={
                "device": state.snapshot.name,
                "model": state.model.name,
                "procedure": manual,
            },
        )
    plugs: dict[str, str] = coordinator.config_entry.options.get(CONF_POWER_PLUGS, {})
    switch = switch_entity_id or plugs.get(state.serial)
    if not switch:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_power_plug",
            translation_placeholders={"device": state.snapshot.name},
        )
    model_cycle = state.model.procedures.get(ProcedureName.POWER_CYCLE)
    return switch, off_seconds or (
        model_cycle.off_seconds if model_cycle and model_cycle.off_seconds else DEFAULT_OFF_SECONDS
    )


def check_switch(hass: HomeAssistant, switch_entity_id: str) -> None:
    """Refuse a switch that does not exist or cannot be controlled right now."""
    state = hass.states.get(switch_entity_id)
    if (
        not switch_entity_id.startswith(f"{Platform.SWITCH}.")
        or state is None
        or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN)
    ):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="switch_unavailable",
            translation_placeholders={"switch": switch_entity_id},
        )


async def _sleep(hass: HomeAssistant, seconds: float) -> None:
    """Wait on Home Assistant's clock (so it follows time in tests and survives suspend)."""
    done = hass.loop.create_future()

    @callback
    def wake(_now: datetime) -> None:
        if not done.done():
            done.set_result(None)

    cancel = async_call_later(hass, seconds, wake)
    try:
        await done
    finally:
        cancel()


async def _switch(hass: HomeAssistant, service: str, switch_entity_id: str) -> None:
    await hass.services.async_call(
        Platform.SWITCH, service, {ATTR_ENTITY_ID: switch_entity_id}, blocking=True
    )


async def async_power_cycle(
    hass: HomeAssistant,
    coordinator: BlinkCareCoordinator,
    serial: str,
    switch_entity_id: str,
    off_seconds: float,
) -> PowerCycleResult:
    """Cut and restore power, then wait for Blink to see the device again."""
    if serial in coordinator.power_cycles_running:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="power_cycle_running",
            translation_placeholders={"switch": switch_entity_id},
        )
    check_switch(hass, switch_entity_id)
    coordinator.power_cycles_running.add(serial)
    try:
        await _cut_power(hass, switch_entity_id, off_seconds)
        powered_at = dt_util.utcnow()
        online_at = await _wait_until_online(hass, coordinator, serial, powered_at)
    finally:
        coordinator.power_cycles_running.discard(serial)
    seconds = None if online_at is None else round((online_at - powered_at).total_seconds(), 1)
    return PowerCycleResult(online_at is not None, seconds, switch_entity_id)


async def _cut_power(hass: HomeAssistant, switch_entity_id: str, off_seconds: float) -> None:
    """Switch off, wait, switch on: the 'on' happens whatever interrupts the wait."""
    restored = stopping = False

    async def restore() -> None:
        nonlocal restored
        if not restored:
            restored = True
            await _switch(hass, SERVICE_TURN_ON, switch_entity_id)

    @callback
    def restore_on_stop(_event: Event) -> None:
        nonlocal stopping
        stopping = True
        hass.async_create_task(restore(), eager_start=True)

    unsubscribe_stop = hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, restore_on_stop)
    try:
        await _switch(hass, SERVICE_TURN_OFF, switch_entity_id)
        await _sleep(hass, off_seconds)
    finally:
        if not stopping:
            unsubscribe_stop()
        await asyncio.shield(restore())


async def _wait_until_online(
    hass: HomeAssistant, coordinator: BlinkCareCoordinator, serial: str, powered_at: datetime
) -> datetime | None:
    """The time of the first poll after power-on that reports the device online, or None."""
    result: asyncio.Future[datetime | None] = hass.loop.create_future()

    @callback
    def check() -> None:
        data = coordinator.data
        if result.done() or data is None or not coordinator.last_update_success:
            return
        state = data.devices.get(serial)
        # The raw report, not the debounced state: inside the grace period the state machine
        # may still say "online" for a device Blink already reports offline.
        if (
            state is not None
            and data.account.taken_at >= powered_at
            and reported_online(state.snapshot.status)
        ):
            result.set_result(data.account.taken_at)

    @callback
    def poll(_now: datetime) -> None:
        hass.async_create_task(coordinator.async_poll_soon(), eager_start=True)

    @callback
    def give_up(_now: datetime) -> None:
        if not result.done():
            result.set_result(None)

    unsubscribers = [
        coordinator.async_add_listener(check),
        async_track_time_interval(hass, poll, WAIT_POLL_INTERVAL),
        async_call_later(hass, ONLINE_TIMEOUT, give_up),
    ]
    try:
        return await result
    finally:
        for unsubscribe in unsubscribers:
            unsubscribe()
