"""Turn Blink's JSON into snapshots without trusting its shape.

Blink's cloud is reverse-engineered and changes without notice: any field may be missing, null,
a string where a number belongs, or out of range. A bad field becomes None; a device without a
usable serial is skipped with a reason; only a body that is not an object at all is an error.
"""

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
import math
from typing import Any

from .errors import AuthFailedError, CloudUnreachableError, RateLimitedError
from .models import (
    PLAUSIBLE_CELL_VOLTS,
    AccountSnapshot,
    CameraConfigSnapshot,
    DeviceKind,
    DeviceSnapshot,
    PowerSource,
)

# Body codes Blink sends with HTTP 200 (or alongside an error status).
CODE_UNAUTHORIZED = 101
CODE_BUSY = 307

# Homescreen lists that hold devices, and what each holds. Anything else is not a device list.
_DEVICE_LISTS: dict[str, DeviceKind] = {
    "sync_modules": DeviceKind.SYNC_MODULE,
    "cameras": DeviceKind.CAMERA,
    "owls": DeviceKind.MINI,
    "doorbells": DeviceKind.DOORBELL,
}
# The wired floodlight is listed among the owls but is not a Mini.
_OWL_CODES_OF_OTHER_KIND: dict[str, DeviceKind] = {"superior": DeviceKind.FLOODLIGHT}

# Blink's readings outside these ranges are sensor noise or placeholders (-255 dBm, 9.00 V).
_VOLTAGE_RANGE = PLAUSIBLE_CELL_VOLTS
_DBM_RANGE = (-120, -1)
_TEMPERATURE_F_RANGE = (-60.0, 200.0)


def check_body_code(body: Any) -> None:
    """Raise for the error objects Blink returns as if they were data."""
    if not isinstance(body, Mapping):
        return
    code = as_int(body.get("code"))
    if code == CODE_UNAUTHORIZED:
        raise AuthFailedError("Blink answered 'Unauthorized Access' (code 101)")
    if code == CODE_BUSY:
        raise RateLimitedError("Blink answered 'System is busy' (code 307)")


def parse_homescreen(body: Any, account_id: str, taken_at: datetime) -> AccountSnapshot:
    """Build the account snapshot from one homescreen response."""
    check_body_code(body)
    if not isinstance(body, Mapping):
        raise CloudUnreachableError("homescreen is not a JSON object")
    skipped: list[str] = []
    network_names = _network_names(body.get("networks"))
    raw_entries = list(_device_entries(body, skipped))
    # Cameras report through the sync module on their network; only usable modules count.
    sync_serial_by_network: dict[int, str] = {}
    for kind, entry in raw_entries:
        if kind is DeviceKind.SYNC_MODULE:
            module = _device(kind, entry, {})
            if module is not None and module.network_id is not None:
                sync_serial_by_network.setdefault(module.network_id, module.serial)

    devices: list[DeviceSnapshot] = []
    seen: set[str] = set()
    for kind, entry in raw_entries:
        device = _device(kind, entry, sync_serial_by_network)
        if device is None:
            skipped.append(f"{kind.value} without id or serial")
        elif device.serial in seen:
            skipped.append(f"duplicate serial in {kind.value}")
        else:
            seen.add(device.serial)
            devices.append(device)
    return AccountSnapshot(
        account_id=account_id,
        taken_at=taken_at,
        devices=tuple(devices),
        network_names=network_names,
        skipped=tuple(skipped),
    )


def parse_camera_config(body: Any, serial: str, taken_at: datetime) -> CameraConfigSnapshot:
    """Read the slow per-camera details from a camera config response."""
    check_body_code(body)
    if not isinstance(body, Mapping):
        raise CloudUnreachableError("camera config is not a JSON object")
    cameras = body.get("camera")
    camera: Mapping[str, Any] = {}
    if isinstance(cameras, list) and cameras and isinstance(cameras[0], Mapping):
        camera = cameras[0]
    elif isinstance(cameras, Mapping):
        camera = cameras
    last_connect = camera.get("last_connect")
    if not isinstance(last_connect, Mapping):
        last_connect = {}
    signals = body.get("signals")
    if not isinstance(signals, Mapping):
        signals = {}

    voltage_hundredths = as_float(camera.get("battery_voltage"))
    if voltage_hundredths is None:
        voltage_hundredths = as_float(last_connect.get("battery_voltage"))
    ac_power = last_connect.get("ac_power", camera.get("ac_power"))
    # The calibrated reading (what the homescreen shows); the raw sensor value as a fallback.
    calibrated_temperature = as_float(signals.get("temp"))
    if calibrated_temperature is None:
        calibrated_temperature = as_float(camera.get("temperature"))
    return CameraConfigSnapshot(
        serial=serial,
        taken_at=taken_at,
        battery_voltage=_in_range(
            None if voltage_hundredths is None else voltage_hundredths / 100, _VOLTAGE_RANGE
        ),
        wifi_dbm=_dbm(camera.get("wifi_strength")),
        sync_signal_dbm=_dbm(camera.get("lfr_strength")),
        ac_power=ac_power if isinstance(ac_power, bool) else None,
        temperature_f=_in_range(calibrated_temperature, _TEMPERATURE_F_RANGE),
        battery_state=as_str(camera.get("battery_state")) or as_str(signals.get("battery_state")),
        battery_check_time=as_datetime(camera.get("battery_check_time")),
    )


def _device_entries(
    body: Mapping[str, Any], skipped: list[str]
) -> Iterator[tuple[DeviceKind, Mapping[str, Any]]]:
    for list_name, kind in _DEVICE_LISTS.items():
        entries = body.get(list_name)
        if entries is None:
            continue
        if not isinstance(entries, list):
            skipped.append(f"'{list_name}' is not a list")
            continue
        for entry in entries:
            if isinstance(entry, Mapping):
                code = as_str(entry.get("type")) or ""
                yield (
                    _OWL_CODES_OF_OTHER_KIND.get(code, kind) if kind is DeviceKind.MINI else kind,
                    entry,
                )
            else:
                skipped.append(f"entry of '{list_name}' is not an object")


def _device(
    kind: DeviceKind, entry: Mapping[str, Any], sync_serial_by_network: Mapping[int, str]
) -> DeviceSnapshot | None:
    blink_id = as_int(entry.get("id"))
    serial = _serial(entry)
    if blink_id is None or not serial:
        return None
    network_id = as_int(entry.get("network_id"))
    signals = entry.get("signals")
    if not isinstance(signals, Mapping):
        signals = {}
    battery_powered = kind is not DeviceKind.SYNC_MODULE and "battery" in entry
    reports_through_sync = kind is DeviceKind.CAMERA or (
        kind is DeviceKind.DOORBELL and as_str(entry.get("doorbell_mode")) == "lfr"
    )
    sync_serial = (
        sync_serial_by_network.get(network_id)
        if reports_through_sync and network_id is not None
        else None
    )
    wifi = signals.get("wifi") if kind is not DeviceKind.SYNC_MODULE else entry.get("wifi_strength")
    return DeviceSnapshot(
        serial=serial,
        blink_id=blink_id,
        name=as_str(entry.get("name")) or serial,
        product_code=as_str(entry.get("type")) or "unknown",
        kind=kind,
        power_source=PowerSource.BATTERY if battery_powered else PowerSource.MAINS,
        network_id=network_id,
        sync_module_serial=sync_serial,
        subtype=as_str(entry.get("subtype")),
        status=as_str(entry.get("status")),
        battery_state=as_str(entry.get("battery")) if battery_powered else None,
        battery_bars=_bounded_int(signals.get("battery"), 0, 3) if battery_powered else None,
        wifi_bars=_bounded_int(wifi, 0, 5),
        sync_signal_bars=_bounded_int(signals.get("lfr"), 0, 5),
        temperature_f=_in_range(as_float(signals.get("temp")), _TEMPERATURE_F_RANGE),
        firmware=as_str(entry.get("fw_version")),
        updated_at=as_datetime(entry.get("updated_at")),
        last_heartbeat=as_datetime(entry.get("last_hb")),
    )


def _serial(entry: Mapping[str, Any]) -> str | None:
    serial = as_str(entry.get("serial"))
    if serial:
        return serial
    # Sync-less Minis and doorbells sometimes have a null serial; blinkpy falls back the same way.
    network_id, blink_id = as_int(entry.get("network_id")), as_int(entry.get("id"))
    if network_id is not None and blink_id is not None:
        return f"{network_id}-{blink_id}"
    return None


def _network_names(networks: Any) -> dict[int, str]:
    names: dict[int, str] = {}
    if isinstance(networks, list):
        for network in networks:
            if isinstance(network, Mapping):
                network_id, name = as_int(network.get("id")), as_str(network.get("name"))
                if network_id is not None and name:
                    names[network_id] = name
    return names


def as_str(value: Any) -> str | None:
    """A non-empty string, or None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def as_float(value: Any) -> float | None:
    """A finite number, accepting numeric strings; None for anything else (bools included)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except ValueError, OverflowError:
        return None
    return number if math.isfinite(number) else None


def as_int(value: Any) -> int | None:
    """A whole number, accepting numeric strings; ints are kept exact (ids exceed 2**53)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    number = as_float(value)
    if number is None or number != int(number):
        return None
    return int(number)


def as_datetime(value: Any) -> datetime | None:
    """An aware datetime from Blink's ISO 8601 strings; naive ones are UTC."""
    text = as_str(value)
    if text is None or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _bounded_int(value: Any, low: int, high: int) -> int | None:
    number = as_int(value)
    return number if number is not None and low <= number <= high else None


def _in_range(value: float | None, bounds: tuple[float, float]) -> float | None:
    if value is None or not bounds[0] <= value <= bounds[1]:
        return None
    return value


def _dbm(value: Any) -> int | None:
    number = as_int(value)
    if number is None or not _DBM_RANGE[0] <= number <= _DBM_RANGE[1]:
        return None
    return number
