"""Per-entry history in Home Assistant's Store: what must survive restarts, reloads and reauth.

Battery observations and replacement records, when each device was last present, when its camera
config was last fetched, and the connectivity state machine's timestamps. The engines own the
shape of their own parts (opaque dicts); this module only keeps, bounds and migrates the file.
A corrupt file is moved aside and replaced by an empty history: setup never fails over it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER

STORE_VERSION = 1
STORE_MINOR_VERSION = 1
# At most one write per this many seconds: polls come every two minutes and each touches every
# device, but rewriting the whole file each time would wear out SD cards. Whatever happened
# since the last write is written on unload and when Home Assistant stops.
SAVE_DELAY_S = 600


@dataclass(slots=True)
class DeviceHistory:
    """What blink_care remembers about one Blink device."""

    first_seen: datetime
    last_present: datetime
    battery: dict[str, Any] = field(default_factory=dict)
    config_fetched_at: datetime | None = None
    # When the low-battery event last fired: once per battery cycle, not once per poll.
    low_announced_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the Store."""
        return {
            "first_seen": self.first_seen.isoformat(),
            "last_present": self.last_present.isoformat(),
            "battery": self.battery,
            "config_fetched_at": _iso(self.config_fetched_at),
            "low_announced_at": _iso(self.low_announced_at),
        }

    @classmethod
    def from_json(cls, raw: Any, now: datetime) -> DeviceHistory:
        """Read one record back, tolerating anything a damaged file may hold."""
        if not isinstance(raw, Mapping):
            return cls(first_seen=now, last_present=now)
        first_seen = _datetime(raw.get("first_seen")) or now
        battery = raw.get("battery")
        return cls(
            first_seen=first_seen,
            last_present=_datetime(raw.get("last_present")) or first_seen,
            battery=dict(battery) if isinstance(battery, Mapping) else {},
            config_fetched_at=_datetime(raw.get("config_fetched_at")),
            low_announced_at=_datetime(raw.get("low_announced_at")),
        )


def migrate_history(old_major: int, old_minor: int, data: Any) -> dict[str, Any]:
    """Bring stored data of an older version to the current shape.

    Version 1.1 is the first. The function exists so that the next change of shape has a
    tested place to go; today it only makes sure the top level has the expected keys.
    """
    del old_major, old_minor
    result = dict(data) if isinstance(data, Mapping) else {}
    result.setdefault("devices", {})
    result.setdefault("connectivity", {})
    return result


class _HistoryFile(Store[dict[str, Any]]):
    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        return migrate_history(old_major_version, old_minor_version, old_data)


class HistoryStore:
    """The history of one config entry, loaded once and saved debounced."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to `.storage/blink_care.<entry_id>`."""
        self._hass = hass
        self._store = _HistoryFile(
            hass, STORE_VERSION, f"{DOMAIN}.{entry_id}", minor_version=STORE_MINOR_VERSION
        )
        self.devices: dict[str, DeviceHistory] = {}
        self.connectivity: dict[str, Any] = {}
        self._save_pending = False
        # Set on unload: a poll still in flight must not schedule a write over the next load's.
        self._closed = False
        # The live engine states, serialised only when the file is written.
        self._battery_source: Callable[[str], dict[str, Any] | None] = lambda _serial: None
        self._connectivity_source: Callable[[], dict[str, Any]] | None = None

    async def async_load(self) -> None:
        """Load the history; a corrupt file is set aside and history starts empty."""
        try:
            raw = await self._store.async_load()
        except Exception:  # noqa: BLE001 - any damage means: keep a copy, start afresh
            raw = _DAMAGED
        if raw is not None and not _readable(raw):
            # Valid JSON of the wrong shape is damage too: keep the file before it is overwritten.
            await self._hass.async_add_executor_job(self._set_aside_corrupt_file)
            raw = None
        data = migrate_history(STORE_VERSION, STORE_MINOR_VERSION, raw or {})
        now = dt_util.utcnow()
        devices = data["devices"] if isinstance(data["devices"], Mapping) else {}
        self.devices = {
            str(serial): DeviceHistory.from_json(record, now) for serial, record in devices.items()
        }
        connectivity = data["connectivity"]
        self.connectivity = dict(connectivity) if isinstance(connectivity, Mapping) else {}

    def _set_aside_corrupt_file(self) -> None:
        path = Path(self._store.path)
        aside = path.with_name(f"{path.name}.corrupt-{dt_util.utcnow():%Y%m%dT%H%M%S}")
        try:
            path.replace(aside)
        except OSError:
            LOGGER.warning("Battery history file %s is unreadable; starting a new history", path)
        else:
            LOGGER.warning(
                "Battery history file %s was damaged; kept it as %s and started a new history",
                path,
                aside.name,
            )

    def device(self, serial: str, now: datetime) -> DeviceHistory:
        """The record of a device, created when it is first seen."""
        record = self.devices.get(serial)
        if record is None:
            record = self.devices[serial] = DeviceHistory(first_seen=now, last_present=now)
        return record

    def forget(self, serial: str) -> None:
        """Drop a device's history (the device was removed)."""
        if self.devices.pop(serial, None) is not None:
            self.schedule_save()

    def set_sources(
        self,
        battery: Callable[[str], dict[str, Any] | None],
        connectivity: Callable[[], dict[str, Any]],
    ) -> None:
        """Where to read the engines' live state at write time (None: keep what is stored)."""
        self._battery_source = battery
        self._connectivity_source = connectivity

    @callback
    def schedule_save(self) -> None:
        """Save within SAVE_DELAY_S; changes until then go into the same write."""
        if not self._save_pending and not self._closed:
            self._save_pending = True
            self._store.async_delay_save(self._to_json, SAVE_DELAY_S)

    async def async_save_now(self) -> None:
        """Write at once and close (unload): nothing of the last minutes is lost."""
        self._closed = True
        await self._store.async_save(self._to_json())

    async def async_remove(self) -> None:
        """Delete the file (the config entry was deleted)."""
        await self._store.async_remove()

    def _to_json(self) -> dict[str, Any]:
        self._save_pending = False
        return self.as_json()

    def as_json(self) -> dict[str, Any]:
        """Exactly what the file would hold if it were written now."""
        if self._connectivity_source is not None:
            self.connectivity = self._connectivity_source()
        for serial, record in self.devices.items():
            battery = self._battery_source(serial)
            if battery is not None:
                record.battery = battery
        return {
            "devices": {serial: record.to_json() for serial, record in self.devices.items()},
            "connectivity": self.connectivity,
        }


# Stands for a file the Store could not read at all.
_DAMAGED: Any = object()


def _readable(data: Any) -> bool:
    """Whether stored data has the shape of a history (single records may still be damaged)."""
    return isinstance(data, Mapping) and all(
        isinstance(data.get(part, {}), Mapping) for part in ("devices", "connectivity")
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    parsed = dt_util.parse_datetime(value)
    return parsed if parsed is not None and parsed.tzinfo is not None else None
