"""Connectivity state machine: is each Blink device online, and since when is it not.

Plain Python fed by successive homescreen snapshots. It exists because the raw `status`
field gives false alarms when read naively:

* a single "offline" report is often a blip, so a device becomes OFFLINE only after it has
  been reported offline continuously for a grace period (default 10 minutes, 0 = at once),
  and comes back as soon as one poll reports it online again;
* a sync module outage makes every camera behind it look offline, so those cameras are
  BEHIND_OFFLINE_SYNC_MODULE instead and only the sync module is OFFLINE (one alarm, not N);
* Home Assistant losing the cloud (network down, rate limited) says nothing about the
  devices, so every device reads UNKNOWN until the cloud answers again, and nothing that
  happened before the outage is announced twice.

Rules, in the order they are applied at each successful poll:

1. Raw status `online` and `done` (what idle sync-module cameras report) mean online,
   `offline` means offline; any other or missing value is no evidence either way.
2. Grace is measured between consecutive successful polls that both reported the device
   offline, on a monotonic clock when one is given: a jump of the wall clock (NTP setting
   the time on a board without a real-time clock) is not time spent offline. Timestamps
   users see (`offline_since`, `last_seen`) stay on the wall clock. A failed poll, a poll
   without the device, or a poll with an unusable status pauses the timer (it never
   advances on missing data) without resetting it.
   `offline_since` is the first poll that reported the device offline in that run.
3. A camera hears the cloud only through its sync module, so while that sync module is
   reported offline (inside its grace period or past it) the camera's own reports are
   stale and ignored, and any offline run it had in progress is dropped. Once the sync
   module is reported online again, the camera's grace starts afresh from the first
   offline report *after* that return: a camera that reconnects within the grace period
   never gets a false offline during or right after a sync module outage.
4. A camera is BEHIND_OFFLINE_SYNC_MODULE while its sync module is OFFLINE, unless the camera
   itself was already OFFLINE before: its own outage was announced first and stays as is.

Transitions describe changes in the devices themselves. The cloud being unreachable is not
one: it produces no transition, neither when it starts nor when it ends (the glue learns of
it from `have_device_data` and `state()`). A device's first sighting is a transition from
UNKNOWN. Only two kinds are "event" transitions: `Transition.went_offline` (entering
OFFLINE) and `Transition.came_back` (OFFLINE to ONLINE). OFFLINE is only ever left for
ONLINE, so every offline event is followed by at most one online event, and a device is
never announced offline twice for the same outage.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
import math
import time
from typing import Any, Final

from custom_components.blink_care.client.models import AccountSnapshot, DeviceSnapshot

# The offline grace period's default (the options flow offers it, in minutes).
DEFAULT_GRACE_MINUTES: Final = 10
DEFAULT_GRACE: Final = timedelta(minutes=DEFAULT_GRACE_MINUTES)
# Polls land a little late (event loop delays): ten 60 s gaps may add up to 599.99 s. Without
# this slack a few milliseconds would cost a whole extra poll before reporting offline.
_GRACE_SLACK_S = 2.0
_STORAGE_VERSION = 1
_ONLINE_STATUSES = frozenset({"online", "done"})
_OFFLINE_STATUS = "offline"


def system_monotonic() -> float:
    """The system's monotonic clock, looked up at each call (test clocks replace `time`)."""
    return time.monotonic()


def reported_online(status: str | None) -> bool | None:
    """What a raw Blink status says, before any grace period: True, False, or None (unclear)."""
    normalised = (status or "").strip().lower()
    if normalised in _ONLINE_STATUSES:
        return True
    if normalised == _OFFLINE_STATUS:
        return False
    return None


class Connectivity(StrEnum):
    """What the integration believes about a device's link to the Blink cloud."""

    ONLINE = "online"
    OFFLINE = "offline"
    BEHIND_OFFLINE_SYNC_MODULE = "behind_offline_sync_module"
    UNKNOWN = "unknown"


class OfflineReason(StrEnum):
    """Why a device is unreachable: itself, or the sync module it reports through."""

    DEVICE_OFFLINE = "device_offline"
    SYNC_MODULE_OFFLINE = "sync_module_offline"


@dataclass(frozen=True, slots=True)
class DeviceConnectivity:
    """A device's connectivity as the entities show it.

    `reason` and `offline_since` describe the current state, so they are set only in
    OFFLINE and BEHIND_OFFLINE_SYNC_MODULE (for the latter, `offline_since` is the sync
    module's). `last_seen`, `back_online_at` and `last_outage_seconds` are history and
    stay known while the state is UNKNOWN.
    """

    state: Connectivity
    reason: OfflineReason | None
    offline_since: datetime | None
    last_seen: datetime | None
    back_online_at: datetime | None
    last_outage_seconds: float | None


@dataclass(frozen=True, slots=True)
class Transition:
    """One device changing state at one poll.

    `reason` and `offline_since` say why and since when the device is unreachable when it
    becomes so, and why and since when it had been when it returns to ONLINE; then
    `downtime_seconds` is the return time minus `offline_since` (None if that is unknown).
    """

    serial: str
    old: Connectivity
    new: Connectivity
    at: datetime
    reason: OfflineReason | None
    offline_since: datetime | None
    downtime_seconds: float | None

    @property
    def went_offline(self) -> bool:
        """Whether this is the one transition that announces a device going offline."""
        return self.new is Connectivity.OFFLINE and self.old is not Connectivity.OFFLINE

    @property
    def came_back(self) -> bool:
        """Whether this is the one transition that announces an offline device's return."""
        return self.old is Connectivity.OFFLINE and self.new is Connectivity.ONLINE


_UNSEEN = DeviceConnectivity(Connectivity.UNKNOWN, None, None, None, None, None)
_AWAY_STATES = frozenset({Connectivity.OFFLINE, Connectivity.BEHIND_OFFLINE_SYNC_MODULE})


@dataclass(slots=True)
class _DeviceRecord:
    """Everything remembered about one device between polls."""

    # The device's own state: ONLINE, OFFLINE or UNKNOWN (BEHIND is derived, never stored).
    own: Connectivity = Connectivity.UNKNOWN
    sync_module_serial: str | None = None
    offline_since: datetime | None = None
    # The offline run still inside its grace period, if any.
    pending_since: datetime | None = None
    pending_seconds: float = 0.0
    # The poll that last reported the device offline: the grace timer only advances
    # between two consecutive successful polls that both did.
    offline_reported_at: datetime | None = None
    last_seen: datetime | None = None
    back_online_at: datetime | None = None
    last_outage_seconds: float | None = None

    @property
    def reported_offline(self) -> bool:
        """Whether the latest usable report said offline (in grace or past it)."""
        return self.own is Connectivity.OFFLINE or self.pending_since is not None

    def drop_offline_run(self) -> None:
        """Forget an offline run that has not yet become OFFLINE."""
        self.pending_since = None
        self.pending_seconds = 0.0
        self.offline_reported_at = None


class ConnectivityTracker:
    """Per-device connectivity for one account, fed one poll at a time."""

    def __init__(
        self,
        grace: timedelta = DEFAULT_GRACE,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        """Start with no device seen and the cloud assumed reachable.

        `monotonic` measures the grace period (seconds, e.g. `system_monotonic`); without it
        durations are taken between the `now` values given to `observe` (replays, tests).
        """
        self.grace = grace
        self._monotonic = monotonic
        self._devices: dict[str, _DeviceRecord] = {}
        self._have_device_data = True
        # The previous successful poll, or None when a failed poll came since.
        self._previous_poll_at: datetime | None = None
        # Seconds between the previous successful poll and the one being taken in.
        self._previous_clock: float | None = None
        self._since_previous_poll = 0.0
        self._just_changed = False
        # Every device's view as of the last change to the records (None: to be worked out).
        self._views: dict[str, DeviceConnectivity] | None = None

    @property
    def have_device_data(self) -> bool:
        """Whether the states are current: False from a failed poll until the next successful one.

        Not whether Blink answered: a refused sign-in is an answer, yet it brings no devices.
        """
        return self._have_device_data

    def observe(self, snapshot: AccountSnapshot, now: datetime) -> list[Transition]:
        """Take in one successful homescreen poll and say which devices changed state."""
        before = self._all_views()
        clock = self._monotonic() if self._monotonic is not None else now.timestamp()
        previous = self._previous_clock
        self._since_previous_poll = 0.0 if previous is None else max(0.0, clock - previous)
        # Sync modules first: a camera's reading depends on its sync module's fresh state.
        for device in sorted(snapshot.devices, key=lambda d: d.sync_module_serial is not None):
            self._update(device, now)
        self._have_device_data = True
        self._previous_poll_at = now
        self._previous_clock = clock
        views: dict[str, DeviceConnectivity] = {}
        transitions: list[Transition] = []
        for serial in self._devices:
            views[serial] = self._view(serial)
            transition = self._transition(serial, before.get(serial, _UNSEEN), views[serial], now)
            if transition is not None:
                transitions.append(transition)
                if transition.new is Connectivity.ONLINE:
                    views[serial] = self._view(serial)  # with the outage just noted
        self._views = views
        self._just_changed = any(t.old is not Connectivity.UNKNOWN for t in transitions)
        return transitions

    def _all_views(self) -> dict[str, DeviceConnectivity]:
        """Every device's view, worked out once per change of the records."""
        if self._views is None:
            self._views = {serial: self._view(serial) for serial in self._devices}
        return self._views

    def cloud_unavailable(self, now: datetime) -> list[Transition]:
        """Take in a failed poll (cloud unreachable or rate limited).

        Every device reads UNKNOWN until the next successful poll and grace timers pause.
        Always returns no transition: the cloud failing is not a device changing state,
        and saying so here keeps the two poll outcomes alike for the caller.
        """
        self._have_device_data = False
        self._previous_poll_at = None
        self._previous_clock = None
        return []

    def state(self, serial: str) -> DeviceConnectivity:
        """Say how the device is shown: UNKNOWN if never seen or the cloud is unreachable."""
        view = self._all_views().get(serial, _UNSEEN)
        if self._have_device_data:
            return view
        return replace(view, state=Connectivity.UNKNOWN, reason=None, offline_since=None)

    def offline_count(self) -> int:
        """How many devices are OFFLINE themselves (not behind a sync module, not unknown)."""
        if not self._have_device_data:
            return 0
        return sum(view.state is Connectivity.OFFLINE for view in self._all_views().values())

    def forget(self, serial: str) -> None:
        """Drop a device removed from the account."""
        self._devices.pop(serial, None)
        self._views = None  # the cameras behind a forgotten sync module read differently

    def wants_quick_poll(self) -> bool:
        """Whether the next poll should come sooner so a change is confirmed quickly.

        True while any device is reported offline (inside its grace period or past it) or
        when the last poll changed a device that had been seen before.
        """
        return self._just_changed or any(r.reported_offline for r in self._devices.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state, so offline timestamps and grace runs survive a restart."""
        return {
            "version": _STORAGE_VERSION,
            "devices": {
                serial: {
                    "own": record.own.value,
                    "sync_module_serial": record.sync_module_serial,
                    "offline_since": _iso(record.offline_since),
                    "pending_since": _iso(record.pending_since),
                    "pending_seconds": record.pending_seconds,
                    "last_seen": _iso(record.last_seen),
                    "back_online_at": _iso(record.back_online_at),
                    "last_outage_seconds": record.last_outage_seconds,
                }
                for serial, record in self._devices.items()
            },
        }

    @classmethod
    def from_dict(
        cls,
        data: object,
        grace: timedelta,
        monotonic: Callable[[], float] | None = None,
    ) -> ConnectivityTracker:
        """Rebuild from `to_dict` output; anything unusable is dropped, never raised."""
        tracker = cls(grace, monotonic)
        devices = data.get("devices") if isinstance(data, dict) else None
        if not isinstance(devices, dict):
            return tracker
        for serial, stored in devices.items():
            if isinstance(serial, str) and serial and isinstance(stored, dict):
                tracker._devices[serial] = _record_from_dict(stored)
        return tracker

    def _update(self, device: DeviceSnapshot, now: datetime) -> None:
        """Apply one device's report to its record."""
        record = self._devices.setdefault(device.serial, _DeviceRecord())
        record.sync_module_serial = device.sync_module_serial
        reported_times = [t for t in (device.updated_at, device.last_heartbeat) if t is not None]
        if reported_times:
            record.last_seen = max(reported_times)
        online = reported_online(device.status)
        if self._sync_module_reported_offline(device.serial, record):
            # The cloud hears this camera only through its sync module: its status is stale.
            record.drop_offline_run()
        elif online is True:
            record.own = Connectivity.ONLINE
            record.offline_since = None
            record.drop_offline_run()
            if not reported_times:
                record.last_seen = now
        elif online is False and record.own is not Connectivity.OFFLINE:
            self._count_offline_report(record, now)

    def _count_offline_report(self, record: _DeviceRecord, now: datetime) -> None:
        """Advance the grace timer on an offline report; past grace, the device is OFFLINE."""
        if record.pending_since is None:
            record.pending_since = now
        elif (
            self._previous_poll_at is not None
            and record.offline_reported_at == self._previous_poll_at
        ):
            record.pending_seconds += self._since_previous_poll
        record.offline_reported_at = now
        if record.pending_seconds >= self.grace.total_seconds() - _GRACE_SLACK_S:
            record.own = Connectivity.OFFLINE
            record.offline_since = record.pending_since
            record.drop_offline_run()

    def _sync_module_of(self, serial: str, record: _DeviceRecord) -> _DeviceRecord | None:
        """Find the record of the sync module this device reports through, if known."""
        sync_serial = record.sync_module_serial
        if sync_serial is None or sync_serial == serial:
            return None
        return self._devices.get(sync_serial)

    def _sync_module_reported_offline(self, serial: str, record: _DeviceRecord) -> bool:
        """Whether this device's sync module is reported offline (in grace or past it)."""
        sync_module = self._sync_module_of(serial, record)
        return sync_module is not None and sync_module.reported_offline

    def _view(self, serial: str) -> DeviceConnectivity:
        """Work out the device's connectivity, whether or not the cloud is reachable now."""
        record = self._devices.get(serial)
        if record is None:
            return _UNSEEN
        sync_module = self._sync_module_of(serial, record)
        if (
            record.own is not Connectivity.OFFLINE
            and sync_module is not None
            and sync_module.own is Connectivity.OFFLINE
        ):
            state = Connectivity.BEHIND_OFFLINE_SYNC_MODULE
            reason: OfflineReason | None = OfflineReason.SYNC_MODULE_OFFLINE
            offline_since = sync_module.offline_since
        elif record.own is Connectivity.OFFLINE:
            state = Connectivity.OFFLINE
            reason = OfflineReason.DEVICE_OFFLINE
            offline_since = record.offline_since
        else:
            state, reason, offline_since = record.own, None, None
        return DeviceConnectivity(
            state=state,
            reason=reason,
            offline_since=offline_since,
            last_seen=record.last_seen,
            back_online_at=record.back_online_at,
            last_outage_seconds=record.last_outage_seconds,
        )

    def _transition(
        self, serial: str, old: DeviceConnectivity, new: DeviceConnectivity, now: datetime
    ) -> Transition | None:
        """Compare `old` with the device's current view; on a return, note the outage."""
        if new.state is old.state:
            return None
        if new.state is Connectivity.ONLINE and old.state in _AWAY_STATES:
            downtime = None
            if old.offline_since is not None:
                downtime = max(0.0, (now - old.offline_since).total_seconds())
            record = self._devices[serial]
            record.back_online_at = now
            record.last_outage_seconds = downtime
            return Transition(
                serial, old.state, new.state, now, old.reason, old.offline_since, downtime
            )
        return Transition(serial, old.state, new.state, now, new.reason, new.offline_since, None)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _record_from_dict(stored: dict[Any, Any]) -> _DeviceRecord:
    """One device record from stored data, with each unusable field left at its default."""
    own = stored.get("own")
    record = _DeviceRecord(
        own=Connectivity(own)
        if own in (Connectivity.ONLINE, Connectivity.OFFLINE)
        else Connectivity.UNKNOWN,
        sync_module_serial=_stored_str(stored.get("sync_module_serial")),
        last_seen=_stored_datetime(stored.get("last_seen")),
        back_online_at=_stored_datetime(stored.get("back_online_at")),
        last_outage_seconds=_stored_seconds(stored.get("last_outage_seconds")),
    )
    if record.own is Connectivity.OFFLINE:
        record.offline_since = _stored_datetime(stored.get("offline_since"))
    else:
        record.pending_since = _stored_datetime(stored.get("pending_since"))
        if record.pending_since is not None:
            record.pending_seconds = _stored_seconds(stored.get("pending_seconds")) or 0.0
    return record


def _stored_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _stored_datetime(value: object) -> datetime | None:
    """Read an aware datetime from stored ISO text (naive means UTC), or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _stored_seconds(value: object) -> float | None:
    """Read a finite, non-negative number of seconds from stored data, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = float(value)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
