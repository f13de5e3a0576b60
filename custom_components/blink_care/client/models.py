"""Typed, immutable snapshots of what the Blink cloud reported.

Every field that Blink may omit is optional; the parser never invents a value.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

# One AA cell, in volts: the parser drops readings outside this window (placeholders such as
# 9.00 V, sensor noise) and the battery engine learns only from readings inside it.
PLAUSIBLE_CELL_VOLTS: Final = (0.5, 2.2)


class DeviceKind(StrEnum):
    """What a Blink device is, as far as care is concerned."""

    CAMERA = "camera"
    MINI = "mini"
    DOORBELL = "doorbell"
    FLOODLIGHT = "floodlight"
    SYNC_MODULE = "sync_module"


class PowerSource(StrEnum):
    """Battery when the homescreen entry has a `battery` key, otherwise mains."""

    BATTERY = "battery"
    MAINS = "mains"


@dataclass(frozen=True, slots=True)
class DeviceSnapshot:
    """One device as the homescreen described it at one poll."""

    serial: str
    blink_id: int
    name: str
    product_code: str
    kind: DeviceKind
    power_source: PowerSource
    network_id: int | None = None
    # Serial of the sync module this device reports through (sync-module cameras only).
    sync_module_serial: str | None = None
    subtype: str | None = None
    status: str | None = None
    # Blink's own battery verdict: "ok" or "low" (older firmware: "replace").
    battery_state: str | None = None
    battery_bars: int | None = None  # 0-3
    wifi_bars: int | None = None  # 0-5
    sync_signal_bars: int | None = None  # LFR link to the sync module, 0-5
    temperature_f: float | None = None
    firmware: str | None = None
    updated_at: datetime | None = None
    last_heartbeat: datetime | None = None  # sync modules only


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """The whole account from one homescreen request."""

    account_id: str
    taken_at: datetime
    devices: tuple[DeviceSnapshot, ...]
    network_names: dict[int, str] = field(default_factory=dict)
    # Entries the parser could not use, one short reason each (logged once by the caller).
    skipped: tuple[str, ...] = ()

    def by_serial(self) -> dict[str, DeviceSnapshot]:
        """Index the devices by serial number."""
        return {device.serial: device for device in self.devices}


@dataclass(frozen=True, slots=True)
class CameraConfigSnapshot:
    """The slow, per-camera details only the camera config endpoint gives."""

    serial: str
    taken_at: datetime
    battery_voltage: float | None = None  # volts (Blink sends hundredths)
    wifi_dbm: int | None = None
    sync_signal_dbm: int | None = None
    ac_power: bool | None = None
    temperature_f: float | None = None
    battery_state: str | None = None
    battery_check_time: datetime | None = None
