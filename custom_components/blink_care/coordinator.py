"""One poll of the Blink account, fed through the health engines into Home Assistant.

Per poll: one homescreen request, and at most one camera config request (battery voltage and
dBm, each battery camera every 6 h, sooner after its status or battery state changed). The
engines turn snapshots into battery assessments and connectivity states; this module keeps the
device registry, the stored history and the events in step with them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import device_registry as dr
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
from .client.models import (
    AccountSnapshot,
    CameraConfigSnapshot,
    DeviceKind,
    DeviceSnapshot,
    PowerSource,
)
from .const import (
    ACCOUNT_DEVICE_PREFIX,
    CAMERA_CONFIG_INTERVAL,
    CONF_LOW_THRESHOLD,
    CONF_OFFLINE_GRACE_MINUTES,
    CONF_REPLACEMENT_JUMP,
    CONF_SCAN_INTERVAL,
    CONF_WARNING_LEAD_DAYS,
    DEFAULT_LOW_THRESHOLD,
    DEFAULT_OFFLINE_GRACE_MINUTES,
    DEFAULT_REPLACEMENT_JUMP,
    DEFAULT_SCAN_INTERVAL_S,
    DEFAULT_WARNING_LEAD_DAYS,
    DOMAIN,
    LOGGER,
    MANUFACTURER,
    MAX_BACKOFF,
    MIN_SCAN_INTERVAL_S,
    STALE_DEVICE_AFTER,
)
from .data import BlinkCareConfigEntry
from .engine.battery import (
    BatteryAssessment,
    BatteryModel,
    BatteryObservation,
    BatterySettings,
    ReplacementSource,
)
from .engine.catalog import ModelEntry, model_for
from .engine.connectivity import ConnectivityTracker, DeviceConnectivity, Transition
from .events import EventBus
from .issues import IssueManager
from .store import HistoryStore

# After a failed camera config request, wait this long before asking for that camera again.
CONFIG_RETRY_AFTER = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class DeviceState:
    """Everything the entities of one device show, from one poll."""

    snapshot: DeviceSnapshot
    model: ModelEntry
    connectivity: DeviceConnectivity
    config: CameraConfigSnapshot | None = None
    battery: BatteryAssessment | None = None

    @property
    def serial(self) -> str:
        """The device's serial number, its identity everywhere."""
        return self.snapshot.serial


@dataclass(frozen=True, slots=True)
class FleetState:
    """The account after one successful poll."""

    account: AccountSnapshot
    devices: dict[str, DeviceState]
    offline_count: int


def battery_settings(options: dict[str, Any]) -> BatterySettings:
    """The battery engine's settings from the entry's options."""
    return BatterySettings(
        low_threshold_pct=float(options.get(CONF_LOW_THRESHOLD, DEFAULT_LOW_THRESHOLD)),
        warning_lead_days=float(options.get(CONF_WARNING_LEAD_DAYS, DEFAULT_WARNING_LEAD_DAYS)),
        replacement_jump_pct=float(options.get(CONF_REPLACEMENT_JUMP, DEFAULT_REPLACEMENT_JUMP)),
    )


class BlinkCareCoordinator(DataUpdateCoordinator[FleetState]):
    """Polls one Blink account and keeps its health state."""

    config_entry: BlinkCareConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BlinkCareConfigEntry,
        client: BlinkCloudClient,
        history: HistoryStore,
    ) -> None:
        """Set up the engines from the stored history."""
        self.base_interval = timedelta(
            seconds=int(entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL_S))
        )
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
        grace = timedelta(
            minutes=int(
                entry.options.get(CONF_OFFLINE_GRACE_MINUTES, DEFAULT_OFFLINE_GRACE_MINUTES)
            )
        )
        self.connectivity = ConnectivityTracker.from_dict(history.connectivity, grace)
        history.set_sources(self._battery_state, self.connectivity.to_dict)
        self.battery_settings = battery_settings(dict(entry.options))
        self._battery_models: dict[str, BatteryModel] = {}
        self.cloud_reachable = True
        self.backoff_level = 0
        self.account_id: str | None = client.account_id
        # Device registry ids by serial, and what was last written there (to skip no-op writes).
        self.device_ids: dict[str, str] = {}
        self._registered: dict[str, tuple[Any, ...]] = {}
        self._config_retry_at: dict[str, datetime] = {}
        self._config_wanted_now: set[str] = set()
        self._latest_configs: dict[str, CameraConfigSnapshot] = {}
        self._last_reported: dict[str, tuple[str | None, str | None]] = {}
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
            # Blink answered, so the cloud is reachable; the devices are unknown until reauth.
            self._cloud_lost(now, reachable=True)
            raise _auth_failed(err) from err
        except RateLimitedError as err:
            self._cloud_lost(now)
            delay = self._back_off(err.retry_after)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"seconds": str(round(delay))},
                retry_after=delay,
            ) from err
        except BlinkCareError as err:
            self._cloud_lost(now)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="cloud_unreachable",
                translation_placeholders={"error": str(err)},
            ) from err
        self.cloud_reachable = True
        self.backoff_level = 0
        self.account_id = account.account_id or self.account_id
        self._log_skips(account)

        fetched = await self._fetch_one_camera_config(account, now)
        self._sync_device_registry(account)
        transitions = self.connectivity.observe(account, now)
        fleet = self._assess(account, fetched, now)
        self._fire_connectivity_events(transitions, fleet)
        self.issues.async_update(fleet)
        self._remember(account, now)
        self.update_interval = self._next_interval()
        return fleet

    def _cloud_lost(self, now: datetime, *, reachable: bool = False) -> None:
        """A failed poll: the engines must not read it as devices going offline."""
        self.cloud_reachable = reachable
        self.connectivity.cloud_unavailable(now)
        self.history.schedule_save()

    def _back_off(self, retry_after: float | None) -> float:
        """Seconds to the next poll: doubling from the poll interval, capped, never below a hint."""
        self.backoff_level += 1
        doubled = self.base_interval.total_seconds() * 2**self.backoff_level
        delay = min(doubled, MAX_BACKOFF.total_seconds())
        return float(max(delay, retry_after or 0.0))

    def _next_interval(self) -> timedelta:
        """Poll sooner while something is offline or just changed, never below 60 s."""
        if self.connectivity.wants_quick_poll():
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

    # -- camera config --------------------------------------------------------------------------

    def _config_due(self, camera: DeviceSnapshot, now: datetime) -> datetime | None:
        """When this camera's config is due (None: not a camera we fetch config for)."""
        if camera.kind is not DeviceKind.CAMERA or camera.power_source is not PowerSource.BATTERY:
            return None
        if camera.network_id is None:
            return None
        retry_at = self._config_retry_at.get(camera.serial)
        if retry_at is not None and retry_at > now:
            return None
        if camera.serial in self._config_wanted_now:
            return now
        record = self.history.devices.get(camera.serial)
        fetched_at = record.config_fetched_at if record else None
        return now if fetched_at is None else fetched_at + CAMERA_CONFIG_INTERVAL

    async def _fetch_one_camera_config(
        self, account: AccountSnapshot, now: datetime
    ) -> CameraConfigSnapshot | None:
        """Fetch the most overdue camera's config; one per poll so requests never bunch up."""
        for device in account.devices:
            previous = self._last_reported.get(device.serial)
            reported = (device.status, device.battery_state)
            if previous is not None and previous != reported:
                self._config_wanted_now.add(device.serial)
        due = [
            (when, device.serial, device)
            for device in account.devices
            if (when := self._config_due(device, now)) is not None and when <= now
        ]
        if not due:
            return None
        _, serial, camera = min(due, key=lambda item: (item[0], item[1]))
        try:
            config = await self.client.async_fetch_camera_config(camera, now)
        except (AuthFailedError, TwoFactorRequiredError) as err:
            raise _auth_failed(err) from err
        except RateLimitedError:
            self._config_retry_at[serial] = now + MAX_BACKOFF
            return None
        except BlinkCareError as err:
            LOGGER.debug("Camera config of %s not available this time: %s", camera.name, err)
            self._config_retry_at[serial] = now + CONFIG_RETRY_AFTER
            return None
        self._config_wanted_now.discard(serial)
        self._config_retry_at.pop(serial, None)
        self.history.device(serial, now).config_fetched_at = now
        self._latest_configs[serial] = config
        return config

    # -- health ---------------------------------------------------------------------------------

    def _battery_state(self, serial: str) -> dict[str, Any] | None:
        """A device's battery history for the Store (None: not loaded, keep what is stored)."""
        model = self._battery_models.get(serial)
        return None if model is None else model.to_dict()

    def battery_model(self, serial: str, now: datetime) -> BatteryModel:
        """The battery model of a device, restored from history the first time it is needed."""
        model = self._battery_models.get(serial)
        if model is None:
            stored = self.history.device(serial, now).battery
            model = BatteryModel.from_dict(stored, self.battery_settings)
            self._battery_models[serial] = model
        return model

    def _assess(
        self, account: AccountSnapshot, fetched: CameraConfigSnapshot | None, now: datetime
    ) -> FleetState:
        devices: dict[str, DeviceState] = {}
        for device in account.devices:
            config = self._latest_configs.get(device.serial)
            assessment = None
            if device.power_source is PowerSource.BATTERY:
                assessment = self._observe_battery(device, config, fetched, now)
            devices[device.serial] = DeviceState(
                snapshot=device,
                model=_model_of(device),
                connectivity=self.connectivity.state(device.serial),
                config=config,
                battery=assessment,
            )
        return FleetState(
            account=account, devices=devices, offline_count=self.connectivity.offline_count()
        )

    def _observe_battery(
        self,
        device: DeviceSnapshot,
        config: CameraConfigSnapshot | None,
        fetched: CameraConfigSnapshot | None,
        now: datetime,
    ) -> BatteryAssessment:
        model = self.battery_model(device.serial, now)
        fresh = fetched if fetched is not None and fetched.serial == device.serial else None
        assessment = model.observe(
            BatteryObservation(
                at=now,
                voltage=fresh.battery_voltage if fresh else None,
                bars=device.battery_bars,
                blink_state=device.battery_state,
                temperature_f=device.temperature_f,
                external_power=config.ac_power if config else None,
            )
        )
        record = self.history.device(device.serial, now)
        if assessment.replacement_detected and assessment.last_replaced is not None:
            self.events.battery_replaced(self._describe(device), assessment)
        if assessment.low and self.events.should_announce_low(record, assessment):
            record.low_announced_at = now
            self.events.battery_low(self._describe(device), assessment)
        return assessment

    async def async_record_replacement(self, serial: str) -> None:
        """The user replaced the batteries of a device (button or action)."""
        now = dt_util.utcnow().replace(microsecond=0)
        model = self.battery_model(serial, now)
        assessment = model.record_replacement(now, ReplacementSource.MANUAL)
        # Read the new cells' voltage at the next poll instead of up to 6 h later.
        self._config_wanted_now.add(serial)
        self.history.schedule_save()
        if self.data is not None and serial in self.data.devices:
            state = self.data.devices[serial]
            self.events.battery_replaced(self._describe(state.snapshot), assessment)
            devices = dict(self.data.devices)
            devices[serial] = DeviceState(
                snapshot=state.snapshot,
                model=state.model,
                connectivity=state.connectivity,
                config=state.config,
                battery=assessment,
            )
            self.async_set_updated_data(
                FleetState(self.data.account, devices, self.data.offline_count)
            )

    def _fire_connectivity_events(self, transitions: list[Transition], fleet: FleetState) -> None:
        for transition in transitions:
            state = fleet.devices.get(transition.serial)
            if state is None:
                continue
            if transition.went_offline:
                self.events.device_offline(self._describe(state.snapshot), transition)
            elif transition.came_back:
                self.events.device_online(self._describe(state.snapshot), transition)

    def _describe(self, device: DeviceSnapshot) -> dict[str, Any]:
        """The fields every blink_care event carries about its device."""
        return {
            "device_id": self.device_ids.get(device.serial),
            "serial": device.serial,
            "name": device.name,
            "model": _model_of(device).name,
        }

    # -- devices --------------------------------------------------------------------------------

    @property
    def account_identifier(self) -> str:
        """Identifier of the account's own device."""
        return f"{ACCOUNT_DEVICE_PREFIX}{self.account_id or self.config_entry.entry_id}"

    def _sync_device_registry(self, account: AccountSnapshot) -> None:
        """One Home Assistant device per Blink device; sync modules first, so cameras can link."""
        registry = dr.async_get(self.hass)
        ordered = sorted(account.devices, key=lambda d: d.kind is not DeviceKind.SYNC_MODULE)
        for device in ordered:
            model = _model_of(device)
            via = self.device_ids.get(device.sync_module_serial or "")
            wanted = (device.name, model.name, device.firmware, via)
            if self._registered.get(device.serial) == wanted:
                continue
            entry = registry.async_get_or_create(
                config_entry_id=self.config_entry.entry_id,
                identifiers={(DOMAIN, device.serial)},
                manufacturer=MANUFACTURER,
                model=model.name,
                model_id=device.product_code,
                name=device.name,
                serial_number=device.serial,
                sw_version=device.firmware,
                via_device_id=via,
            )
            self.device_ids[device.serial] = entry.id
            self._registered[device.serial] = wanted

    def _remember(self, account: AccountSnapshot, now: datetime) -> None:
        """Record who was present; remove devices absent for 30 days (never for an outage)."""
        present = {device.serial for device in account.devices}
        for device in account.devices:
            self.history.device(device.serial, now).last_present = now
            self._last_reported[device.serial] = (device.status, device.battery_state)
        for serial, record in list(self.history.devices.items()):
            if serial not in present and now - record.last_present >= STALE_DEVICE_AFTER:
                self.remove_device(serial)
        self.history.schedule_save()

    def remove_device(self, serial: str) -> None:
        """Forget a device everywhere: registry, engines, history, entity platforms."""
        registry = dr.async_get(self.hass)
        device = registry.async_get_device_by_identifier(
            (DOMAIN, serial), self.config_entry.entry_id
        )
        if device is not None:
            # The name, not the serial: serials stay out of logs users paste into issues.
            LOGGER.info("Removing %s: gone from the Blink account for 30 days", device.name)
            registry.async_remove_device(device.id)
        self.device_ids.pop(serial, None)
        self._registered.pop(serial, None)
        self._battery_models.pop(serial, None)
        self._latest_configs.pop(serial, None)
        self._last_reported.pop(serial, None)
        self.connectivity.forget(serial)
        self.history.forget(serial)
        self.issues.async_remove_device(serial)
        for listener in self._removal_listeners:
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


def _model_of(device: DeviceSnapshot) -> ModelEntry:
    """The catalog entry of a device (a generic one for codes the catalog does not know)."""
    return model_for(device.product_code, device.subtype, device.kind)


def _auth_failed(err: BlinkCareError) -> ConfigEntryAuthFailed:
    """The reauth trigger, with a message that says why."""
    key = "hardware_id_rejected" if isinstance(err, HardwareIdRejectedError) else "auth_failed"
    return ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key=key)
