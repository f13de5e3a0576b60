"""The dev server's offline parts: the fleet check, the blinkpy redirect, the config dir.

scripts/develop itself needs Home Assistant 2026.11 running (`scripts/develop --check`);
what is tested here is the logic that decides whether that check passes, the switch that
points blinkpy at the simulator, and what the first start writes into config/.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
import importlib
import importlib.util
from pathlib import Path
import shutil
from types import ModuleType
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    setup_test_component_platform,
)

from blink_sim import Fleet, SimCloud
from blink_sim.__main__ import SECOND_ACCOUNT
from blink_sim.demo import SteerableClock, add_clock_control
from blink_sim.testing import ManualClock
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict

from .conftest import advance

REPO_ROOT = Path(__file__).resolve().parents[1]
DEV_DIR = REPO_ROOT / "scripts" / "dev"
NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _dev_module(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Import a scripts/dev module the way devserver.py sees its siblings (plain names)."""
    monkeypatch.syspath_prepend(str(DEV_DIR))
    return importlib.import_module(name)


def _dev_sitecustomize() -> ModuleType:
    """Load scripts/dev/site/sitecustomize.py under another name (Python has its own)."""
    spec = importlib.util.spec_from_file_location(
        "dev_sitecustomize", DEV_DIR / "site" / "sitecustomize.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # BLINK_SIM_URL is unset: importing changes nothing
    return module


@pytest.fixture
def fleet_check(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return _dev_module("fleet_check", monkeypatch)


@pytest.fixture
def truth() -> dict[str, Any]:
    """The showcase fleet as the simulator's /_sim/state reports it."""
    return SimCloud(Fleet.showcase(NOW), clock=ManualClock(NOW)).state()


def _home_assistant_view(
    truth: dict[str, Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Entity registry and states of a Home Assistant that shows the fleet faithfully."""
    registry: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []

    def add(serial: str, key: str, state: str) -> None:
        entity_id = f"{'sensor' if key == 'battery_level' else 'binary_sensor'}.{serial}_{key}"
        registry.append(
            {"platform": "blink_care", "unique_id": f"{serial}_{key}", "entity_id": entity_id}
        )
        states.append({"entity_id": entity_id, "state": state})

    for device in truth["devices"]:
        add(device["serial"], "online", "on" if device["online"] else "off")
        if device["battery"] is not None:
            add(device["serial"], "battery_level", "42")
            low = device["battery"]["state"] in {"low", "replace"}
            add(device["serial"], "battery_low", "on" if low else "off")
    return registry, states


def _set(states: list[dict[str, Any]], entity_id: str, value: str) -> None:
    next(state for state in states if state["entity_id"] == entity_id)["state"] = value


def _device(truth: dict[str, Any], **match: Any) -> dict[str, Any]:
    return next(d for d in truth["devices"] if all(d[k] == v for k, v in match.items()))


def test_faithful_view_of_the_showcase_fleet_passes(fleet_check, truth):
    registry, states = _home_assistant_view(truth)

    report = fleet_check.check_fleet(truth, registry, states)

    battery_devices = [d for d in truth["devices"] if d["battery"] is not None]
    offline = sorted(d["name"] for d in truth["devices"] if not d["online"])
    assert report.ok
    assert report.devices == len(truth["devices"])
    assert report.battery_levels == report.battery_devices == len(battery_devices)
    assert sorted(report.offline) == offline
    assert offline, "the showcase fleet has an offline camera"
    assert report.summary().startswith("blink_care dev server OK")


def test_a_device_without_its_online_sensor_fails_and_is_named(fleet_check, truth):
    registry, states = _home_assistant_view(truth)
    victim = truth["devices"][3]
    registry = [e for e in registry if e["unique_id"] != f"{victim['serial']}_online"]

    report = fleet_check.check_fleet(truth, registry, states)

    assert not report.ok
    assert f"{victim['name']}: no online entity" in report.summary()


def test_an_online_sensor_that_contradicts_the_simulator_fails(fleet_check, truth):
    registry, states = _home_assistant_view(truth)
    online_device = _device(truth, online=True)
    _set(states, f"binary_sensor.{online_device['serial']}_online", "off")

    report = fleet_check.check_fleet(truth, registry, states)

    assert not report.ok
    assert any(online_device["name"] in problem for problem in report.problems)


def test_unknown_is_accepted_only_for_a_device_the_simulator_has_offline(fleet_check, truth):
    """blink_care confirms an offline device after its grace period; until then: unknown."""
    registry, states = _home_assistant_view(truth)
    offline_device = _device(truth, online=False)
    _set(states, f"binary_sensor.{offline_device['serial']}_online", "unknown")

    pending = fleet_check.check_fleet(truth, registry, states)
    online_device = _device(truth, online=True)
    _set(states, f"binary_sensor.{online_device['serial']}_online", "unknown")
    failing = fleet_check.check_fleet(truth, registry, states)

    assert pending.ok
    assert pending.offline_pending == [offline_device["name"]]
    assert offline_device["name"] in pending.summary()
    assert not failing.ok


def test_battery_low_may_come_early_but_never_late(fleet_check, truth):
    registry, states = _home_assistant_view(truth)
    low_device = next(
        d for d in truth["devices"] if d["battery"] and d["battery"]["state"] in {"low", "replace"}
    )
    healthy = next(d for d in truth["devices"] if d["battery"] and d["battery"]["state"] == "ok")
    _set(states, f"binary_sensor.{healthy['serial']}_battery_low", "on")

    early = fleet_check.check_fleet(truth, registry, states)
    _set(states, f"binary_sensor.{low_device['serial']}_battery_low", "off")
    late = fleet_check.check_fleet(truth, registry, states)

    assert early.ok
    assert not late.ok
    assert any(low_device["name"] in problem for problem in late.problems)


def test_an_unavailable_battery_level_fails(fleet_check, truth):
    registry, states = _home_assistant_view(truth)
    battery_device = _device(truth, online=True, list="cameras")
    _set(states, f"sensor.{battery_device['serial']}_battery_level", "unavailable")

    report = fleet_check.check_fleet(truth, registry, states)

    assert not report.ok
    assert report.battery_levels == report.battery_devices - 1


def test_an_empty_home_assistant_never_passes(fleet_check, truth):
    report = fleet_check.check_fleet(truth, [], [])

    assert not report.ok
    assert len(report.problems) >= len(truth["devices"])


def test_sitecustomize_redirects_blinkpy_only_when_asked(monkeypatch):
    import blinkpy.api  # noqa: PLC0415 - the module whose URLs are redirected

    original = blinkpy.api.OAUTH_TOKEN_URL
    monkeypatch.delenv("BLINK_SIM_URL", raising=False)
    sitecustomize = _dev_sitecustomize()
    assert sitecustomize.redirect_to_simulator() is None
    assert original == blinkpy.api.OAUTH_TOKEN_URL

    monkeypatch.setenv("BLINK_SIM_URL", "http://127.0.0.1:9")
    undo = sitecustomize.redirect_to_simulator()
    try:
        assert blinkpy.api.OAUTH_TOKEN_URL == "http://127.0.0.1:9/oauth/token"
    finally:
        undo()
    assert original == blinkpy.api.OAUTH_TOKEN_URL


def test_first_start_writes_a_config_dir_that_loads_blink_care_and_the_card(monkeypatch, tmp_path):
    devserver = _dev_module("devserver", monkeypatch)
    config_dir = tmp_path / "config"

    first = devserver.prepare_config_dir(config_dir)
    (config_dir / "configuration.yaml").write_text("# the developer's own edits\n")
    again = devserver.prepare_config_dir(config_dir)

    assert first
    assert not again
    assert (config_dir / "configuration.yaml").read_text() == "# the developer's own edits\n"
    link = config_dir / "custom_components" / "blink_care"
    assert (link / "manifest.json").resolve() == (
        REPO_ROOT / "custom_components" / "blink_care" / "manifest.json"
    )
    dashboard = load_yaml_dict(str(config_dir / devserver.DASHBOARD_FILE_NAME))
    card = load_yaml_dict(str(REPO_ROOT / "docs" / "dashboard.yaml"))
    assert dashboard["views"][0]["cards"] == [card]


def _dev_configuration(tmp_path: Path) -> dict[str, Any]:
    """configuration.yaml as Home Assistant reads it in config/ (its scripts.yaml beside it)."""
    shutil.copyfile(DEV_DIR / "configuration.yaml", tmp_path / "configuration.yaml")
    (tmp_path / "scripts.yaml").write_text("", encoding="utf-8")
    return dict(load_yaml_dict(str(tmp_path / "configuration.yaml")))


def test_the_dev_configuration_enables_what_the_ui_needs(tmp_path):
    configuration = _dev_configuration(tmp_path)

    assert {"frontend", "config", "history", "logbook", "repairs", "search"} <= set(configuration)
    assert "default_config" not in configuration
    # Since Home Assistant 2026.11 `http:` in YAML is migrated once and then raises a repair.
    assert "http" not in configuration


# --------------------------------------------------------------------------------------------
# The demo: a year of history, a simulated plug, a second account
# --------------------------------------------------------------------------------------------


@pytest.fixture
def provision(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return _dev_module("provision", monkeypatch)


def test_the_demo_plug_feeds_the_showcase_nursery_mini(tmp_path, provision):
    """configuration.yaml's plug, the demo's mapping and the simulator agree on the Mini."""
    demo = provision.DEMO
    (plug,) = _dev_configuration(tmp_path)["switch"]
    nursery = Fleet.showcase(NOW).device(demo.mini_serial)

    assert plug["platform"] == "sim_plug"
    assert plug["serial"] == demo.mini_serial
    assert f"switch.{plug['name'].lower().replace(' ', '_')}" == demo.plug_entity_id
    assert (nursery.name, nursery.product_code) == (demo.mini_label, "owl")
    assert "script" in _dev_configuration(tmp_path)


def test_first_start_links_the_simulated_plug_and_an_empty_scripts_file(monkeypatch, tmp_path):
    devserver = _dev_module("devserver", monkeypatch)
    config_dir = tmp_path / "config"

    devserver.prepare_config_dir(config_dir)

    manifest = config_dir / "custom_components" / "sim_plug" / "manifest.json"
    assert manifest.resolve() == DEV_DIR / "dev_integrations" / "sim_plug" / "manifest.json"
    assert (config_dir / "scripts.yaml").read_text() == ""
    # A folder named custom_components under scripts/dev would shadow Home Assistant's own
    # custom_components package in the seeding process (whose path starts there).
    assert not (DEV_DIR / "custom_components").exists()


def test_the_banner_gives_both_blink_accounts_their_pins_and_the_control_api(monkeypatch):
    devserver = _dev_module("devserver", monkeypatch)
    settings = devserver.parse_args([])

    text = devserver.banner(settings, devserver.Owner(), devserver.BlinkAccount())

    for account in (devserver.BlinkAccount(), SECOND_ACCOUNT):
        assert f"{account.username} / {account.password}" in text
        assert f"PIN {account.pin}" in text
    assert f"{settings.sim_url}/_sim/state" in text
    assert "Ctrl+C" in text
    assert "home-assistant.log" in text


def test_only_a_log_without_error_lines_is_clean(monkeypatch, tmp_path):
    devserver = _dev_module("devserver", monkeypatch)
    log = tmp_path / "home-assistant.log"
    log.write_text(
        "2026-12-05 08:44:44 WARNING (MainThread) [homeassistant.bootstrap] Skipping pip\n"
        "2026-12-05 08:44:48 ERROR (MainThread) [homeassistant.components.met] No module\n",
        encoding="utf-8",
    )

    assert devserver.log_errors(log) == [log.read_text().splitlines()[1]]
    assert devserver.log_errors(tmp_path / "missing.log") == []


def _demo_view(truth: dict[str, Any], predicted: set[str]) -> tuple[list[Any], list[Any]]:
    registry: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = [{"entity_id": "switch.nursery_plug", "state": "on"}]
    for device in truth["devices"]:
        if device["battery"] is None:
            continue
        for key in ("battery_replacement_due", "batteries_replaced"):
            entity_id = f"sensor.{device['serial']}_{key}"
            registry.append(
                {
                    "platform": "blink_care",
                    "unique_id": f"{device['serial']}_{key}",
                    "entity_id": entity_id,
                }
            )
            value = "2027-03-01T00:00:00+00:00" if device["name"] in predicted else "unknown"
            states.append({"entity_id": entity_id, "state": value})
    return registry, states


def test_the_demo_check_wants_a_predicted_camera_and_the_plug_on(fleet_check, truth):
    registry, states = _demo_view(truth, {"Driveway"})
    assert fleet_check.check_demo(truth, registry, states, "switch.nursery_plug").ok

    doorbell_only = fleet_check.check_demo(
        truth, *_demo_view(truth, {"Front Door"}), "switch.nursery_plug"
    )
    assert not doorbell_only.ok, "a doorbell's date is not a battery camera's"
    assert not fleet_check.check_demo(truth, *_demo_view(truth, set()), "switch.nursery_plug").ok
    _set(states, "switch.nursery_plug", "unavailable")
    assert not fleet_check.check_demo(truth, registry, states, "switch.nursery_plug").ok


@pytest.fixture
def seed_history(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return _dev_module("seed_history", monkeypatch)


def _truth_with(serial: str, name: str, state: str, depth: float) -> dict[str, Any]:
    battery = {"state": state, "depth_of_discharge": depth}
    return {"devices": [{"serial": serial, "name": name, "online": True, "battery": battery}]}


def test_the_household_replaces_batteries_days_after_blink_says_low(seed_history):
    start = NOW - timedelta(days=365)
    household = seed_history.Household(start=start, end=NOW)
    day = start + timedelta(days=30)

    assert household.act(day, _truth_with("CAM", "Driveway", "ok", 0.5)) == []
    assert household.act(day, _truth_with("CAM", "Driveway", "low", 0.93)) == []
    days_later = [day + timedelta(days=n) for n in range(1, 6)]
    calls = [
        household.act(when, _truth_with("CAM", "Driveway", "low", 0.95)) for when in days_later
    ]

    assert [("CAM", "replace_batteries")] in calls
    assert calls.count([("CAM", "replace_batteries")]) == 1


def test_once_a_year_a_camera_runs_flat_before_it_gets_new_batteries(seed_history):
    start = NOW - timedelta(days=365)
    household = seed_history.Household(start=start, end=NOW)
    day = start + timedelta(days=200)

    household.act(day, _truth_with("CAM", "Porch", "low", 0.93))
    week = [day + timedelta(days=n) for n in range(1, 8)]
    before_death = [household.act(when, _truth_with("CAM", "Porch", "low", 0.97)) for when in week]
    dead_at = day + timedelta(days=8)
    household.act(dead_at, _truth_with("CAM", "Porch", "low", 1.0))
    after = household.act(dead_at + timedelta(days=3), _truth_with("CAM", "Porch", "low", 1.0))

    assert all(calls == [] for calls in before_death)
    assert after == [("CAM", "replace_batteries")]


def test_alerts_of_the_last_weeks_are_left_for_the_demo_to_show(seed_history):
    household = seed_history.Household(start=NOW - timedelta(days=365), end=NOW)
    recent = NOW - timedelta(days=10)

    household.act(recent, _truth_with("CAM", "Porch", "low", 0.93))
    later = household.act(NOW - timedelta(days=1), _truth_with("CAM", "Porch", "low", 0.98))

    assert later == []


def test_the_garage_comes_back_at_the_start_and_drops_off_three_hours_before_the_end(seed_history):
    household = seed_history.Household(start=NOW - timedelta(days=365), end=NOW)
    garage = {"serial": "G", "name": "Garage", "online": False, "battery": None}

    early = household.act(NOW - timedelta(days=364), {"devices": [garage]})
    garage["online"] = True
    late = household.act(NOW - seed_history.GARAGE_OFFLINE_FOR, {"devices": [garage]})

    assert ("G", "online") in early
    assert ("G", "offline") in late


async def test_replaying_the_history_puts_a_restarted_simulator_where_the_year_left_it(
    socket_enabled, tmp_path, monkeypatch
):
    sim_history = _dev_module("sim_history", monkeypatch)
    start = NOW - timedelta(days=365)
    history = sim_history.SimHistory(start)
    clouds = []
    for _run in range(2):
        clock = SteerableClock(start)
        cloud = SimCloud(Fleet.showcase(clock()), clock=clock)
        add_clock_control(cloud, clock)
        await cloud.start()
        clouds.append(cloud)
    first, restarted = clouds
    try:
        async with aiohttp.ClientSession() as session:
            control = sim_history.SimControl(session, first.base_url)
            porch = next(d for d in first.fleet.devices if d.name == "Porch").serial
            for at, action in (
                (start + timedelta(days=3), "replace_batteries"),
                (start + timedelta(days=90), "offline"),
            ):
                await control.set_clock(at)
                await control.device(porch, action)
                history.record(at, porch, action)
            await control.set_clock(NOW)
            history.save(tmp_path)
            replayed = await sim_history.replay(
                sim_history.SimControl(session, restarted.base_url),
                sim_history.SimHistory.load(tmp_path),
                NOW,
            )
        before, after = first.state(), restarted.state()
    finally:
        for cloud in clouds:
            await cloud.stop()

    assert replayed == 2
    by_serial = {device["serial"]: device for device in after["devices"]}
    for device in before["devices"]:
        assert by_serial[device["serial"]]["online"] == device["online"], device["name"]
        if device["battery"]:
            assert by_serial[device["serial"]]["battery"]["depth_of_discharge"] == pytest.approx(
                device["battery"]["depth_of_discharge"], abs=0.001
            ), device["name"]


def test_a_damaged_history_file_is_refused_with_a_reason(monkeypatch, tmp_path):
    sim_history = _dev_module("sim_history", monkeypatch)
    (tmp_path / sim_history.HISTORY_FILE_NAME).write_text('{"calls": []}', encoding="utf-8")

    with pytest.raises(ValueError, match="not a simulated history"):
        sim_history.SimHistory.load(tmp_path)
    assert sim_history.SimHistory.load(tmp_path / "elsewhere") is None


def _sim_plug_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "sim_plug_switch", DEV_DIR / "dev_integrations" / "sim_plug" / "switch.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_simulated_plug_power_cycles_a_mini_through_blink_care(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The dev server's plug is a real switch: blink_care's power_cycle runs through it."""
    mini = next(device for device in sim.fleet.devices if device.product_code == "owl")
    plug = _sim_plug_module().SimPlug("Mini plug", mini.serial, sim.base_url, boot_seconds=20)
    setup_test_component_platform(hass, "switch", [plug])
    assert await async_setup_component(hass, "switch", {"switch": {"platform": "test"}})
    hass.config_entries.async_update_entry(
        loaded_entry, options={"power_plugs": {mini.serial: plug.entity_id}}
    )
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device_by_identifier(
        ("blink_care", mini.serial), loaded_entry.entry_id
    )
    assert device is not None
    offline_seen: list[bool] = []

    async def watch() -> None:
        while not offline_seen:
            if (
                not sim.state()["devices"]
                or not next(d for d in sim.state()["devices"] if d["serial"] == mini.serial)[
                    "online"
                ]
            ):
                offline_seen.append(True)
            await asyncio.sleep(0)

    watcher = asyncio.ensure_future(watch())
    call = hass.services.async_call(
        "blink_care",
        "power_cycle",
        {"device_id": device.id, "off_seconds": 10},
        blocking=True,
        return_response=True,
    )
    task = asyncio.ensure_future(call)
    await advance(hass, freezer, timedelta(minutes=4), step=timedelta(seconds=5))
    response = await task
    watcher.cancel()

    assert offline_seen, "the Mini never lost power"
    assert response["result"] == "back_online"
    assert response["switch_entity_id"] == plug.entity_id
    assert hass.states.get(plug.entity_id).state == "on"
    assert next(d for d in sim.state()["devices"] if d["serial"] == mini.serial)["online"]
