"""Everything blink_care knows about the devices of one account: one record per serial.

Plain Python (no Home Assistant, no I/O), fed one successful poll at a time. A record holds a
device's latest snapshot, its catalog model (looked up once), its latest camera config and when
the next one is due, its battery model, and what must survive a restart (when it was first and
last seen, when its config was fetched, when its low battery was announced). The connectivity
state machine keeps its own per-device records and is owned here too.

`Fleet.observe` turns a poll into the new `FleetState` and says what the glue has to do about
it: the connectivity transitions, the events to fire, and which devices have been absent long
enough to be removed. `Fleet.forget` is the one way a device leaves: the 30-day rule and the
user deleting a device both end there, and a device that rejoins later starts a fresh record.

What finished batteries taught is shared: a battery device with no battery history of its own
predicts from the account's other devices of the same catalog model (`FleetPrior`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from custom_components.blink_care.client.models import (
    AccountSnapshot,
    CameraConfigSnapshot,
    DeviceKind,
    DeviceSnapshot,
    PowerSource,
)

from .battery import (
    BatteryAssessment,
    BatteryModel,
    BatteryObservation,
    BatterySettings,
    FleetPrior,
    LearnedCycle,
    ReplacementSource,
)
from .catalog import ModelEntry, model_for
from .connectivity import DEFAULT_GRACE, ConnectivityTracker, DeviceConnectivity, Transition

# Battery voltage and dBm come from the per-camera config: fetch it this often per camera,
# at most one camera per poll so requests never bunch up.
CAMERA_CONFIG_INTERVAL: Final = timedelta(hours=6)
# After a failed camera config request, wait this long before asking for that camera again.
CONFIG_RETRY_AFTER: Final = timedelta(minutes=30)
# A device absent from the account is removed only after this long (never for an outage:
# absence only counts in polls Blink answered).
STALE_DEVICE_AFTER: Final = timedelta(days=30)


def reports_voltage(device: DeviceSnapshot) -> bool:
    """Only battery cameras on a sync module have a camera config with a battery voltage."""
    return (
        device.kind is DeviceKind.CAMERA
        and device.power_source is PowerSource.BATTERY
        and device.network_id is not None
    )


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

    @property
    def reports_voltage(self) -> bool:
        """Whether the device has a camera config with a battery voltage."""
        return reports_voltage(self.snapshot)


@dataclass(frozen=True, slots=True)
class FleetState:
    """The account after one successful poll."""

    account: AccountSnapshot
    devices: dict[str, DeviceState]
    offline_count: int


class EventKind(StrEnum):
    """What happened to a device that automations are told about."""

    BATTERY_REPLACED = "battery_replaced"
    BATTERY_LOW = "battery_low"
    DEVICE_OFFLINE = "device_offline"
    DEVICE_ONLINE = "device_online"


@dataclass(frozen=True, slots=True)
class FleetEvent:
    """One event to announce: the battery ones carry the assessment, the others the change."""

    kind: EventKind
    device: DeviceState
    battery: BatteryAssessment | None = None
    transition: Transition | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """What one poll changed, for the glue to act on."""

    fleet: FleetState
    transitions: tuple[Transition, ...]
    events: tuple[FleetEvent, ...]
    # Devices absent from the account for STALE_DEVICE_AFTER: remove them (with `forget`).
    stale: tuple[str, ...]


@dataclass(slots=True)
class DeviceRecord:
    """Everything known about one device; the fields up to `battery` survive restarts."""

    first_seen: datetime
    last_present: datetime
    config_fetched_at: datetime | None = None
    # When the low-battery event last fired: once per battery cycle, not once per poll.
    low_announced_at: datetime | None = None
    # The battery engine's stored state, until the model is needed and built from it.
    stored_battery: dict[str, Any] = field(default_factory=dict)
    battery: BatteryModel | None = None
    snapshot: DeviceSnapshot | None = None
    model: ModelEntry | None = None
    model_key: tuple[str | None, str | None, DeviceKind] | None = None
    config: CameraConfigSnapshot | None = None
    config_retry_at: datetime | None = None
    config_wanted_now: bool = False
    # (status, battery state) in the latest poll: a change asks for a fresh camera config.
    last_reported: tuple[str | None, str | None] | None = None

    def catalog_model(self, device: DeviceSnapshot) -> ModelEntry:
        """The catalog entry of the device, looked up again only when Blink renames its kind."""
        key = (device.product_code, device.subtype, device.kind)
        if self.model is None or key != self.model_key:
            self.model = model_for(device.product_code, device.subtype, device.kind)
            self.model_key = key
        return self.model

    def config_due_at(self, device: DeviceSnapshot, now: datetime) -> datetime | None:
        """When this camera's config is due (None: not now, a failed request is cooling down)."""
        if self.config_retry_at is not None and self.config_retry_at > now:
            return None
        reported = (device.status, device.battery_state)
        if self.config_wanted_now or (
            self.last_reported is not None and self.last_reported != reported
        ):
            return now
        fetched_at = self.config_fetched_at
        return now if fetched_at is None else fetched_at + CAMERA_CONFIG_INTERVAL

    def battery_model(self, settings: BatterySettings) -> BatteryModel:
        """The battery model, restored from the stored state the first time it is needed."""
        if self.battery is None:
            self.battery = BatteryModel.from_dict(self.stored_battery, settings)
        return self.battery

    def should_announce_low(self, assessment: BatteryAssessment) -> bool:
        """Once per battery cycle: not announced yet, or only before the last replacement."""
        announced = self.low_announced_at
        if announced is None:
            return True
        replaced = assessment.last_replaced
        return replaced is not None and announced < replaced.at

    def to_json(self) -> dict[str, Any]:
        """What the history file holds about the device (reads only, changes nothing)."""
        return {
            "first_seen": self.first_seen.isoformat(),
            "last_present": self.last_present.isoformat(),
            "battery": self.stored_battery if self.battery is None else self.battery.to_dict(),
            "config_fetched_at": _iso(self.config_fetched_at),
            "low_announced_at": _iso(self.low_announced_at),
        }

    @classmethod
    def from_json(cls, raw: Any, now: datetime) -> DeviceRecord:
        """Read one stored record back, tolerating anything a damaged file may hold."""
        if not isinstance(raw, Mapping):
            return cls(first_seen=now, last_present=now)
        first_seen = _aware(raw.get("first_seen")) or now
        battery = raw.get("battery")
        return cls(
            first_seen=first_seen,
            last_present=_aware(raw.get("last_present")) or first_seen,
            config_fetched_at=_aware(raw.get("config_fetched_at")),
            low_announced_at=_aware(raw.get("low_announced_at")),
            stored_battery=dict(battery) if isinstance(battery, Mapping) else {},
        )


class Fleet:
    """The per-device records of one account and the connectivity state machine."""

    def __init__(
        self,
        settings: BatterySettings | None = None,
        grace: timedelta = DEFAULT_GRACE,
        records: dict[str, DeviceRecord] | None = None,
        connectivity: ConnectivityTracker | None = None,
    ) -> None:
        """Start from restored records (or none)."""
        self.settings = settings or BatterySettings()
        self.records: dict[str, DeviceRecord] = records or {}
        self.connectivity = connectivity or ConnectivityTracker(grace)
        # What the shared learning was last built from (see `_share_learning`).
        self._shared_from: tuple[tuple[str, str | None, int, float | None], ...] | None = None

    @classmethod
    def from_stored(
        cls,
        stored: Mapping[str, Any],
        settings: BatterySettings,
        grace: timedelta,
        now: datetime,
        monotonic: Callable[[], float] | None = None,
    ) -> Fleet:
        """Rebuild from `to_stored` output; unusable parts are dropped, never raised.

        `monotonic` measures the offline grace (see `ConnectivityTracker`).
        """
        devices = stored.get("devices")
        records = {
            str(serial): DeviceRecord.from_json(raw, now)
            for serial, raw in (devices.items() if isinstance(devices, Mapping) else ())
        }
        connectivity = stored.get("connectivity")
        tracker = ConnectivityTracker.from_dict(
            dict(connectivity) if isinstance(connectivity, Mapping) else {}, grace, monotonic
        )
        return cls(settings, grace, records, tracker)

    def to_stored(self) -> dict[str, Any]:
        """Exactly what the history file holds (reads only, changes nothing)."""
        return {
            "devices": {serial: record.to_json() for serial, record in self.records.items()},
            "connectivity": self.connectivity.to_dict(),
        }

    def record(self, serial: str, now: datetime) -> DeviceRecord:
        """The record of a device, created when it is first seen."""
        record = self.records.get(serial)
        if record is None:
            record = self.records[serial] = DeviceRecord(first_seen=now, last_present=now)
        return record

    # -- camera configs ------------------------------------------------------------------------

    def config_due(self, account: AccountSnapshot, now: datetime) -> DeviceSnapshot | None:
        """The camera whose config is most overdue (one per poll), or None."""
        best: tuple[datetime, str] | None = None
        chosen = None
        for device in account.devices:
            if not reports_voltage(device):
                continue
            record = self.records.get(device.serial)
            when = now if record is None else record.config_due_at(device, now)
            if when is None or when > now:
                continue
            if best is None or (when, device.serial) < best:
                best, chosen = (when, device.serial), device
        return chosen

    def config_failed(self, serial: str, retry_at: datetime, now: datetime) -> None:
        """The config request failed: leave this camera alone until `retry_at`."""
        self.record(serial, now).config_retry_at = retry_at

    # -- polls ---------------------------------------------------------------------------------

    def observe(
        self, account: AccountSnapshot, fetched: CameraConfigSnapshot | None, now: datetime
    ) -> Observation:
        """Take in one successful poll (and the camera config fetched with it, if any)."""
        transitions = self.connectivity.observe(account, now)
        devices: dict[str, DeviceState] = {}
        events: list[FleetEvent] = []
        records = [self._take_in(device, fetched, now) for device in account.devices]
        # Before any battery is assessed, so no poll (the first after a restart included)
        # shows a date the account's other cameras would have changed.
        self._share_learning()
        for device, record in zip(account.devices, records, strict=True):
            battery = None
            if device.power_source is PowerSource.BATTERY:
                battery = self._observe_battery(record, device, fetched, now)
            state = DeviceState(
                snapshot=device,
                model=record.catalog_model(device),
                connectivity=self.connectivity.state(device.serial),
                config=record.config,
                battery=battery,
            )
            devices[device.serial] = state
            if battery is not None:
                events.extend(self._battery_events(record, state, battery, now))
        for transition in transitions:
            changed = devices.get(transition.serial)
            if changed is not None and transition.went_offline:
                events.append(FleetEvent(EventKind.DEVICE_OFFLINE, changed, transition=transition))
            elif changed is not None and transition.came_back:
                events.append(FleetEvent(EventKind.DEVICE_ONLINE, changed, transition=transition))
        stale = tuple(
            serial
            for serial, record in self.records.items()
            if serial not in devices and now - record.last_present >= STALE_DEVICE_AFTER
        )
        fleet = FleetState(account, devices, self.connectivity.offline_count())
        return Observation(fleet, tuple(transitions), tuple(events), stale)

    def _take_in(
        self, device: DeviceSnapshot, fetched: CameraConfigSnapshot | None, now: datetime
    ) -> DeviceRecord:
        """Update the device's record from the poll (its battery is assessed afterwards)."""
        record = self.record(device.serial, now)
        record.snapshot = device
        record.last_present = now
        record.catalog_model(device)
        reported = (device.status, device.battery_state)
        if fetched is not None and fetched.serial == device.serial:
            record.config = fetched
            record.config_fetched_at = now
            record.config_retry_at = None
            record.config_wanted_now = False
        elif record.last_reported is not None and record.last_reported != reported:
            # Read the new state's voltage soon instead of up to 6 h later.
            record.config_wanted_now = True
        record.last_reported = reported
        if device.power_source is PowerSource.BATTERY:
            record.battery_model(self.settings)  # restored now: its lessons count at once
        return record

    def _share_learning(self) -> None:
        """Give each battery device without its own learned batteries its model's lessons.

        The prior of such a device is built from the learned batteries of the account's other
        devices of the same catalog model (a device of an unknown model shares with none).
        It is rebuilt only when a device's learned batteries, its model or the devices change:
        most polls compare one small tuple and stop.
        """
        learned: dict[str, tuple[str | None, BatteryModel, tuple[LearnedCycle, ...]]] = {}
        for serial, record in self.records.items():
            if record.battery is None or record.model is None:
                continue
            group = None if record.model.generic else record.model.key
            learned[serial] = (group, record.battery, record.battery.learned_cycles)
        shared_from = tuple(
            (serial, group, len(cycles), cycles[-1].started if cycles else None)
            for serial, (group, _, cycles) in learned.items()
        )
        if shared_from == self._shared_from:
            return
        self._shared_from = shared_from
        priors: dict[str, FleetPrior | None] = {}
        for serial, (group, battery, cycles) in learned.items():
            if cycles or group is None:
                battery.set_fleet_prior(None)  # its own batteries (or nothing) to go by
                continue
            if group not in priors:
                # The device itself has learned nothing, so every other device is every
                # device that has: one prior serves the whole model.
                taught = [
                    others
                    for other, (other_group, _, others) in learned.items()
                    if other != serial and other_group == group and others
                ]
                priors[group] = FleetPrior.from_cycles(taught) if taught else None
            battery.set_fleet_prior(priors[group])

    def _observe_battery(
        self,
        record: DeviceRecord,
        device: DeviceSnapshot,
        fetched: CameraConfigSnapshot | None,
        now: datetime,
    ) -> BatteryAssessment:
        fresh = fetched if fetched is not None and fetched.serial == device.serial else None
        config = record.config
        return record.battery_model(self.settings).observe(
            BatteryObservation(
                at=now,
                voltage=fresh.battery_voltage if fresh else None,
                bars=device.battery_bars,
                blink_state=device.battery_state,
                temperature_f=device.temperature_f,
                external_power=config.ac_power if config else None,
            )
        )

    @staticmethod
    def _battery_events(
        record: DeviceRecord, state: DeviceState, battery: BatteryAssessment, now: datetime
    ) -> list[FleetEvent]:
        events = []
        if battery.replacement_detected and battery.last_replaced is not None:
            events.append(FleetEvent(EventKind.BATTERY_REPLACED, state, battery=battery))
        if battery.low and record.should_announce_low(battery):
            record.low_announced_at = now
            events.append(FleetEvent(EventKind.BATTERY_LOW, state, battery=battery))
        return events

    def poll_failed(self, now: datetime) -> None:
        """A poll without device data: the devices read unknown, nothing counts as absence."""
        self.connectivity.cloud_unavailable(now)

    def wants_quick_poll(self) -> bool:
        """Whether the next poll should come sooner to confirm a change."""
        return self.connectivity.wants_quick_poll()

    def record_replacement(
        self, serial: str, now: datetime, current: FleetState | None
    ) -> tuple[BatteryAssessment, FleetState | None]:
        """The user replaced the batteries: the new assessment, and the state showing it.

        The state is None when the device is not in `current` (nothing to show it on).
        """
        record = self.record(serial, now)
        assessment = record.battery_model(self.settings).record_replacement(
            now, ReplacementSource.MANUAL
        )
        # Read the new cells' voltage at the next poll instead of up to 6 h later.
        record.config_wanted_now = True
        if current is None or serial not in current.devices:
            return assessment, None
        devices = dict(current.devices)
        devices[serial] = replace(current.devices[serial], battery=assessment)
        return assessment, FleetState(current.account, devices, current.offline_count)

    def forget(self, serial: str) -> None:
        """The device is removed: drop everything about it, so it starts afresh if it returns."""
        self.records.pop(serial, None)
        self.connectivity.forget(serial)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _aware(value: Any) -> datetime | None:
    """A stored ISO 8601 time with its time zone, or None (naive or unreadable)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
