"""Repair issues raised and cleared by the simulated cloud, and their fix flows step by step."""

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
    setup_test_component_platform,
)

from blink_sim import Fault, SimCloud, SimDevice
from custom_components.blink_care.const import CONF_POWER_PLUGS, DOMAIN
from custom_components.blink_care.coordinator import BlinkCareCoordinator
from custom_components.blink_care.engine.battery import BatteryHealth, ReplacementSource
from custom_components.blink_care.engine.catalog import (
    ModelEntry,
    ProcedureName,
    StepKind,
    battery_description,
    model_for,
)
from custom_components.blink_care.engine.fleet import FleetState
from custom_components.blink_care.events import EVENT_BATTERY_REPLACED
from custom_components.blink_care.issues import async_remove_entry_issues
from custom_components.blink_care.repairs import numbered
from homeassistant.components.repairs import RepairsFlowManager, repairs_flow_manager
from homeassistant.components.switch import SwitchEntity
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.setup import async_setup_component

from .conftest import advance

POLL = timedelta(seconds=120)
GRACE = timedelta(minutes=10)
PLUG = "switch.mini_plug"


@pytest.fixture
async def flows(hass: HomeAssistant) -> RepairsFlowManager:
    """The repairs integration, whose flow manager drives the fix flows."""
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    return manager


def _coordinator(entry: MockConfigEntry) -> BlinkCareCoordinator:
    coordinator: BlinkCareCoordinator = entry.runtime_data.coordinator
    return coordinator


def _first(sim: SimCloud, *codes: str) -> SimDevice:
    return next(d for d in sim.fleet.devices if d.product_code in codes)


def _camera(sim: SimCloud) -> SimDevice:
    """A battery camera behind the sync module."""
    return next(d for d in sim.fleet.devices if d.battery_powered and d.product_code != "lotus")


def _model(device: SimDevice) -> ModelEntry:
    return model_for(device.product_code)


def _power_cycle_step(model: ModelEntry) -> int:
    """Where the offline guide asks for a power cycle (the step the plug button belongs to)."""
    steps = model.procedures[ProcedureName.OFFLINE].typed_steps
    return next(i for i, step in enumerate(steps) if step.kind is StepKind.POWER_CYCLE)


def _own_issues(issue_registry: ir.IssueRegistry) -> dict[str, ir.IssueEntry]:
    return {
        issue.issue_id: issue
        for issue in issue_registry.issues.values()
        if issue.domain == DOMAIN and issue.active
    }


async def _until(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    condition: Callable[[], bool],
    limit: timedelta,
    step: timedelta = timedelta(minutes=10),
) -> timedelta:
    """Let time pass (polls happen) until the condition holds; how long that took."""
    waited = timedelta(0)
    while not condition():
        assert waited < limit, f"not reached within {limit}"
        await advance(hass, freezer, step, step=POLL)
        waited += step
    return waited


def _issue_present(issue_registry: ir.IssueRegistry, issue_id: str) -> Callable[[], bool]:
    return lambda: issue_id in _own_issues(issue_registry)


def _issue_gone(issue_registry: ir.IssueRegistry, issue_id: str) -> Callable[[], bool]:
    return lambda: issue_id not in _own_issues(issue_registry)


async def _take_offline(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: SimCloud, serial: str
) -> None:
    """Unplug a device and let the grace period pass."""
    sim.set_online(serial, False)
    await advance(hass, freezer, GRACE + 2 * POLL, step=POLL)


async def _advance_beside_progress(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flows: RepairsFlowManager,
    flow_id: str,
    delta: timedelta,
) -> None:
    """Like advance(), but the flow's progress task (which waits on the clock) runs on.

    advance() waits for every task after each tick; this task only ends when time has moved.
    """
    progress = flows._progress[flow_id].async_get_progress_task()
    assert progress is not None
    step = timedelta(seconds=10)
    while delta > timedelta(0) and not progress.done():
        freezer.tick(step)
        async_fire_time_changed(hass)
        while others := (hass._tasks | hass._background_tasks) - {progress}:
            await asyncio.wait(others)
        delta -= step
    assert progress.done()
    await hass.async_block_till_done(wait_background_tasks=True)


async def _start(flows: RepairsFlowManager, issue_id: str) -> dict[str, Any]:
    return dict(await flows.async_init(DOMAIN, data={"issue_id": issue_id}))


async def _choose(flows: RepairsFlowManager, flow_id: str, option: str) -> dict[str, Any]:
    return dict(await flows.async_configure(flow_id, {"next_step_id": option}))


# -- battery ---------------------------------------------------------------------------------


async def test_battery_low_raised_escalated_and_cleared_by_the_cloud(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Draining cells raise a warning, then an error; new cells clear it without a restart."""
    camera = _camera(sim)
    issue_id = f"battery_low_{camera.serial}"
    sim.set_battery(camera.serial, 0.97)
    await _until(hass, freezer, _issue_present(issue_registry, issue_id), timedelta(days=1))

    issue = _own_issues(issue_registry)[issue_id]
    model = _model(camera)
    assert issue.severity is ir.IssueSeverity.WARNING
    assert issue.translation_key == "battery_low"
    assert issue.is_fixable
    assert issue.learn_more_url == model.support_url
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["device"] == camera.name
    assert issue.translation_placeholders["model"] == model.name
    assert issue.data == {"entry_id": loaded_entry.entry_id, "serial": camera.serial}
    # Only this camera is low.
    assert [i for i in _own_issues(issue_registry) if i.startswith("battery_low_")] == [issue_id]

    await _until(
        hass,
        freezer,
        lambda: _own_issues(issue_registry)[issue_id].severity is ir.IssueSeverity.ERROR,
        timedelta(days=2),
    )

    sim.replace_batteries(camera.serial)
    await _until(hass, freezer, _issue_gone(issue_registry, issue_id), timedelta(hours=6))
    # And it stays gone.
    await advance(hass, freezer, timedelta(hours=6), step=POLL)
    assert issue_id not in _own_issues(issue_registry)


async def test_battery_fix_flow_records_the_replacement(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    flows: RepairsFlowManager,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The model's steps are shown; "later" keeps the issue, "replaced" records and closes it."""
    camera = _camera(sim)
    issue_id = f"battery_low_{camera.serial}"
    sim.set_battery(camera.serial, 0.97)
    await _until(hass, freezer, _issue_present(issue_registry, issue_id), timedelta(days=1))
    procedure = _model(camera).procedures[ProcedureName.BATTERY_CHANGE]

    result = await _start(flows, issue_id)
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "battery"
    assert result["menu_options"] == ["replaced", "later"]
    steps = result["description_placeholders"]["steps"]
    # Blink's battery-type warning comes before the steps that open the camera.
    assert steps.index(procedure.warnings[-1]) < steps.index(f"1. {procedure.steps[0]}")
    assert f"{len(procedure.steps)}. {procedure.steps[-1]}" in steps
    assert result["description_placeholders"]["battery"] == battery_description(_model(camera))

    result = await _choose(flows, result["flow_id"], "later")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "remind_later"
    assert issue_id in _own_issues(issue_registry)

    replaced_events = async_capture_events(hass, EVENT_BATTERY_REPLACED)
    sim.replace_batteries(camera.serial)
    result = await _start(flows, issue_id)
    result = await _choose(flows, result["flow_id"], "replaced")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert issue_id not in _own_issues(issue_registry)
    await hass.async_block_till_done()
    assert [event.data["source"] for event in replaced_events] == ["manual"]
    battery = _coordinator(loaded_entry).data.devices[camera.serial].battery
    assert battery is not None
    assert battery.last_replaced is not None
    assert battery.last_replaced.source is ReplacementSource.MANUAL

    # The new cells keep it closed.
    await advance(hass, freezer, timedelta(hours=12), step=POLL)
    assert issue_id not in _own_issues(issue_registry)


async def test_fixed_issue_comes_back_while_the_condition_holds(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    flows: RepairsFlowManager,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Closing an offline issue by hand does not hide a device that is still offline."""
    camera = _camera(sim)
    issue_id = f"device_offline_{camera.serial}"
    await _take_offline(hass, freezer, sim, camera.serial)
    issue_registry.async_delete(DOMAIN, issue_id)
    assert issue_id not in _own_issues(issue_registry)
    await advance(hass, freezer, POLL, step=POLL)
    assert issue_id in _own_issues(issue_registry)


async def test_wrong_battery_type_flow_explains_the_supported_cells(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    flows: RepairsFlowManager,
) -> None:
    """A wrong-type verdict raises its issue; the flow names the supported cells and closes."""
    camera = _camera(sim)
    coordinator = _coordinator(loaded_entry)
    state = coordinator.data.devices[camera.serial]
    assert state.battery is not None
    wrong = replace(state, battery=replace(state.battery, health=BatteryHealth.WRONG_TYPE))
    fleet = FleetState(
        coordinator.data.account,
        {**coordinator.data.devices, camera.serial: wrong},
        coordinator.data.offline_count,
    )
    coordinator.issues.async_update(fleet)
    issue_id = f"wrong_battery_type_{camera.serial}"
    issue = _own_issues(issue_registry)[issue_id]
    supported = battery_description(_model(camera))
    assert supported is not None
    assert "lithium" in supported
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["battery"] == supported
    assert issue.severity is ir.IssueSeverity.WARNING

    result = await _start(flows, issue_id)
    assert result["step_id"] == "battery"
    assert result["description_placeholders"]["battery"] == supported
    result = await _choose(flows, result["flow_id"], "replaced")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert issue_id not in _own_issues(issue_registry)

    # The verdict clears with the real state of the next poll.
    coordinator.issues.async_update(coordinator.data)
    assert issue_id not in _own_issues(issue_registry)


# -- offline ---------------------------------------------------------------------------------


async def test_offline_issue_after_grace_and_cleared_when_back(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No issue inside the grace period; one after it; gone at the first poll that sees it."""
    camera = _camera(sim)
    issue_id = f"device_offline_{camera.serial}"
    sim.set_online(camera.serial, False)
    await advance(hass, freezer, GRACE - POLL, step=POLL)
    assert issue_id not in _own_issues(issue_registry)

    await advance(hass, freezer, 2 * POLL, step=POLL)
    issue = _own_issues(issue_registry)[issue_id]
    assert issue.translation_key == "device_offline"
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.learn_more_url == _model(camera).support_url
    assert issue.translation_placeholders == {
        "device": camera.name,
        "model": _model(camera).name,
    }

    sim.set_online(camera.serial, True)
    await advance(hass, freezer, POLL, step=POLL)
    assert issue_id not in _own_issues(issue_registry)


async def test_offline_fix_flow_walks_the_guide_until_back_online(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    flows: RepairsFlowManager,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One step per screen, a fresh poll after each, success as soon as it is back."""
    camera = _camera(sim)
    issue_id = f"device_offline_{camera.serial}"
    guide = _model(camera).procedures[ProcedureName.OFFLINE].steps
    await _take_offline(hass, freezer, sim, camera.serial)

    result = await _start(flows, issue_id)
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "offline_step"
    # A battery camera cannot be power-cycled through a plug.
    assert result["menu_options"] == ["check", "later"]
    placeholders = result["description_placeholders"]
    assert (placeholders["number"], placeholders["total"]) == ("1", str(len(guide)))
    assert placeholders["step"] == guide[0]

    sim.requests.reset()
    result = await _choose(flows, result["flow_id"], "check")
    assert sim.requests.by_endpoint["homescreen"] == 1
    assert result["step_id"] == "still_offline"
    assert result["description_placeholders"]["number"] == "2"
    assert result["description_placeholders"]["step"] == guide[1]

    sim.set_online(camera.serial, True)
    result = await _choose(flows, result["flow_id"], "check")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["description"] == "back_online"
    assert issue_id not in _own_issues(issue_registry)


async def test_offline_guide_ends_with_support_when_nothing_helps(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    flows: RepairsFlowManager,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After the last step the flow stops and the issue stays."""
    camera = _camera(sim)
    issue_id = f"device_offline_{camera.serial}"
    guide = _model(camera).procedures[ProcedureName.OFFLINE].steps
    await _take_offline(hass, freezer, sim, camera.serial)

    result = await _start(flows, issue_id)
    shown = [result["description_placeholders"]["step"]]
    while result["type"] is FlowResultType.MENU:
        result = await _choose(flows, result["flow_id"], "check")
        if result["type"] is FlowResultType.MENU:
            shown.append(result["description_placeholders"]["step"])
    assert shown == list(guide)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "still_offline"
    assert issue_id in _own_issues(issue_registry)


async def test_offline_check_during_cloud_outage_says_it_could_not_check(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    flows: RepairsFlowManager,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A failed poll is not read as "still offline"."""
    camera = _camera(sim)
    await _take_offline(hass, freezer, sim, camera.serial)
    result = await _start(flows, f"device_offline_{camera.serial}")
    sim.faults.inject(Fault.HTTP_503)
    result = await _choose(flows, result["flow_id"], "check")
    assert result["step_id"] == "not_checked"


async def test_sync_module_outage_is_one_issue_naming_its_cameras(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    flows: RepairsFlowManager,
    freezer: FrozenDateTimeFactory,
) -> None:
    """One sync-module issue, none for the cameras behind it, and all clear on its return."""
    module = _first(sim, "sm2")
    cameras = sorted(
        d.name for d in sim.fleet.devices if d.network_id == module.network_id and d is not module
    )
    assert len(cameras) == 3
    await _take_offline(hass, freezer, sim, module.serial)
    await advance(hass, freezer, timedelta(minutes=30), step=POLL)

    issues = _own_issues(issue_registry)
    assert list(issues) == [f"sync_module_offline_{module.serial}"]
    issue = issues[f"sync_module_offline_{module.serial}"]
    assert issue.translation_key == "sync_module_offline"
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["cameras"] == ", ".join(cameras)

    result = await _start(flows, issue.issue_id)
    assert result["step_id"] == "offline_step"
    assert result["description_placeholders"]["cameras"] == ", ".join(cameras)
    guide = _model(module).procedures[ProcedureName.OFFLINE].steps
    assert result["description_placeholders"]["step"] == guide[0]
    flows.async_abort(result["flow_id"])

    sim.set_online(module.serial, True)
    await advance(hass, freezer, timedelta(minutes=30), step=POLL)
    assert _own_issues(issue_registry) == {}


async def test_cloud_outage_raises_and_clears_nothing(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """30 minutes without the cloud: no new issue, and an existing one is not cleared."""
    camera = _camera(sim)
    issue_id = f"device_offline_{camera.serial}"
    await _take_offline(hass, freezer, sim, camera.serial)
    assert list(_own_issues(issue_registry)) == [issue_id]

    registry_events = async_capture_events(hass, ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED)
    sim.faults.inject(Fault.HTTP_503)
    sim.set_online(camera.serial, True)  # it comes back while nobody can see it
    await advance(hass, freezer, timedelta(minutes=30), step=timedelta(seconds=30))
    assert list(_own_issues(issue_registry)) == [issue_id]
    assert registry_events == []

    sim.faults.clear()
    await advance(hass, freezer, timedelta(minutes=10), step=POLL)
    assert _own_issues(issue_registry) == {}


async def test_ignored_issue_stays_ignored_until_the_condition_returns(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Polls leave an ignored issue alone, a reload too; a new outage is a new issue."""
    camera = _camera(sim)
    issue_id = f"device_offline_{camera.serial}"
    await _take_offline(hass, freezer, sim, camera.serial)
    ir.async_ignore_issue(hass, DOMAIN, issue_id, True)

    registry_events = async_capture_events(hass, ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED)
    await advance(hass, freezer, timedelta(hours=2), step=POLL)
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await advance(hass, freezer, timedelta(minutes=10), step=POLL)
    assert registry_events == []
    assert _own_issues(issue_registry)[issue_id].dismissed_version is not None

    sim.set_online(camera.serial, True)
    await advance(hass, freezer, POLL, step=POLL)
    assert issue_id not in _own_issues(issue_registry)

    await _take_offline(hass, freezer, sim, camera.serial)
    assert _own_issues(issue_registry)[issue_id].dismissed_version is None


async def test_polls_write_to_the_registry_only_on_change(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An hour of polls with a persisting outage makes no registry call; the return makes one."""
    camera = _camera(sim)
    await _take_offline(hass, freezer, sim, camera.serial)
    with (
        patch.object(ir, "async_create_issue", wraps=ir.async_create_issue) as create,
        patch.object(ir, "async_delete_issue", wraps=ir.async_delete_issue) as delete,
    ):
        await advance(hass, freezer, timedelta(hours=1), step=POLL)
        assert create.call_count == 0
        assert delete.call_count == 0
        sim.set_online(camera.serial, True)
        await advance(hass, freezer, POLL, step=POLL)
        assert create.call_count == 0
        assert [c.args[2] for c in delete.call_args_list] == [f"device_offline_{camera.serial}"]


async def test_restart_keeps_ignored_issues_and_drops_cleared_ones(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After a restart the registry holds only stubs: the first poll sorts them out.

    A stub whose condition holds becomes the issue again, still ignored; one whose condition
    cleared while Home Assistant was down is deleted, so it is not ignored the next time.
    """
    still, cleared = _first(sim, "sedona"), _first(sim, "catalina")
    await _take_offline(hass, freezer, sim, still.serial)
    await _take_offline(hass, freezer, sim, cleared.serial)
    for device in (still, cleared):
        ir.async_ignore_issue(hass, DOMAIN, f"device_offline_{device.serial}", True)
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    # What Home Assistant loads at start for a non-persistent issue: no data, not active.
    for key, issue in list(issue_registry.issues.items()):
        issue_registry.issues[key] = replace(
            issue, active=False, data=None, translation_placeholders=None
        )
    sim.set_online(cleared.serial, True)

    assert await hass.config_entries.async_setup(loaded_entry.entry_id)
    await hass.async_block_till_done()
    issue = _own_issues(issue_registry)[f"device_offline_{still.serial}"]
    assert issue.dismissed_version is not None
    assert issue.data == {"entry_id": loaded_entry.entry_id, "serial": still.serial}
    assert (DOMAIN, f"device_offline_{cleared.serial}") not in issue_registry.issues


async def test_power_cycle_from_the_guide_through_a_smart_plug(
    hass: HomeAssistant,
    sim: SimCloud,
    config_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    flows: RepairsFlowManager,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At the power-cycle step a mapped Mini can be cycled from the dialog, ending back online."""
    mini = _first(sim, "owl")
    plug = _Plug(on_power=lambda on: sim.set_online(mini.serial, on))
    setup_test_component_platform(hass, "switch", [plug])
    assert await async_setup_component(hass, "switch", {"switch": [{"platform": "test"}]})
    hass.config_entries.async_update_entry(
        config_entry, options={**config_entry.options, CONF_POWER_PLUGS: {mini.serial: PLUG}}
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _take_offline(hass, freezer, sim, mini.serial)
    guide = _model(mini).procedures[ProcedureName.OFFLINE].steps
    power_step = _power_cycle_step(_model(mini))

    result = await _start(flows, f"device_offline_{mini.serial}")
    for _ in range(power_step):
        assert "power_cycle" not in result["menu_options"]
        result = await _choose(flows, result["flow_id"], "check")
    assert result["description_placeholders"]["step"] == guide[power_step]
    assert result["menu_options"] == ["power_cycle", "check", "later"]
    assert result["description_placeholders"]["plug"] == PLUG

    result = await _choose(flows, result["flow_id"], "power_cycle")
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    await _advance_beside_progress(hass, freezer, flows, result["flow_id"], timedelta(minutes=3))
    result = dict(await flows.async_configure(result["flow_id"]))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["description"] == "back_online"
    assert plug.switched == [False, True]
    assert plug.is_on


async def test_power_cycle_failure_offers_the_step_again(
    hass: HomeAssistant,
    sim: SimCloud,
    config_entry: MockConfigEntry,
    flows: RepairsFlowManager,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A plug that does not exist: the action's own error is shown, the guide goes on."""
    mini = _first(sim, "owl")
    hass.config_entries.async_update_entry(
        config_entry, options={**config_entry.options, CONF_POWER_PLUGS: {mini.serial: PLUG}}
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    await _take_offline(hass, freezer, sim, mini.serial)
    guide = _model(mini).procedures[ProcedureName.OFFLINE].steps
    power_step = _power_cycle_step(_model(mini))

    result = await _start(flows, f"device_offline_{mini.serial}")
    for _ in range(power_step):
        result = await _choose(flows, result["flow_id"], "check")
    result = await _choose(flows, result["flow_id"], "power_cycle")
    await hass.async_block_till_done(wait_background_tasks=True)
    result = dict(await flows.async_configure(result["flow_id"]))
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "power_cycle_failed"
    assert PLUG in result["description_placeholders"]["error"]
    assert result["description_placeholders"]["step"] == guide[power_step]
    assert "check" in result["menu_options"]


class _Plug(SwitchEntity):
    """A smart plug whose power reaches the simulated device."""

    _attr_name = "Mini plug"
    _attr_unique_id = "mini_plug"

    def __init__(self, on_power: Callable[[bool], None]) -> None:
        self._attr_is_on = True
        self._on_power = on_power
        self.switched: list[bool] = []

    async def async_turn_on(self, **kwargs: Any) -> None:
        self._switch(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        self._switch(False)

    def _switch(self, on: bool) -> None:
        self._attr_is_on = on
        self.switched.append(on)
        self._on_power(on)
        self.async_write_ha_state()


# -- start_troubleshooting -------------------------------------------------------------------


def _device_id(hass: HomeAssistant, entry: MockConfigEntry, serial: str) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, serial), entry.entry_id)
    assert device is not None
    return device.id


async def _troubleshoot(hass: HomeAssistant, device_id: str, symptom: str) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "start_troubleshooting",
        {"device_id": device_id, "symptom": symptom},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response


@pytest.mark.parametrize(
    ("code", "symptom", "procedures", "first_step"),
    [
        ("catalina", "offline", (ProcedureName.OFFLINE,), "offline_step"),
        ("owl", "flashing_red", (ProcedureName.FLASHING_RED,), "guide"),
        ("lotus", "low_battery", (ProcedureName.BATTERY_CHANGE,), "battery"),
        (
            "sedona",
            "reset_failed",
            (ProcedureName.SOFT_RESET, ProcedureName.FACTORY_RESET),
            "guide",
        ),
        (
            "sm2",
            "reset_failed",
            (ProcedureName.SOFT_RESET, ProcedureName.SYNC_MODULE_RESET),
            "guide",
        ),
        ("catalina_indoor", "already_registered", (ProcedureName.REMOVE_FROM_ACCOUNT,), "guide"),
    ],
)
async def test_start_troubleshooting_opens_the_guide_for_symptom_and_model(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    flows: RepairsFlowManager,
    freezer: FrozenDateTimeFactory,
    code: str,
    symptom: str,
    procedures: tuple[ProcedureName, ...],
    first_step: str,
) -> None:
    """The action returns the issue id; the issue's flow shows that model's steps."""
    device = _first(sim, code)
    model = _model(device)
    guide = tuple(model.procedures[name] for name in procedures)
    response = await _troubleshoot(hass, _device_id(hass, loaded_entry, device.serial), symptom)
    assert response == {"issue_id": f"troubleshooting_{device.serial}"}
    issue = _own_issues(issue_registry)[response["issue_id"]]
    assert issue.translation_key == "troubleshooting"
    assert issue.learn_more_url == model.support_url
    assert issue.data is not None
    assert issue.data["symptom"] == symptom
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["guide"] == " / ".join(p.title for p in guide)

    # Polls do not touch it.
    await advance(hass, freezer, timedelta(minutes=30), step=POLL)
    assert response["issue_id"] in _own_issues(issue_registry)

    result = await _start(flows, response["issue_id"])
    assert result["step_id"] == first_step
    placeholders = result["description_placeholders"]
    if first_step == "offline_step":
        assert placeholders["step"] == guide[0].steps[0]
    else:
        assert placeholders["steps"] == numbered(guide)
        for procedure in guide:
            assert f"1. {procedure.steps[0]}" in placeholders["steps"]
    if first_step == "guide":
        result = await _choose(flows, result["flow_id"], "done")
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert response["issue_id"] not in _own_issues(issue_registry)


async def test_doorbell_battery_steps_carry_the_electrical_warning(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    flows: RepairsFlowManager,
) -> None:
    """The wired doorbell's shock warning and its breaker step are in the battery guide."""
    doorbell = _first(sim, "lotus")
    procedure = _model(doorbell).procedures[ProcedureName.BATTERY_CHANGE]
    assert procedure.warnings
    response = await _troubleshoot(
        hass, _device_id(hass, loaded_entry, doorbell.serial), "low_battery"
    )
    result = await _start(flows, response["issue_id"])
    steps = result["description_placeholders"]["steps"]
    assert steps.index(procedure.warnings[0]) < steps.index(f"1. {procedure.steps[0]}")
    assert "breaker" in procedure.steps[0]


async def test_start_troubleshooting_refuses_a_guide_the_model_lacks(
    hass: HomeAssistant, sim: SimCloud, loaded_entry: MockConfigEntry
) -> None:
    """A Mini has no batteries: a translated error, no issue."""
    mini = _first(sim, "owl")
    with pytest.raises(ServiceValidationError) as err:
        await _troubleshoot(hass, _device_id(hass, loaded_entry, mini.serial), "low_battery")
    assert err.value.translation_key == "procedure_not_available"


async def test_troubleshooting_again_reopens_an_ignored_guide(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Asking again is a fresh start: the new symptom, not ignored."""
    camera = _camera(sim)
    device_id = _device_id(hass, loaded_entry, camera.serial)
    issue_id = (await _troubleshoot(hass, device_id, "offline"))["issue_id"]
    ir.async_ignore_issue(hass, DOMAIN, issue_id, True)
    await _troubleshoot(hass, device_id, "flashing_red")
    issue = _own_issues(issue_registry)[issue_id]
    assert issue.dismissed_version is None
    assert issue.data is not None
    assert issue.data["symptom"] == "flashing_red"


# -- removal ---------------------------------------------------------------------------------


async def test_removing_a_device_or_the_entry_removes_its_issues(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Device removal takes its issues (troubleshooting too); entry removal takes all."""
    camera, mini = _camera(sim), _first(sim, "owl")
    await _take_offline(hass, freezer, sim, camera.serial)
    await _take_offline(hass, freezer, sim, mini.serial)
    await _troubleshoot(hass, _device_id(hass, loaded_entry, camera.serial), "flashing_red")
    assert len(_own_issues(issue_registry)) == 3

    _coordinator(loaded_entry).issues.async_remove_device(camera.serial)
    assert list(_own_issues(issue_registry)) == [f"device_offline_{mini.serial}"]

    async_remove_entry_issues(hass, loaded_entry.entry_id)
    assert _own_issues(issue_registry) == {}
