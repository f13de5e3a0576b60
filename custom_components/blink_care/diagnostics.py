"""Diagnostics of a Blink account and of each device, safe to paste into a public issue.

What a maintainer needs to see: the latest snapshots, what the engines made of them, how much
history is kept, how many requests went to Blink and whether polling is backing off. What must
never leave the house: credentials, tokens, the hardware id, account, user and client ids, the
e-mail address and serial numbers. Serial numbers are replaced by aliases ("device_1", ...) that
are the same in the account's and each device's report, so a report still shows which camera
sits behind which sync module; everything else is removed with `async_redact_data`.
"""

from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from enum import Enum
import json
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_EMAIL, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.device_registry import DeviceEntry

from .const import CONF_POWER_PLUGS, DOMAIN
from .coordinator import BlinkCareCoordinator
from .data import BlinkCareConfigEntry

TO_REDACT = frozenset(
    {
        CONF_PASSWORD,
        CONF_USERNAME,
        CONF_EMAIL,
        "token",
        "refresh_token",
        "hardware_id",
        "account_id",
        "user_id",
        "client_id",
        # The regional API host; it names nothing today, but Blink could make it per account.
        "host",
        # The entry's unique id is the account id, its title the e-mail address.
        "unique_id",
        "title",
        # Blink's numeric ids of devices and systems: together with the account id they
        # address the owner's hardware in Blink's API.
        "blink_id",
        "network_id",
        # Any serial number an alias did not replace.
        "serial",
        "serial_number",
        "sync_module_serial",
    }
)


class SerialAliases:
    """Stable stand-ins for serial numbers: the fleet's order, then the history's."""

    def __init__(self, serials: Iterable[str]) -> None:
        """Number each serial once, in the order given."""
        self._aliases: dict[str, str] = {}
        for serial in serials:
            self._aliases.setdefault(serial, f"device_{len(self._aliases) + 1}")

    @classmethod
    def of(cls, coordinator: BlinkCareCoordinator) -> SerialAliases:
        """Aliases for every device the coordinator knows, polled or only remembered."""
        polled = [] if coordinator.data is None else list(coordinator.data.devices)
        return cls([*polled, *sorted(coordinator.fleet.records)])

    def __call__(self, serial: str | None) -> str | None:
        """The alias of a serial (None stays None; an unknown serial is never shown)."""
        if serial is None:
            return None
        return self._aliases.get(serial, "unknown_device")

    def keys_of(self, mapping: Mapping[str, Any]) -> dict[str, Any]:
        """The mapping with its serial-number keys replaced by aliases."""
        return {str(self(key)): value for key, value in mapping.items()}


def plain_mapping(value: Mapping[str, Any]) -> dict[str, Any]:
    """JSON-ready copy of a mapping (see `plain`)."""
    return {str(key): plain(item) for key, item in value.items()}


def plain(value: Any) -> Any:
    """JSON-ready copy: dataclasses to dicts, enums to values, times to ISO 8601 strings."""
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return plain_mapping(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return value


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BlinkCareConfigEntry
) -> dict[str, Any]:
    """The whole account: entry, polling, requests and every device."""
    if entry.state is not ConfigEntryState.LOADED:
        # Not polled: the only serials to stand in for are those the plug mapping names.
        aliases = SerialAliases(sorted(entry.options.get(CONF_POWER_PLUGS, {})))
        return async_redact_data(
            {"entry": _entry_section(entry, aliases), "loaded": False}, TO_REDACT
        )
    coordinator = entry.runtime_data.coordinator
    aliases = SerialAliases.of(coordinator)
    serials = [] if coordinator.data is None else list(coordinator.data.devices)
    remembered = sorted(set(coordinator.fleet.records) - set(serials))
    return async_redact_data(
        {
            "entry": _entry_section(entry, aliases),
            "loaded": True,
            **_account_sections(entry, coordinator),
            "devices": [
                _device_section(coordinator, serial, aliases) for serial in serials + remembered
            ],
        },
        TO_REDACT,
    )


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: BlinkCareConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """One device (or, for the account device, the account without its devices)."""
    if entry.state is not ConfigEntryState.LOADED:
        return {"loaded": False}
    coordinator = entry.runtime_data.coordinator
    aliases = SerialAliases.of(coordinator)
    serial = next((ident for domain, ident in device.identifiers if domain == DOMAIN), None)
    if serial is None or serial == coordinator.account_identifier:
        return async_redact_data(
            {"loaded": True, **_account_sections(entry, coordinator)}, TO_REDACT
        )
    return async_redact_data(
        {
            "loaded": True,
            "polling": _polling_section(coordinator),
            "device": _device_section(coordinator, serial, aliases),
        },
        TO_REDACT,
    )


def _entry_section(entry: BlinkCareConfigEntry, aliases: SerialAliases) -> dict[str, Any]:
    options = dict(entry.options)
    if isinstance(plugs := options.get(CONF_POWER_PLUGS), Mapping):
        options[CONF_POWER_PLUGS] = aliases.keys_of(plugs)
    return plain_mapping(
        {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "version": f"{entry.version}.{entry.minor_version}",
            "state": entry.state,
            "reason": entry.reason,
            "data": dict(entry.data),
            "options": options,
        }
    )


def _account_sections(
    entry: BlinkCareConfigEntry, coordinator: BlinkCareCoordinator
) -> dict[str, Any]:
    client = entry.runtime_data.client
    data = coordinator.data
    account = None
    if data is not None:
        account = {
            "polled_at": data.account.taken_at,
            "devices": len(data.devices),
            "networks": sorted(data.account.network_names.values()),
            "offline_count": data.offline_count,
            # Fixed texts such as "entry of 'cameras' is not an object": no serial in them.
            "skipped": list(data.account.skipped),
        }
    return plain_mapping(
        {
            "polling": _polling_section(coordinator),
            "requests": {"total": client.requests_sent, "by_endpoint": client.request_counts},
            "account": account,
        }
    )


def _polling_section(coordinator: BlinkCareCoordinator) -> dict[str, Any]:
    interval = coordinator.update_interval
    return plain_mapping(
        {
            "last_update_success": coordinator.last_update_success,
            "last_error": _describe_error(coordinator.last_exception),
            "cloud_reachable": coordinator.blink_answered,
            "backoff_level": coordinator.backoff_level,
            "in_backoff": coordinator.in_backoff,
            "interval_seconds": None if interval is None else interval.total_seconds(),
            "base_interval_seconds": coordinator.base_interval.total_seconds(),
            "power_cycles_running": len(coordinator.power_cycles_running),
        }
    )


def _describe_error(err: BaseException | None) -> dict[str, Any] | None:
    """The error's type and translation key; free text only from blink_care's own messages."""
    if err is None:
        return None
    described: dict[str, Any] = {"type": type(err).__name__}
    if isinstance(err, HomeAssistantError) and err.translation_domain == DOMAIN:
        described["translation_key"] = err.translation_key
        described["placeholders"] = err.translation_placeholders
    return described


def _device_section(
    coordinator: BlinkCareCoordinator,
    serial: str,
    aliases: SerialAliases,
) -> dict[str, Any]:
    data = coordinator.data
    state = None if data is None else data.devices.get(serial)
    record = coordinator.fleet.records.get(serial)
    section: dict[str, Any] = {
        "device": aliases(serial),
        "in_last_poll": state is not None,
        "connectivity": plain(coordinator.fleet.connectivity.state(serial)),
        "history": history_summary(None if record is None else record.to_json()),
    }
    if data is None or state is None:
        return section
    # Serials leave under other keys, as aliases (TO_REDACT would hide the alias too).
    snapshot = plain(state.snapshot)
    del snapshot["serial"], snapshot["sync_module_serial"]
    snapshot["sync_module"] = aliases(state.snapshot.sync_module_serial)
    snapshot["network"] = data.account.network_names.get(state.snapshot.network_id or 0)
    config = None
    if state.config is not None:
        config = plain(state.config)
        del config["serial"]
    section.update(
        model={"key": state.model.key, "name": state.model.name, "generic": state.model.generic},
        snapshot=snapshot,
        camera_config=config,
        battery=plain(state.battery),
    )
    return section


def history_summary(stored: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """How much is remembered about a device (its record as the history file would hold it).

    The battery engine owns the shape of its stored state, so this reads it defensively: the
    length of every list in it (daily points, replacements, recent readings...), the time span
    of its daily points when they look like `[epoch seconds, ...]`, and its size in bytes.
    """
    if stored is None:
        return None
    battery = stored.get("battery")
    if not isinstance(battery, Mapping):
        battery = {}
    cycle = battery.get("cycle")
    days = cycle.get("days") if isinstance(cycle, Mapping) else None
    times = [
        point[0]
        for point in days or []
        if isinstance(point, list) and point and isinstance(point[0], int | float)
    ]
    return plain_mapping(
        {
            **{
                key: stored.get(key)
                for key in ("first_seen", "last_present", "config_fetched_at", "low_announced_at")
            },
            "battery_lists": _list_lengths(battery),
            "battery_points_from": _from_epoch(min(times)) if times else None,
            "battery_points_to": _from_epoch(max(times)) if times else None,
            "battery_bytes": len(json.dumps(battery, default=str)),
        }
    )


def _list_lengths(value: Any, prefix: str = "") -> dict[str, int]:
    lengths: dict[str, int] = {}
    if isinstance(value, Mapping):
        for key, item in value.items():
            lengths.update(_list_lengths(item, f"{prefix}{key}."))
    elif isinstance(value, list):
        lengths[prefix.rstrip(".")] = len(value)
    return lengths


def _from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
