"""The dev server's offline parts: the fleet check, the blinkpy redirect, the config dir.

scripts/develop itself needs Home Assistant 2026.11 running (`scripts/develop --check`);
what is tested here is the logic that decides whether that check passes, the switch that
points blinkpy at the simulator, and what the first start writes into config/.
"""

from __future__ import annotations

from datetime import UTC, datetime
import importlib
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from blink_sim import Fleet, SimCloud
from blink_sim.testing import ManualClock
from homeassistant.util.yaml import load_yaml_dict

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


def test_the_dev_configuration_enables_what_the_ui_needs():
    configuration = load_yaml_dict(str(DEV_DIR / "configuration.yaml"))

    assert {"frontend", "config", "history", "logbook", "repairs", "search"} <= set(configuration)
    assert "default_config" not in configuration
    # Since Home Assistant 2026.11 `http:` in YAML is migrated once and then raises a repair.
    assert "http" not in configuration
