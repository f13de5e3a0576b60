"""The JSON bodies of the REST endpoints, shaped like the public captures.

Shapes follow blink-cloud-api.md §2.8 (homescreen, sync module, camera config, signals,
network update, networks, camera usage). Every value is derived from the fleet's truth at
the moment of the request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from blink_sim.battery_truth import EXTERNAL_POWER_VOLTS
from blink_sim.fleet import DeviceState, Fleet, Listing, SimDevice, SimNetwork, Usage

# Blink's raw camera temperature runs warm; the calibrated value subtracts this.
_TEMP_ADJUST = -4
_USAGE_SECONDS = {Usage.LIGHT: 20, Usage.STANDARD: 60, Usage.HEAVY: 180}


def iso(moment: datetime) -> str:
    """Format a time the way Blink does: seconds, explicit UTC offset."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def wifi_dbm(bars: int) -> int:
    """Translate Wi-Fi bars (0-5) into the dBm the config endpoint reports."""
    return -35 - (5 - bars) * 9


def lfr_dbm(bars: int) -> int:
    """Translate sync-module radio bars (0-5) into dBm."""
    return -45 - (5 - bars) * 8


def thumbnail_path(fleet: Fleet, device: SimDevice, state: DeviceState) -> str:
    """Return the thumbnail address in the newer API form (blinkpy uses it as is)."""
    return (
        f"/api/v3/media/accounts/{fleet.account_id}/networks/{device.network_id}"
        f"/{device.product_code}/{device.device_id}/thumbnail/thumbnail.jpg"
        f"?ts={int(state.seen_at.timestamp())}&ext="
    )


def _status(device: SimDevice, state: DeviceState) -> str:
    if not state.online:
        return "offline"
    # Sync-module cameras say "done" when idle and well; everything else says "online".
    return "done" if device.kind is Listing.CAMERAS else "online"


def _common(fleet: Fleet, device: SimDevice, state: DeviceState) -> dict[str, Any]:
    created = device.created_at or fleet.created_at
    return {
        "id": device.device_id,
        "name": device.name,
        "type": device.product_code,
        "network_id": device.network_id,
        "created_at": iso(created),
        "updated_at": iso(state.seen_at),
        "serial": device.serial,
        "fw_version": device.fw_version,
        "enabled": device.enabled,
        "status": _status(device, state),
    }


def _signals(device: SimDevice, state: DeviceState, *, with_temp: bool) -> dict[str, Any]:
    signals: dict[str, Any] = {"lfr": device.lfr_bars, "wifi": device.wifi_bars}
    if with_temp:
        signals["temp"] = round(state.temperature_f)
    if state.battery is not None:
        signals["battery"] = state.battery.bars
    return signals


def _camera_entry(fleet: Fleet, device: SimDevice, state: DeviceState) -> dict[str, Any]:
    entry = _common(fleet, device, state)
    entry["thumbnail"] = thumbnail_path(fleet, device, state)
    if state.battery is not None:
        entry["battery"] = state.battery.state
    entry |= {
        "usage_rate": False,
        "issues": [],
        "signals": _signals(device, state, with_temp=True),
        "local_storage_enabled": False,
        "local_storage_compatible": device.product_code not in {"white", "xt", "xt2"},
        "snooze": False,
        "snooze_time_remaining": None,
        "revision": "00",
    }
    return entry


def _owl_entry(fleet: Fleet, device: SimDevice, state: DeviceState) -> dict[str, Any]:
    # Plug-in devices: no `battery` key and no `signals` (that is how mains power shows).
    return _common(fleet, device, state) | {
        "onboarded": True,
        "thumbnail": thumbnail_path(fleet, device, state),
        "local_storage_enabled": False,
        "local_storage_compatible": True,
        "snooze": False,
        "snooze_time_remaining": None,
        "revision": "00",
    }


def _doorbell_entry(fleet: Fleet, device: SimDevice, state: DeviceState) -> dict[str, Any]:
    entry = _common(fleet, device, state) | {"onboarded": True}
    if state.battery is not None:
        entry["battery"] = state.battery.state
    attached = fleet.sync_module_of(device.network_id) is not None
    return entry | {
        "signals": _signals(device, state, with_temp=False),
        "doorbell_mode": "lfr" if attached else "wifi",
        "changing_mode": False,
        "config_out_of_sync": False,
        "color": "black",
        "issues": [],
        "snooze": False,
        "snooze_time_remaining": None,
        "thumbnail": thumbnail_path(fleet, device, state),
        "local_storage_enabled": False,
        "local_storage_compatible": True,
        "revision": "00",
    }


def _sync_module_entry(fleet: Fleet, device: SimDevice, state: DeviceState) -> dict[str, Any]:
    entry = _common(fleet, device, state)
    del entry["enabled"]
    return entry | {
        "subtype": device.subtype,
        "onboarded": True,
        "last_hb": iso(state.seen_at),
        "wifi_strength": device.wifi_bars,
        "enable_temp_alerts": True,
        "local_storage_enabled": False,
        "local_storage_compatible": True,
        "local_storage_status": "unavailable",
        "revision": "00",
    }


_ENTRY_BUILDERS = {
    Listing.SYNC_MODULES: _sync_module_entry,
    Listing.CAMERAS: _camera_entry,
    Listing.OWLS: _owl_entry,
    Listing.DOORBELLS: _doorbell_entry,
}


def _network_entry(network: SimNetwork) -> dict[str, Any]:
    return {
        "id": network.network_id,
        "created_at": iso(network.created_at),
        "updated_at": iso(network.updated_at or network.created_at),
        "name": network.name,
        "time_zone": network.time_zone,
        "dst": True,
        "armed": network.armed,
        "lv_save": False,
    }


def homescreen(fleet: Fleet, now: datetime) -> dict[str, Any]:
    """Build `GET /api/v3/accounts/{account}/homescreen`: every device in one body."""
    lists: dict[str, list[dict[str, Any]]] = {listing.value: [] for listing in Listing}
    for device in fleet.devices:
        state = fleet.state(device, now)
        lists[device.kind.value].append(_ENTRY_BUILDERS[device.kind](fleet, device, state))
    return {
        "account": {
            "id": fleet.account_id,
            "email_verified": True,
            "email_verification_required": True,
            "amazon_account_linked": False,
        },
        "networks": [_network_entry(network) for network in fleet.networks],
        **lists,
        "sirens": [],
        "chimes": [],
        "doorbell_buttons": [],
        "video_stats": {
            "storage": 2,
            "auto_delete_days": 60,
            "auto_delete_day_options": [3, 7, 14, 30, 60],
        },
        "app_updates": {
            "message": "OK",
            "code": 103,
            "update_available": False,
            "update_required": False,
        },
        "device_limits": {
            "camera": 10,
            "chime": 5,
            "doorbell": 10,
            "doorbell_button": 2,
            "owl": 10,
            "siren": 5,
            "total_devices": 20,
        },
        "whats_new": {"updated_at": 20210204, "url": "https://updates.blinkforhome.com/"},
        "subscriptions": {"updated_at": iso(fleet.created_at)},
        "entitlements": {"updated_at": iso(fleet.created_at)},
        "tiv_lock_enable": True,
        "tiv_lock_status": {"locked": True},
        "accessories": {"storm": [], "rosie": []},
    }


def camera_config(fleet: Fleet, device: SimDevice, now: datetime) -> dict[str, Any]:
    """Build `GET /network/{n}/camera/{c}/config`: voltage, dBm, last connect, `signals` beside."""
    state = fleet.state(device, now)
    battery = state.battery
    volts = battery.hundredths if battery is not None else round(EXTERNAL_POWER_VOLTS * 100)
    sync_module = fleet.sync_module_of(device.network_id)
    sync_module_id = sync_module.device_id if sync_module is not None else None
    raw_temperature = round(state.temperature_f) - _TEMP_ADJUST
    seen = iso(state.seen_at)
    battery_state = battery.state if battery is not None else "ok"
    camera = _common(fleet, device, state) | {
        "onboarded": True,
        "wifi_strength": wifi_dbm(device.wifi_bars),
        "lfr_strength": lfr_dbm(device.lfr_bars),
        "temperature": raw_temperature,
        "temp_adjust": _TEMP_ADJUST,
        "temp_min": 39,
        "temp_max": 90,
        "temp_alert_state": "in_range",
        "battery_voltage": volts,
        "battery_state": battery_state,
        "battery_check_time": seen,
        "battery_alarm_enable": False,
        "battery_voltage_threshold": 512,
        "battery_alert_count": 0,
        "last_battery_alert": None,
        "last_wifi_alert": None,
        "wifi_alert_count": 0,
        "last_lfr_alert": None,
        "lfr_alert_count": 0,
        "last_offline_alert": None,
        "offline_alert_count": 0,
        "thumbnail": thumbnail_path(fleet, device, state),
        "account_id": fleet.account_id,
        "sync_module_id": sync_module_id,
        "last_connect": {
            "camera_id": device.device_id,
            "updated_at": seen,
            "wifi_strength": wifi_dbm(device.wifi_bars),
            "lfr_strength": lfr_dbm(device.lfr_bars),
            "battery_voltage": volts,
            "temperature": raw_temperature,
            "fw_version": device.fw_version,
            "ip_address": f"192.168.1.{device.device_id % 200 + 20}",
            "error_codes": 0,
            "battery_alert_status": battery_state == "low",
            "temp_alert_status": False,
            "ac_power": battery is None or battery.external_power,
            "wifi_connect_failure_count": 0,
            "dhcp_failure_count": 0,
            "socket_failure_count": 0,
            "serial": device.serial,
            "sync_module_id": sync_module_id,
            "network_id": device.network_id,
            "account_id": fleet.account_id,
        },
    }
    signals = _signals(device, state, with_temp=True) | {
        "updated_at": seen,
        "battery_state": battery_state,
    }
    return {"camera": [camera], "signals": signals}


def camera_signals(fleet: Fleet, device: SimDevice, now: datetime) -> dict[str, Any]:
    """Build `GET /network/{n}/camera/{c}/signals`: bars and the calibrated temperature."""
    state = fleet.state(device, now)
    return {"updated_at": iso(state.seen_at)} | _signals(device, state, with_temp=True)


def sync_module_detail(fleet: Fleet, device: SimDevice, now: datetime) -> dict[str, Any]:
    """Build `GET /network/{n}/syncmodules`."""
    state = fleet.state(device, now)
    entry = _sync_module_entry(fleet, device, state)
    return {
        "syncmodule": entry
        | {
            "last_activity": iso(state.seen_at),
            "mac_address": None,
            "ip_address": f"203.0.113.{device.device_id % 200 + 20}",
            "lfr_frequency": None,
            "server": "i-0sim",
            "os_version": "6.16.3",
            "last_wifi_alert": None,
            "wifi_alert_count": 0,
            "last_offline_alert": None,
            "offline_alert_count": 0,
            "table_update_sequence": int(now.timestamp()),
            "account_id": fleet.account_id,
            "country_id": "US",
        }
    }


def network_info(fleet: Fleet, network: SimNetwork, now: datetime) -> dict[str, Any]:
    """Build one network the way `/network/{n}/update` and `/networks` describe it."""
    sync_module = fleet.sync_module_of(network.network_id)
    sync_ok = sync_module is None or fleet.state(sync_module, now).online
    cameras_ok = all(
        fleet.state(device, now).online
        for device in fleet.listed(Listing.CAMERAS)
        if device.network_id == network.network_id
    )
    return _network_entry(network) | {
        "arm_string": "Armed" if network.armed else "Disarmed",
        "busy": False,
        "camera_error": not cameras_ok,
        "sync_module_error": not sync_ok,
        "lv_mode": "relay",
        "video_destination": "server",
        "sm_backup_enabled": False,
        "account_id": fleet.account_id,
    }


def networks(fleet: Fleet, now: datetime) -> dict[str, Any]:
    """Build `GET /networks`; only systems with a sync module count as onboarded there."""
    return {
        "summary": {
            str(network.network_id): {
                "name": network.name,
                "onboarded": fleet.sync_module_of(network.network_id) is not None,
            }
            for network in fleet.networks
        },
        "networks": [network_info(fleet, network, now) for network in fleet.networks],
    }


def camera_usage(fleet: Fleet) -> dict[str, Any]:
    """Build `GET /api/v1/camera/usage`: the sync-module cameras of every network."""
    cameras = fleet.listed(Listing.CAMERAS)
    per_network = [
        {
            "network_id": network.network_id,
            "name": network.name,
            "cameras": [
                {
                    "id": device.device_id,
                    "name": device.name,
                    "usage": _USAGE_SECONDS[device.usage],
                    "lv_seconds": _USAGE_SECONDS[device.usage] // 4,
                    "clip_seconds": _USAGE_SECONDS[device.usage]
                    - _USAGE_SECONDS[device.usage] // 4,
                }
                for device in cameras
                if device.network_id == network.network_id
            ],
        }
        for network in fleet.networks
    ]
    return {"range_days": 7, "reference": {"usage": 400}, "networks": per_network}


def owl_config(fleet: Fleet, device: SimDevice, now: datetime) -> dict[str, Any]:
    """Build `GET /api/v1/accounts/{a}/networks/{n}/owls/{id}/config` (Minis, floodlight)."""
    state = fleet.state(device, now)
    return _common(fleet, device, state) | {
        "wifi_strength": wifi_dbm(device.wifi_bars),
        "illuminator_enable": 2,
        "illuminator_enable_v2": "auto",
        "night_vision_control": "normal",
    }


def doorbell_config(fleet: Fleet, device: SimDevice, now: datetime) -> dict[str, Any]:
    """Build `GET /api/v1/accounts/{a}/networks/{n}/doorbells/{id}/config` (issue #638 keys)."""
    state = fleet.state(device, now)
    return _common(fleet, device, state) | {
        "temp": round(state.temperature_f),
        "wifi_rssi": wifi_dbm(device.wifi_bars),
        "lfr_rssi": lfr_dbm(device.lfr_bars),
        "battery_state": state.battery.state if state.battery is not None else None,
    }


def media_changed(fleet: Fleet) -> dict[str, Any]:
    """Build `GET /api/v1/accounts/{a}/media/changed`: the simulated cameras record nothing."""
    return {"limit": 25, "purge_id": fleet.account_id * 10, "refresh_count": 0, "media": []}
