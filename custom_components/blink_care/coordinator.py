"""Home Assistant's side of polling one Blink account.

Per poll: one homescreen request, and at most one camera config request (the camera the fleet
model says is most overdue). The fleet model (`engine.fleet`) decides everything about the
devices; this module fetches, backs off, and carries its decisions into Home Assistant: the
device registry, events, repair issues and the stored history.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .client.api import BlinkCloudClient
from .client.errors import (
    AuthFailedError,
    BlinkCareError,
    HardwareIdRejectedError,
    RateLimitedError,
    TwoFactorRequiredError,
)
from .client.models import AccountSnapshot, CameraConfigSnapshot
from .const import (
    ACCOUNT_DEVICE_PREFIX,
    CONF_LOW_THRESHOLD,
    CONF_OFFLINE_GRACE_MINUTES,
    CONF_REPLACEMENT_JUMP,
    CONF_SCAN_INTERVAL,
    CONF_WARNING_LEAD_DAYS,
    DOMAIN,
    LOGGER,
    MAX_BACKOFF,
    MIN_SCAN_INTERVAL_S,
    OPTION_DEFAULTS,
)
from .data import BlinkCareConfigEntry
from .devices import DeviceRegistrySync
from .engine.battery import BatterySettings
from .engine.connectivity import system_monotonic
from .engine.fleet import CONFIG_RETRY_AFTER, EventKind, Fleet, FleetEvent, FleetState
from .events import EventBus
from .issues import IssueManager
from .store import HistoryStore


class BlinkCareCoordinator(DataUpdateCoordinator[FleetState]):
    """Polls one Blink account and carries the fleet model's decisions into Home Assistant."""

    config_entry: BlinkCareConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BlinkCareConfigEntry,
        client: BlinkCloudClient,
        history: HistoryStore,
    ) -> None:
        """Rebuild the fleet model from the stored history."""
        options = {**OPTION_DEFAULTS, **entry.options}
        self.base_interval = timedelta(seconds=int(options[CONF_SCAN_INTERVAL]))
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=DOMAIN,
            update_interval=self.base_interval,
        )
        self.client = client
        self.history = history
        self.events = EventBus(hass)
        self.issues = IssueManager(hass, entry)
        self.fleet = Fleet.from_stored(
            history.loaded,
            BatterySettings(
                low_threshold_pct=float(options[CONF_LOW_THRESHOLD]),
                warning_lead_days=float(options[CONF_WARNING_LEAD_DAYS]),
                replacement_jump_pct=float(options[CONF_REPLACEMENT_JUMP]),
            ),
            timedelta(minutes=int(options[CONF_OFFLINE_GRACE_MINUTES])),
            dt_util.utcnow(),
            system_monotonic,
        )
        history.set_source(self.fleet.to_stored)
        # Whether Blink answered the last poll (a refused sign-in is an answer too).
        self.blink_answered = True
        self.backoff_level = 0
        self.account_id: str | None = client.account_id
        self.registry = DeviceRegistrySync(hass, entry.entry_id)
        self._removal_listeners: list[Callable[[str], None]] = []
        self._logged_skips: set[str] = set()
        # Serials with a power cycle under way (one at a time per device).
        self.power_cycles_running: set[str] = set()

    # -- polling -----------------------------------------------------------------------------

    async def _async_update_data(self) -> FleetState:
        # Whole seconds: stored times then read back exactly as the sensors showed them.
        now = dt_util.utcnow().replace(microsecond=0)
        try:
            account = await self.client.async_fetch_account(now)
        except (AuthFailedError, TwoFactorRequiredError) as err:
            # Blink answered; the devices are unknown until reauth.
            self._poll_failed(now, blink_answered=True)
            raise _auth_failed(err) from err
        except RateLimitedError as err:
            self._poll_failed(now)
            delay = self._back_off(err.retry_after)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": str(round(delay))},
                retry_after=delay,
            ) from err
        except BlinkCareError as err:
            self._poll_failed(now)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cloud_unreachable",
                translation_placeholders={"error": str(err)},
            ) from err
        self.blink_answered = True
        self.backoff_level = 0
        self.account_id = account.account_id or self.account_id
        self._log_skips(account)

        fetched = await self._fetch_camera_config(account, now)
        observation = self.fleet.observe(account, fetched, now)
        self.registry.sync(observation.fleet)
        for event in observation.events:
            self._announce(event)
        self.issues.async_update(observation.fleet)
        for serial in observation.stale:
            self.remove_device(serial, why="gone from the Blink account for 30 days")
        self.history.schedule_save()
        self.update_interval = self._next_interval()
        return observation.fleet

    def _poll_failed(self, now: datetime, *, blink_answered: bool = False) -> None:
        """A failed poll: the fleet model must not read it as devices going offline."""
        self.blink_answered = blink_answered
        self.fleet.poll_failed(now)
        self.history.schedule_save()

    def _back_off(self, retry_after: float | None) -> float:
        """Seconds to the next poll: doubling from the poll interval, capped, never below a hint."""
        self.backoff_level += 1
        doubled = self.base_interval.total_seconds() * 2**self.backoff_level
        delay = min(doubled, MAX_BACKOFF.total_seconds())
        return float(max(delay, retry_after or 0.0))

    def _next_interval(self) -> timedelta:
        """Poll sooner while something is offline or just changed, never below 60 s."""
        if self.fleet.wants_quick_poll():
            return min(self.base_interval, timedelta(seconds=MIN_SCAN_INTERVAL_S))
        return self.base_interval

    @callback
    def _schedule_refresh(self) -> None:
        """No new poll once Home Assistant is stopping.

        A poll cut short by the stop would otherwise leave a timer behind on 2026.8.
        """
        if self.hass.is_stopping:
            return
        super()._schedule_refresh()

    @property
    def in_backoff(self) -> bool:
        """True while Blink asked us to slow down: nothing may poll early then."""
        return self.backoff_level > 0

    async def async_poll_soon(self) -> None:
        """Ask for an early poll (e.g. waiting for a power-cycled device), unless backing off."""
        if not self.in_backoff:
            await self.async_request_refresh()

    async def _fetch_camera_config(
        self, account: AccountSnapshot, now: datetime
    ) -> CameraConfigSnapshot | None:
        """Fetch the config of the camera the fleet model says is most overdue, if any."""
        camera = self.fleet.config_due(account, now)
        if camera is None:
            return None
        try:
            return await self.client.async_fetch_camera_config(camera, now)
        except (AuthFailedError, TwoFactorRequiredError) as err:
            raise _auth_failed(err) from err
        except RateLimitedError:
            self.fleet.config_failed(camera.serial, now + MAX_BACKOFF, now)
        except BlinkCareError as err:
            LOGGER.debug("Camera config of %s not available this time: %s", camera.name, err)
            self.fleet.config_failed(camera.serial, now + CONFIG_RETRY_AFTER, now)
        return None

    # -- the user's actions --------------------------------------------------------------------

    async def async_record_replacement(self, serial: str) -> None:
        """The user replaced the batteries of a device (button, action or repair)."""
        now = dt_util.utcnow().replace(microsecond=0)
        assessment, fleet = self.fleet.record_replacement(serial, now, self.data)
        self.history.schedule_save()
        if fleet is not None:
            device = fleet.devices[serial]
            self._announce(FleetEvent(EventKind.BATTERY_REPLACED, device, battery=assessment))
            self.async_set_updated_data(fleet)

    def _announce(self, event: FleetEvent) -> None:
        self.events.announce(event, self.registry.ids.get(event.device.serial))

    # -- devices --------------------------------------------------------------------------------

    @property
    def account_identifier(self) -> str:
        """Identifier of the account's own device."""
        return f"{ACCOUNT_DEVICE_PREFIX}{self.account_id or self.config_entry.entry_id}"

    def remove_device(self, serial: str, *, why: str | None = None) -> None:
        """Forget a device everywhere: registry, fleet model, issues, entity platforms.

        The one removal path: the 30-day rule and the user deleting the device both come here,
        so a device that rejoins the account later is added again like a new one.
        """
        self.registry.remove(serial, why)
        self.fleet.forget(serial)
        self.issues.async_remove_device(serial)
        self.history.schedule_save()
        for listener in list(self._removal_listeners):
            listener(serial)

    @callback
    def async_add_removal_listener(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Be told when a device is removed (entity platforms forget it, to add it again later)."""
        self._removal_listeners.append(listener)
        return lambda: self._removal_listeners.remove(listener)

    def _log_skips(self, account: AccountSnapshot) -> None:
        """Log each kind of unusable entry once, not every poll."""
        for reason in account.skipped:
            if reason not in self._logged_skips:
                self._logged_skips.add(reason)
                LOGGER.warning("Skipped part of Blink's answer: %s", reason)


def _auth_failed(err: BlinkCareError) -> ConfigEntryAuthFailed:
    """The reauth trigger, with a message that says why."""
    key = "hardware_id_rejected" if isinstance(err, HardwareIdRejectedError) else "auth_failed"
    return ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key=key)
