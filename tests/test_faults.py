"""The fault matrix: every way the Blink cloud misbehaves, and what the user sees meanwhile.

Each row of FAULT_MATRIX names a fault, says in the user's words what blink_care does about it,
and runs the scenario that proves it against the simulated cloud through blinkpy's real HTTP
path. The README's table is generated from the same rows (`scripts/fault_table.py`), and
`test_readme_carries_the_fault_matrix` keeps the two in step.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import json
import logging
from pathlib import Path
import time
from typing import Any
from unittest.mock import patch
from urllib.parse import urlsplit

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_test_home_assistant,
)

from blink_sim import Fault, SimCloud, SimDevice
from custom_components.blink_care.client import api as blink_api
from custom_components.blink_care.const import CONF_PIN, DOMAIN
from custom_components.blink_care.coordinator import BlinkCareCoordinator
from custom_components.blink_care.events import EVENT_DEVICE_OFFLINE
from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_PASSWORD, STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.util import dt as dt_util

from .conftest import PASSWORD, PIN, advance, entity_id

POLL = timedelta(seconds=120)
HALF_HOUR = timedelta(minutes=30)
TRANSLATIONS = Path(__file__).parents[1] / "custom_components" / DOMAIN / "translations" / "en.json"
README = Path(__file__).parents[1] / "README.md"
README_MARKER = "<!-- fault-matrix -->"
README_END_MARKER = "<!-- /fault-matrix -->"
BATTERY_CAMERA_CODES = frozenset({"sedona", "catalina", "catalina_indoor", "xt2", "xt", "white"})


@dataclass
class Scene:
    """A loaded entry against the simulated cloud, and what a scenario needs to drive it."""

    hass: HomeAssistant
    sim: SimCloud
    entry: MockConfigEntry
    caplog: pytest.LogCaptureFixture
    # None: real time; polls are then started by hand instead of by the clock.
    freezer: FrozenDateTimeFactory | None
    offline_events: list[Event] = field(default_factory=list)

    @property
    def coordinator(self) -> BlinkCareCoordinator:
        """The coordinator of the entry as loaded now (a reload makes a new one)."""
        coordinator: BlinkCareCoordinator = self.entry.runtime_data.coordinator
        return coordinator

    @property
    def camera(self) -> SimDevice:
        """The first battery camera of the fleet."""
        return next(d for d in self.sim.fleet.devices if d.product_code in BATTERY_CAMERA_CODES)

    @property
    def mini(self) -> SimDevice:
        """The Mini (mains powered, no sync module)."""
        return next(d for d in self.sim.fleet.devices if d.product_code == "owl")

    async def poll(self, count: int = 1) -> None:
        """Let `count` poll intervals pass (or, in real time, run `count` polls)."""
        if self.freezer is None:
            for _ in range(count):
                await self.coordinator.async_refresh()
            await self.hass.async_block_till_done()
        else:
            await advance(self.hass, self.freezer, POLL * count, step=POLL)

    async def wait(self, duration: timedelta, step: timedelta = POLL) -> None:
        """Let simulated time pass; whatever polls are due run."""
        assert self.freezer is not None, "this scenario needs the simulated clock"
        await advance(self.hass, self.freezer, duration, step=step)

    def state(self, domain: str, serial: str, key: str) -> str:
        """The state of one entity of one device."""
        found = self.hass.states.get(entity_id(self.hass, domain, serial, key))
        assert found is not None
        return found.state

    def online(self, serial: str) -> str:
        """The 'online' binary sensor of a device."""
        return self.state("binary_sensor", serial, "online")

    def cloud(self) -> str:
        """The account's 'cloud reachable' binary sensor."""
        ids = [
            entry.entity_id
            for entry in er.async_get(self.hass).entities.values()
            if entry.platform == DOMAIN and entry.unique_id.endswith("_cloud_reachable")
        ]
        assert len(ids) == 1
        found = self.hass.states.get(ids[0])
        assert found is not None
        return found.state

    def reauth_flows(self) -> list[str]:
        """Ids of the reauth flows in progress."""
        return [
            flow["flow_id"]
            for flow in self.hass.config_entries.flow.async_progress_by_handler(DOMAIN)
            if flow["context"]["source"] == "reauth"
        ]

    def repairs(self) -> list[str]:
        """blink_care's repair issues."""
        return [
            issue_id for (domain, issue_id) in ir.async_get(self.hass).issues if domain == DOMAIN
        ]

    def log_count(self, text: str) -> int:
        """How many blink_care records contain `text`."""
        return sum(
            text in record.getMessage()
            for record in self.caplog.records
            if record.name.startswith("custom_components.blink_care")
        )


@dataclass(frozen=True, slots=True)
class FaultRow:
    """One row of the matrix: the fault, what the user sees, and the scenario proving it."""

    key: str
    fault: str
    outcome: str
    scenario: Callable[[Scene], Awaitable[None]]
    # Scenarios that wait on real timeouts run in real time (the simulated clock would stop them).
    real_time: bool = False


# -- shared checks --------------------------------------------------------------------------


def history_view(coordinator: BlinkCareCoordinator) -> dict[str, Any]:
    """What must survive every fault: first sightings and the battery replacement records."""
    devices = coordinator.history.as_json()["devices"]
    return {
        serial: (
            dt_util.parse_datetime(record["first_seen"]),
            json.dumps(record["battery"].get("replacements")),
        )
        for serial, record in devices.items()
    }


async def record_replacement(scene: Scene, serial: str) -> datetime:
    """The user records a battery change (so there is a replacement to keep); its time."""
    device = dr.async_get(scene.hass).async_get_device_by_identifier(
        (DOMAIN, serial), scene.entry.entry_id
    )
    assert device is not None
    await scene.hass.services.async_call(
        DOMAIN, "mark_batteries_replaced", {"device_id": device.id}, blocking=True
    )
    await scene.hass.async_block_till_done()
    return shown_replacement(scene, serial)


def shown_replacement(scene: Scene, serial: str) -> datetime:
    """When the camera's 'batteries replaced' sensor says its batteries were replaced.

    Compared to the second: the stored record keeps whole seconds (see test_persistence).
    """
    shown = dt_util.parse_datetime(scene.state("sensor", serial, "batteries_replaced"))
    assert shown is not None
    return shown.replace(microsecond=0)


def assert_all_online(scene: Scene) -> None:
    """The account answers and every device shows online."""
    assert scene.cloud() == STATE_ON
    for device in scene.sim.fleet.devices:
        assert scene.online(device.serial) == STATE_ON, device.name


def assert_outage_shown(scene: Scene) -> None:
    """The cloud sensor is off; devices are unavailable, never 'offline'; nothing alarms."""
    assert scene.cloud() == STATE_OFF
    for device in scene.sim.fleet.devices:
        assert scene.online(device.serial) == STATE_UNAVAILABLE, device.name
    assert scene.offline_events == []
    assert scene.repairs() == []
    assert scene.reauth_flows() == []


async def complete_reauth(scene: Scene, password: str) -> None:
    """The user signs in again from the reauth flow (and types the PIN if Blink sends one)."""
    (flow_id,) = scene.reauth_flows()
    result = await scene.hass.config_entries.flow.async_configure(
        flow_id, {CONF_PASSWORD: password}
    )
    if result["type"] is FlowResultType.FORM and result["step_id"] == "2fa":
        result = await scene.hass.config_entries.flow.async_configure(flow_id, {CONF_PIN: PIN})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await scene.hass.async_block_till_done()
    assert scene.entry.state is ConfigEntryState.LOADED


def translated_exception(key: str) -> str:
    """The English text of one of blink_care's exception messages, as Home Assistant logs it."""
    message: str = json.loads(TRANSLATIONS.read_text())["exceptions"][key]["message"]
    return message.rstrip(".")


# -- scenarios ------------------------------------------------------------------------------


def session_ended_once(fault: Fault) -> Callable[[Scene], Awaitable[None]]:
    """One refused request is healed by a fresh sign-in: the user notices nothing."""

    async def scenario(scene: Scene) -> None:
        token_requests = scene.sim.requests.by_endpoint["oauth_token"]
        scene.sim.faults.inject(fault, times=1, endpoints={"homescreen"})
        await scene.poll()
        assert scene.coordinator.last_update_success
        assert scene.sim.requests.by_endpoint["oauth_token"] == token_requests + 1
        assert scene.reauth_flows() == []
        assert_all_online(scene)

    return scenario


async def _reauth_keeps_history(
    scene: Scene, break_sign_in: Callable[[], None], password: str
) -> None:
    """Reauth starts, entities go unavailable, polling stops; signing in restores everything."""
    replaced = await record_replacement(scene, scene.camera.serial)
    kept = history_view(scene.coordinator)
    break_sign_in()
    await scene.poll()
    assert len(scene.reauth_flows()) == 1
    assert scene.online(scene.camera.serial) == STATE_UNAVAILABLE
    # No hammering with refused credentials (Blink locks accounts that do): polling waits.
    scene.sim.requests.reset()
    await scene.wait(HALF_HOUR)
    assert scene.sim.requests.total == 0
    assert history_view(scene.coordinator) == kept

    scene.sim.faults.clear()
    await complete_reauth(scene, password)
    assert_all_online(scene)
    assert abs(shown_replacement(scene, scene.camera.serial) - replaced) <= timedelta(seconds=1)
    assert history_view(scene.coordinator).items() >= kept.items()


def session_refused_for_good(fault: Fault) -> Callable[[Scene], Awaitable[None]]:
    """Every request refused even after a fresh sign-in: reauth, history kept."""

    async def scenario(scene: Scene) -> None:
        await _reauth_keeps_history(
            scene,
            lambda: scene.sim.faults.inject(fault, endpoints={"homescreen"}),
            PASSWORD,
        )

    return scenario


async def password_changed(scene: Scene) -> None:
    """Tokens revoked and the password changed in the Blink app."""

    def change() -> None:
        scene.sim.revoke_tokens()
        scene.sim.password = "changed-in-the-app"

    await _reauth_keeps_history(scene, change, "changed-in-the-app")


async def hardware_id_refused(scene: Scene) -> None:
    """406 on the token refresh: reauth, and the message says why."""
    assert scene.freezer is not None
    scene.sim.faults.inject(Fault.HTTP_406)
    # The access token lives 4 h; 10 minutes before it ends blink_care renews it.
    await scene.wait(timedelta(hours=3, minutes=55), step=timedelta(hours=3, minutes=55))
    assert len(scene.reauth_flows()) == 1
    error = scene.coordinator.last_exception
    assert getattr(error, "translation_key", None) == "hardware_id_rejected"
    assert scene.log_count(translated_exception("hardware_id_rejected")) == 1
    assert scene.online(scene.camera.serial) == STATE_UNAVAILABLE
    scene.sim.faults.clear()
    await complete_reauth(scene, PASSWORD)
    assert_all_online(scene)


async def pin_required_again(scene: Scene) -> None:
    """The token refresh is answered with 'PIN required' and the password sign-in sends a PIN."""
    replaced = await record_replacement(scene, scene.camera.serial)
    scene.sim.require_pin(True)
    scene.sim.faults.inject(Fault.TWO_FA_ON_REFRESH)
    await scene.wait(timedelta(hours=3, minutes=55), step=timedelta(hours=3, minutes=55))
    assert len(scene.reauth_flows()) == 1
    assert scene.online(scene.camera.serial) == STATE_UNAVAILABLE
    scene.sim.faults.clear()
    await complete_reauth(scene, PASSWORD)
    assert_all_online(scene)
    assert abs(shown_replacement(scene, scene.camera.serial) - replaced) <= timedelta(seconds=1)


async def refresh_refused_password_works(scene: Scene) -> None:
    """The token refresh is refused but the stored password still signs in without a PIN."""
    signins = scene.sim.requests.by_endpoint["oauth_signin"]
    scene.sim.faults.inject(Fault.TWO_FA_ON_REFRESH)
    await scene.wait(timedelta(hours=3, minutes=55), step=timedelta(hours=3, minutes=55))
    assert scene.sim.requests.by_endpoint["oauth_signin"] == signins + 1
    assert scene.reauth_flows() == []
    assert scene.coordinator.last_update_success
    assert_all_online(scene)


RENEWAL_DUE = timedelta(hours=3, minutes=55)  # tokens live 4 h; renewed 10 min before the end


def renewal_fails_on_pin_account(fault: Fault) -> Callable[[Scene], Awaitable[None]]:
    """One cloud fault on the token renewal of a PIN account: no PIN, no reauth.

    The token, still valid, is used and the renewal is tried again at the next poll.
    """

    async def scenario(scene: Scene) -> None:
        scene.sim.require_pin(True)
        signins = scene.sim.requests.by_endpoint["oauth_signin"]
        grants = len(scene.sim.grants)
        scene.sim.faults.inject(fault, times=1, endpoints={"oauth_token"})
        await scene.wait(RENEWAL_DUE, step=RENEWAL_DUE)
        assert scene.sim.requests.by_endpoint["oauth_signin"] == signins, "a PIN was sent"
        assert scene.reauth_flows() == []
        assert_all_online(scene)
        await scene.poll()
        assert len(scene.sim.grants) == grants + 1, "the renewal was not tried again"
        assert scene.sim.requests.by_endpoint["oauth_signin"] == signins
        assert scene.reauth_flows() == []
        assert scene.offline_events == []
        assert scene.repairs() == []
        assert_all_online(scene)

    return scenario


async def renewal_stalls_at_start(scene: Scene) -> None:
    """At start the token endpoint does not answer: the renewal gives up in bounded time.

    The stored token (still valid) is used and the entry loads at once; no PIN, no reauth.
    """
    scene.sim.require_pin(True)
    signins = scene.sim.requests.by_endpoint["oauth_signin"]
    assert await scene.hass.config_entries.async_unload(scene.entry.entry_id)
    scene.sim.faults.inject(Fault.TIMEOUT, times=1, endpoints={"oauth_token"}, delay=5)
    started = time.monotonic()
    with patch.object(blink_api, "AUTH_REQUEST_TIMEOUT_S", 0.3, create=True):
        assert await scene.hass.config_entries.async_setup(scene.entry.entry_id)
        await scene.hass.async_block_till_done()
    # The stalled request is abandoned after the bound, not after aiohttp's 5 minutes.
    assert time.monotonic() - started < 3
    assert scene.sim.requests.by_endpoint["oauth_signin"] == signins, "a PIN was sent"
    assert scene.entry.state is ConfigEntryState.LOADED
    assert scene.reauth_flows() == []
    assert_all_online(scene)


async def renewal_fails_at_start_token_expired(scene: Scene) -> None:
    """Start after the token expired, with a 503 from the token endpoint: setup is retried.

    Entities are unavailable meanwhile; no PIN, no reauth.
    """
    scene.sim.require_pin(True)
    signins = scene.sim.requests.by_endpoint["oauth_signin"]
    assert await scene.hass.config_entries.async_unload(scene.entry.entry_id)
    await scene.wait(timedelta(hours=5), step=timedelta(hours=5))
    scene.sim.faults.inject(Fault.HTTP_503, times=1, endpoints={"oauth_token"})
    await scene.hass.config_entries.async_setup(scene.entry.entry_id)
    await scene.hass.async_block_till_done()
    state_before_retry = scene.entry.state
    assert scene.sim.requests.by_endpoint["oauth_signin"] == signins, "a PIN was sent"
    assert scene.reauth_flows() == []
    # Home Assistant retries the setup after a few seconds; the renewal then works.
    await scene.wait(timedelta(minutes=2), step=timedelta(seconds=10))
    assert state_before_retry is ConfigEntryState.SETUP_RETRY
    assert scene.entry.state is ConfigEntryState.LOADED
    assert scene.sim.requests.by_endpoint["oauth_signin"] == signins
    assert scene.reauth_flows() == []
    assert_all_online(scene)


async def refresh_token_refused_pin_account(scene: Scene) -> None:
    """Blink refuses the refresh token (400 invalid_grant) and the password asks a PIN: reauth.

    Only this definite refusal starts reauth; the history is kept.
    """
    replaced = await record_replacement(scene, scene.camera.serial)
    scene.sim.require_pin(True)
    scene.sim.faults.inject(Fault.REFRESH_REFUSED, times=1)
    await scene.wait(RENEWAL_DUE, step=RENEWAL_DUE)
    assert len(scene.reauth_flows()) == 1
    assert scene.online(scene.camera.serial) == STATE_UNAVAILABLE
    await complete_reauth(scene, PASSWORD)
    assert_all_online(scene)
    assert abs(shown_replacement(scene, scene.camera.serial) - replaced) <= timedelta(seconds=1)


def backs_off(fault: Fault) -> Callable[[Scene], Awaitable[None]]:
    """Blink asks to slow down: polls space out, the user sees an outage, not offline devices."""

    async def scenario(scene: Scene) -> None:
        scene.sim.faults.inject(fault)
        scene.sim.requests.reset()
        await scene.wait(HALF_HOUR, step=timedelta(seconds=10))
        # Without back-off 15 polls would go out; doubling from 2 min leaves 4 at most.
        assert 2 <= scene.sim.requests.by_endpoint["homescreen"] <= 4
        assert scene.sim.requests.total == scene.sim.requests.by_endpoint["homescreen"]
        assert_outage_shown(scene)
        scene.sim.faults.clear()
        await scene.wait(HALF_HOUR + POLL, step=timedelta(seconds=30))
        assert scene.coordinator.backoff_level == 0
        assert_all_online(scene)

    return scenario


async def retry_after_honoured(scene: Scene) -> None:
    """A 429 with Retry-After of 20 minutes: not one request for 20 minutes."""
    scene.sim.faults.inject(Fault.HTTP_429, times=1, retry_after=1200)
    await scene.poll()
    scene.sim.requests.reset()
    await scene.wait(timedelta(minutes=19), step=timedelta(seconds=30))
    assert scene.sim.requests.total == 0
    await scene.wait(timedelta(minutes=2), step=timedelta(seconds=30))
    assert_all_online(scene)


async def retry_after_capped(scene: Scene) -> None:
    """Retry-After of a whole day: waited 30 minutes at most, and said so in the log once."""
    scene.sim.faults.inject(Fault.HTTP_429, times=2, endpoints={"homescreen"}, retry_after=86400)
    await scene.poll()
    scene.sim.requests.reset()
    await scene.wait(timedelta(minutes=29), step=timedelta(seconds=30))
    assert scene.sim.requests.total == 0
    await scene.wait(timedelta(minutes=2), step=timedelta(seconds=30))
    assert scene.sim.requests.by_endpoint["homescreen"] == 1  # the second 429
    assert_outage_shown(scene)
    await scene.wait(HALF_HOUR + POLL, step=timedelta(seconds=30))
    assert_all_online(scene)
    assert scene.log_count("waiting at most 30 minutes") == 1


def outage(
    fault: Fault, *, per_poll: int = 1, **injection: Any
) -> Callable[[Scene], Awaitable[None]]:
    """The cloud fails for half an hour: an outage, at most `per_poll` requests per poll.

    In real time (timeouts) two polls stand for the half hour: each one waits out a timeout.
    """

    async def scenario(scene: Scene) -> None:
        scene.sim.faults.inject(fault, **injection)
        scene.sim.requests.reset()
        polls = 2 if scene.freezer is None else HALF_HOUR // POLL
        await scene.poll(polls)
        # No storm of retries and no pointless sign-ins while the cloud is down.
        assert scene.sim.requests.total == scene.sim.requests.by_endpoint["homescreen"]
        assert scene.sim.requests.total <= polls * per_poll
        assert_outage_shown(scene)
        scene.sim.faults.clear()
        await scene.poll()
        assert_all_online(scene)

    return scenario


async def connection_refused(scene: Scene) -> None:
    """Nothing listens at Blink's address (DNS or routing trouble): an outage, then recovery."""
    port = urlsplit(scene.sim.base_url).port
    await scene.sim.stop()
    await scene.poll(3)
    assert_outage_shown(scene)
    await scene.sim.start(host="127.0.0.1", port=port or 0)
    await scene.poll()
    assert_all_online(scene)


async def truncated_answer(scene: Scene) -> None:
    """One answer cut off mid-way: that poll is an outage, the next one recovers."""
    kept = history_view(scene.coordinator)
    scene.sim.faults.inject(Fault.TRUNCATED_JSON, times=1, endpoints={"homescreen"})
    await scene.poll()
    assert_outage_shown(scene)
    await scene.poll()
    assert_all_online(scene)
    assert history_view(scene.coordinator).items() >= kept.items()


def unusable_entries(fault: Fault) -> Callable[[Scene], Awaitable[None]]:
    """Entries of the wrong shape are skipped (logged once); nothing is removed or alarmed."""

    async def scenario(scene: Scene) -> None:
        kept = history_view(scene.coordinator)
        devices = len(
            dr.async_entries_for_config_entry(dr.async_get(scene.hass), scene.entry.entry_id)
        )
        scene.sim.faults.inject(fault, times=2, endpoints={"homescreen"})
        await scene.poll(2)
        skipped = [
            record.getMessage()
            for record in scene.caplog.records
            if "Skipped part of Blink's answer" in record.getMessage()
        ]
        # Two polls with the same damage: each kind of damage is logged once.
        assert skipped
        assert len(skipped) == len(set(skipped))
        assert scene.cloud() == STATE_ON
        assert scene.online(scene.camera.serial) == STATE_UNAVAILABLE
        assert scene.offline_events == []
        assert scene.repairs() == []
        await scene.poll()
        assert_all_online(scene)
        assert (
            len(dr.async_entries_for_config_entry(dr.async_get(scene.hass), scene.entry.entry_id))
            == devices
        )
        assert history_view(scene.coordinator).items() >= kept.items()

    return scenario


async def cameras_missing(scene: Scene) -> None:
    """A homescreen without its camera list: cameras unavailable for that poll, nothing lost."""
    kept = history_view(scene.coordinator)
    scene.sim.faults.inject(Fault.MISSING_CAMERAS, times=1)
    await scene.poll()
    assert scene.cloud() == STATE_ON
    assert scene.online(scene.camera.serial) == STATE_UNAVAILABLE
    assert scene.online(scene.mini.serial) == STATE_ON
    assert scene.offline_events == []
    await scene.poll()
    assert_all_online(scene)
    assert history_view(scene.coordinator).items() >= kept.items()


async def enable_wifi_sensors(scene: Scene) -> None:
    """Turn on the Wi-Fi signal sensors (disabled by default) the way a user does."""
    registry = er.async_get(scene.hass)
    for device in scene.sim.fleet.devices:
        if device.product_code in BATTERY_CAMERA_CODES:
            registry.async_update_entity(
                entity_id(scene.hass, "sensor", device.serial, "wifi_signal"), disabled_by=None
            )
    assert await scene.hass.config_entries.async_reload(scene.entry.entry_id)
    await scene.hass.async_block_till_done()


async def numbers_as_strings(scene: Scene) -> None:
    """Every number sent as a string is still read: the entities show the true values."""
    await enable_wifi_sensors(scene)
    scene.sim.faults.inject(Fault.STRING_NUMBERS, endpoints={"homescreen", "camera_config"})
    await scene.poll()
    assert scene.coordinator.last_update_success
    for device in scene.sim.fleet.devices:
        if device.product_code in BATTERY_CAMERA_CODES:
            assert scene.state("sensor", device.serial, "wifi_signal") == str(device.wifi_bars)
            assert scene.state("sensor", device.serial, "battery_level") not in (
                "unknown",
                STATE_UNAVAILABLE,
            )
    assert_all_online(scene)


async def impossible_signals(scene: Scene) -> None:
    """-255 dBm and voltages of 0 or 9.00 V are ignored: no value, no alarm, no replacement."""
    await enable_wifi_sensors(scene)
    cameras = [d for d in scene.sim.fleet.devices if d.product_code in BATTERY_CAMERA_CODES]
    levels = {c.serial: float(scene.state("sensor", c.serial, "battery_level")) for c in cameras}
    replaced = async_capture_events(scene.hass, "blink_care_battery_replaced")
    low = async_capture_events(scene.hass, "blink_care_battery_low")
    scene.sim.faults.inject(Fault.BAD_SIGNALS)
    scene.sim.requests.reset()
    # Every camera's config is fetched again within 6 h (one per poll).
    await scene.wait(timedelta(hours=6, minutes=30), step=timedelta(minutes=30))
    assert scene.sim.requests.by_endpoint["camera_config"] >= len(cameras)
    for camera in cameras:
        # The impossible reading is dropped: the sensor keeps the last real one (or none).
        voltage = scene.state("sensor", camera.serial, "battery_voltage")
        assert voltage == "unknown" or 1.0 < float(voltage) < 2.0, (camera.name, voltage)
        wifi = scene.hass.states.get(entity_id(scene.hass, "sensor", camera.serial, "wifi_signal"))
        assert wifi is not None
        assert wifi.attributes["dbm"] is None
        level = float(scene.state("sensor", camera.serial, "battery_level"))
        assert abs(level - levels[camera.serial]) <= 5, camera.name
    assert replaced == []
    assert low == []


async def unknown_products(scene: Scene) -> None:
    """A device of an unknown model gets a generic model; an unknown device list is ignored."""
    scene.sim.faults.inject(Fault.UNKNOWN_PRODUCTS)
    await scene.poll(2)
    registry = dr.async_get(scene.hass)
    stranger = registry.async_get_device_by_identifier(
        (DOMAIN, "SIM-UNKNOWN-001"), scene.entry.entry_id
    )
    assert stranger is not None
    assert stranger.model
    assert "condor" in stranger.model
    assert scene.online("SIM-UNKNOWN-001") == STATE_ON
    assert (
        registry.async_get_device_by_identifier((DOMAIN, "SIM-UNKNOWN-002"), scene.entry.entry_id)
        is None
    )
    assert_all_online(scene)


async def device_gone_and_back(scene: Scene) -> None:
    """A camera leaves the account for two days and returns: unavailable, then as it was."""
    camera = scene.camera
    replaced = await record_replacement(scene, camera.serial)
    kept = history_view(scene.coordinator)[camera.serial]
    scene.sim.remove_device(camera.serial)
    await scene.wait(timedelta(days=2), step=timedelta(hours=1))
    assert scene.online(camera.serial) == STATE_UNAVAILABLE
    assert scene.offline_events == []
    assert dr.async_get(scene.hass).async_get_device_by_identifier(
        (DOMAIN, camera.serial), scene.entry.entry_id
    )
    scene.sim.add_device(camera)
    await scene.poll()
    assert scene.online(camera.serial) == STATE_ON
    assert history_view(scene.coordinator)[camera.serial] == kept
    assert abs(shown_replacement(scene, camera.serial) - replaced) <= timedelta(seconds=1)


async def _poll_waiting_for_blink(scene: Scene) -> asyncio.Future[None]:
    """Start a poll whose homescreen request Blink holds back for half a second."""
    scene.sim.faults.inject(Fault.TIMEOUT, times=1, endpoints={"homescreen"}, delay=0.5)
    before = scene.sim.requests.by_endpoint["homescreen"]
    poll = asyncio.ensure_future(scene.coordinator.async_refresh())
    async with asyncio.timeout(5):
        while scene.sim.requests.by_endpoint["homescreen"] == before:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    return poll


def assert_no_traceback(scene: Scene) -> None:
    """Nothing logged an error with a traceback (an unhandled exception)."""
    tracebacks = [
        record.getMessage()
        for record in scene.caplog.records
        if record.levelno >= logging.ERROR and record.exc_info
    ]
    assert not tracebacks


async def unloaded_mid_poll(scene: Scene) -> None:
    """The entry is unloaded (reload, restart of the integration) while a poll waits for Blink."""
    replaced = await record_replacement(scene, scene.camera.serial)
    kept = history_view(scene.coordinator)
    poll = await _poll_waiting_for_blink(scene)
    assert await scene.hass.config_entries.async_unload(scene.entry.entry_id)
    await poll
    await scene.hass.async_block_till_done()
    assert await scene.hass.config_entries.async_setup(scene.entry.entry_id)
    await scene.hass.async_block_till_done()
    assert history_view(scene.coordinator).items() >= kept.items()
    assert abs(shown_replacement(scene, scene.camera.serial) - replaced) <= timedelta(seconds=1)
    assert_all_online(scene)
    assert_no_traceback(scene)


async def stopped_mid_poll(scene: Scene) -> None:
    """Home Assistant stops while a poll waits for Blink; a new start finds the whole history.

    The new start is a second Home Assistant on the same (mocked) storage, as after a restart.
    """
    await record_replacement(scene, scene.camera.serial)
    kept = history_view(scene.coordinator)
    poll = await _poll_waiting_for_blink(scene)
    await scene.hass.async_stop()
    await asyncio.gather(poll, return_exceptions=True)
    async with async_test_home_assistant(config_dir=scene.hass.config.config_dir) as restarted:
        restarted.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)  # allow custom integrations
        entry = MockConfigEntry(
            domain=DOMAIN,
            entry_id=scene.entry.entry_id,
            title=scene.entry.title,
            data=dict(scene.entry.data),
            unique_id=scene.entry.unique_id,
        )
        entry.add_to_hass(restarted)
        assert await restarted.config_entries.async_setup(entry.entry_id)
        await restarted.async_block_till_done()
        coordinator: BlinkCareCoordinator = entry.runtime_data.coordinator
        after = history_view(coordinator)
        assert coordinator.last_update_success
        # Unload first: Home Assistant 2026.8's forced stop leaves the entry's poll timer.
        assert await restarted.config_entries.async_unload(entry.entry_id)
        await restarted.async_stop(force=True)
    assert after.items() >= kept.items()
    assert_no_traceback(scene)


FAULT_MATRIX: tuple[FaultRow, ...] = (
    FaultRow(
        "401-once",
        "HTTP 401 on one request (Blink ended the session)",
        "Signs in again with the stored refresh token and repeats the request; "
        "the user notices nothing.",
        session_ended_once(Fault.HTTP_401),
    ),
    FaultRow(
        "101-once",
        'Body code 101 "Unauthorized Access" on one request',
        "Same as a single 401: a fresh sign-in and one retry, no reauth.",
        session_ended_once(Fault.CODE_101),
    ),
    FaultRow(
        "401-always",
        "HTTP 401 on every request, even after signing in again",
        "Starts reauth; device entities are unavailable and polling pauses until the user "
        "signs in; battery history and replacement records are kept.",
        session_refused_for_good(Fault.HTTP_401),
    ),
    FaultRow(
        "101-always",
        "Body code 101 on every request",
        "As for a persistent 401: reauth, polling paused, history kept.",
        session_refused_for_good(Fault.CODE_101),
    ),
    FaultRow(
        "password-changed",
        "Tokens revoked and the password changed in the Blink app",
        "Starts reauth; after the new password is entered everything carries on with its history.",
        password_changed,
    ),
    FaultRow(
        "406-refresh",
        "HTTP 406 on the token refresh (Blink refuses the hardware id)",
        "Starts reauth; the log says Blink refused this installation's identity (HTTP 406).",
        hardware_id_refused,
    ),
    FaultRow(
        "412-refresh-pin",
        'Token refresh answered "PIN required", and signing in sends a PIN',
        "Starts reauth; the flow asks for the password, then the PIN; history kept.",
        pin_required_again,
    ),
    FaultRow(
        "412-refresh-password",
        'Token refresh answered "PIN required", but the password still signs in',
        "Signs in again with the stored password, without a PIN and without reauth.",
        refresh_refused_password_works,
    ),
    FaultRow(
        "503-refresh-pin",
        "HTTP 503 once on the token renewal, on an account that asks a PIN for new sign-ins",
        "Keeps using the access token, which is still valid, and renews it at the next poll; "
        "no PIN is requested, no reauth, the user notices nothing.",
        renewal_fails_on_pin_account(Fault.HTTP_503),
    ),
    FaultRow(
        "dropped-refresh-pin",
        "The connection dropped once during the token renewal (PIN account)",
        "As for a 503 on the renewal: the valid token is used, renewed at the next poll, no PIN.",
        renewal_fails_on_pin_account(Fault.DISCONNECT),
    ),
    FaultRow(
        "timeout-refresh-pin",
        "No answer from the token endpoint at start (PIN account)",
        "The renewal gives up after 20 seconds; the stored token, still valid, is used and the "
        "integration loads; no PIN, no reauth.",
        renewal_stalls_at_start,
        real_time=True,
    ),
    FaultRow(
        "503-refresh-expired-pin",
        "HTTP 503 on the token renewal at start, the stored token already expired (PIN account)",
        "Setup is retried by Home Assistant with growing pauses; entities are unavailable "
        "meanwhile; no PIN, no reauth; loads as soon as Blink answers.",
        renewal_fails_at_start_token_expired,
    ),
    FaultRow(
        "invalid-grant-pin",
        "Token renewal refused (HTTP 400 invalid_grant) and the password sign-in asks a PIN",
        "Only this starts reauth: the flow asks for the password, then the PIN; history kept.",
        refresh_token_refused_pin_account,
    ),
    FaultRow(
        "429",
        "HTTP 429 (too many requests), for as long as it lasts",
        "Backs off: 4, 8, 16 then 30 minutes between polls (4 requests at most in 30 minutes); "
        'the cloud sensor is off and devices unavailable, never "offline"; no repair raised.',
        backs_off(Fault.HTTP_429),
    ),
    FaultRow(
        "429-retry-after",
        "HTTP 429 with Retry-After: 1200",
        "Sends nothing for the 20 minutes Blink asked for.",
        retry_after_honoured,
    ),
    FaultRow(
        "429-retry-after-day",
        "HTTP 429 with Retry-After: 86400 (a whole day), twice",
        "Waits 30 minutes at most (the longest back-off), then tries again; the log says once "
        "that Blink asked for longer.",
        retry_after_capped,
    ),
    FaultRow(
        "307",
        'Body code 307 "System is busy"',
        "Backs off exactly as for a 429.",
        backs_off(Fault.CODE_307),
    ),
    *(
        FaultRow(
            f"{status}",
            f"HTTP {status} for half an hour",
            'An outage: the cloud sensor is off, devices are unavailable (never "offline"), '
            "no repair or offline event; one request per poll; all back at the next answer.",
            outage(fault),
        )
        for status, fault in ((500, Fault.HTTP_500), (502, Fault.HTTP_502), (503, Fault.HTTP_503))
    ),
    FaultRow(
        "html",
        "An HTML error page where JSON was due",
        "An outage, as for a 5xx.",
        outage(Fault.HTML_ERROR),
    ),
    FaultRow(
        "timeout",
        "No answer within blinkpy's timeout",
        "An outage, as for a 5xx; the poll gives up after the timeout.",
        outage(Fault.TIMEOUT, delay=1.5),
        real_time=True,
    ),
    FaultRow(
        "dropped",
        "Connections dropped without an answer",
        "An outage, as for a 5xx (aiohttp repeats a dropped request once).",
        outage(Fault.DISCONNECT, per_poll=2),
    ),
    FaultRow(
        "refused",
        "Connections refused (nothing listens at Blink's address)",
        "An outage, as for a 5xx; back at the first answer.",
        connection_refused,
    ),
    FaultRow(
        "truncated",
        "A homescreen cut off mid-way (truncated JSON)",
        "That poll is an outage; the next one recovers; nothing is lost.",
        truncated_answer,
    ),
    FaultRow(
        "lists",
        "Lists where objects belong",
        "Unusable entries are skipped and logged once; those devices are unavailable for that "
        "poll; nothing is removed, no offline event; the next good answer restores them.",
        unusable_entries(Fault.WRONG_SHAPE_LISTS),
    ),
    FaultRow(
        "nulls",
        "Nulls where values belong",
        "As for lists: skipped, logged once, nothing removed or alarmed.",
        unusable_entries(Fault.WRONG_SHAPE_NULLS),
    ),
    FaultRow(
        "no-cameras",
        "A homescreen without its `cameras` list",
        "Cameras are unavailable for that poll; sync modules, Minis and doorbells stay; "
        "nothing removed, no offline event.",
        cameras_missing,
    ),
    FaultRow(
        "string-numbers",
        "Numbers sent as strings",
        "Read as numbers: every entity shows the true value.",
        numbers_as_strings,
    ),
    FaultRow(
        "bad-signals",
        "`wifi_strength: -255`, battery voltage 0 or 9.00 V",
        "Ignored: no dBm shown, the voltage sensor keeps the last real reading, the battery "
        "level unchanged, no replacement detected and no low-battery alarm.",
        impossible_signals,
    ),
    FaultRow(
        "unknown-products",
        "Unknown product codes and a new top-level device list",
        "A device of an unknown model gets entities under a generic model named after its code; "
        "a list blink_care does not know is ignored; known devices are unaffected.",
        unknown_products,
    ),
    FaultRow(
        "device-gone-back",
        "A device missing from the account for two days, then back",
        'Unavailable meanwhile (not "offline", kept for 30 days); back with its history and '
        "replacement records.",
        device_gone_and_back,
    ),
    FaultRow(
        "unload-mid-poll",
        "The integration reloaded (entry unloaded) while a poll waits for Blink",
        "The poll is abandoned without a traceback; history written at unload is complete and "
        "the entry carries on with it.",
        unloaded_mid_poll,
        real_time=True,
    ),
    FaultRow(
        "stop-mid-poll",
        "Home Assistant stopping while a poll waits for Blink",
        "The poll is abandoned without a traceback; the next start has the whole history.",
        stopped_mid_poll,
        real_time=True,
    ),
)


def markdown_table(rows: tuple[FaultRow, ...] = FAULT_MATRIX) -> str:
    """The matrix as the README shows it."""
    lines = ["| Fault | What blink_care does |", "|---|---|"]
    lines += [f"| {row.fault} | {row.outcome} |" for row in rows]
    return "\n".join(lines)


@pytest.fixture
def scene_parts(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> tuple[HomeAssistant, SimCloud, MockConfigEntry, pytest.LogCaptureFixture]:
    """What every scene is made of (the clock differs)."""
    return hass, sim, loaded_entry, caplog


def _scene(
    parts: tuple[HomeAssistant, SimCloud, MockConfigEntry, pytest.LogCaptureFixture],
    freezer: FrozenDateTimeFactory | None,
) -> Scene:
    hass, sim, entry, caplog = parts
    scene = Scene(hass, sim, entry, caplog, freezer)
    scene.offline_events = async_capture_events(hass, EVENT_DEVICE_OFFLINE)
    return scene


@pytest.mark.parametrize(
    "row", [row for row in FAULT_MATRIX if not row.real_time], ids=lambda row: row.key
)
async def test_fault_on_simulated_clock(
    row: FaultRow, scene_parts: Any, freezer: FrozenDateTimeFactory
) -> None:
    """One row of the matrix, with polls driven by Home Assistant's timers."""
    await row.scenario(_scene(scene_parts, freezer))


@pytest.mark.parametrize(
    "row", [row for row in FAULT_MATRIX if row.real_time], ids=lambda row: row.key
)
async def test_fault_in_real_time(row: FaultRow, scene_parts: Any) -> None:
    """One row of the matrix that waits on real timeouts."""
    await row.scenario(_scene(scene_parts, None))


def test_readme_carries_the_fault_matrix() -> None:
    """The README's table is exactly the one generated from FAULT_MATRIX."""
    if not README.exists() or README_MARKER not in README.read_text():
        pytest.skip(f"README.md has no {README_MARKER} marker yet")
    text = README.read_text()
    start = text.index(README_MARKER) + len(README_MARKER)
    assert README_END_MARKER in text[start:], f"README.md lacks {README_END_MARKER}"
    block = text[start : text.index(README_END_MARKER, start)]
    table = markdown_table()
    assert block.strip() == table, "regenerate it: scripts/fault_table.py --write README.md"
    assert text.count(table) == 1
