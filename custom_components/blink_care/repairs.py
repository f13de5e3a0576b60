"""Fix flows: the model's own steps, one screen at a time, inside the Repairs dialog.

Every sentence of the dialog lives in the translations (``issues.<key>.fix_flow``); only the
catalog's model-specific steps, warnings and names come in as placeholders. The device and
its coordinator are looked up at every step, because the entry may reload while the dialog
is open.
"""

import asyncio
from dataclasses import dataclass

from homeassistant.components.repairs import ConfirmRepairFlow, RepairsFlow, RepairsFlowResult
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir

from .client.models import DeviceKind
from .const import DOMAIN
from .coordinator import BlinkCareCoordinator
from .data import BlinkCareConfigEntry
from .engine.catalog import (
    BLINK_SUPPORT_HOME,
    Procedure,
    ProcedureName,
    StepKind,
    battery_description,
)
from .engine.connectivity import Connectivity
from .engine.fleet import DeviceState
from .issues import (
    DATA_ENTRY_ID,
    DATA_SERIAL,
    IssueCause,
    cameras_behind,
    device_placeholders,
)
from .power_cycle import async_power_cycle, power_cycle_plan
from .troubleshooting import DATA_SYMPTOM, Symptom, guide_for

# Menu choices (their labels are in the translations).
CHOICE_REPLACED = "replaced"
CHOICE_DONE = "done"
CHOICE_LATER = "later"
CHOICE_CHECK = "check"
CHOICE_POWER_CYCLE = "power_cycle"


def numbered(procedures: tuple[Procedure, ...]) -> str:
    """Procedures as Markdown: warnings first, then the steps as one numbered list each.

    With several procedures each list gets its title, so the user sees where one ends.
    """
    blocks: list[str] = []
    warnings = dict.fromkeys(warning for p in procedures for warning in p.warnings)
    blocks.extend(f"> ⚠️ {warning}" for warning in warnings)
    for procedure in procedures:
        steps = "\n".join(f"{number}. {step}" for number, step in enumerate(procedure.steps, 1))
        blocks.append(f"**{procedure.title}**\n\n{steps}" if len(procedures) > 1 else steps)
    return "\n\n".join(blocks)


@dataclass(frozen=True, slots=True)
class _Device:
    """A device of a loaded entry, as of the coordinator's latest poll."""

    coordinator: BlinkCareCoordinator
    state: DeviceState


@dataclass(frozen=True, slots=True)
class _PowerCycleOutcome:
    """How the power_cycle action ended: back online, still offline, or refused (error)."""

    back_online: bool
    error: str | None = None


class _DeviceFlow(RepairsFlow):
    """A fix flow about one device of one entry."""

    def __init__(self, entry_id: str, serial: str) -> None:
        """Remember which device; the flow manager sets hass and the issue id later."""
        super().__init__()
        self._entry_id = entry_id
        self._serial = serial

    def _device(self) -> _Device | None:
        """The device now, or None when its entry is not loaded or it left the account."""
        entry: BlinkCareConfigEntry | None = self.hass.config_entries.async_get_entry(
            self._entry_id
        )
        if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
            return None
        coordinator = entry.runtime_data.coordinator
        state = None if coordinator.data is None else coordinator.data.devices.get(self._serial)
        return None if state is None else _Device(coordinator, state)

    def _not_available(self) -> RepairsFlowResult:
        return self.async_abort(reason="not_available")

    async def async_step_later(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Close the dialog; the issue stays until its condition clears."""
        device = self._device()
        return self.async_abort(
            reason="remind_later",
            description_placeholders=None if device is None else device_placeholders(device.state),
        )


class BatteryFlow(_DeviceFlow):
    """Low or wrong batteries: the model's battery change, then record it.

    Recording a replacement starts a fresh battery cycle in the engine (which also forgets a
    wrong-type verdict); the issue is removed when the flow ends and comes back only if the
    next readings still call for it.
    """

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Start with the steps."""
        return await self.async_step_battery()

    async def async_step_battery(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Show the battery-change steps with the two ways out."""
        device = self._device()
        procedure = (
            None
            if device is None
            else device.state.model.procedures.get(ProcedureName.BATTERY_CHANGE)
        )
        if device is None or procedure is None:
            return self._not_available()
        return self.async_show_menu(
            step_id="battery",
            menu_options=[CHOICE_REPLACED, CHOICE_LATER],
            description_placeholders={
                **device_placeholders(device.state),
                "battery": battery_description(device.state.model) or "",
                "steps": numbered((procedure,)),
                "minutes": str(procedure.estimated_minutes),
            },
        )

    async def async_step_replaced(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Record the change the user made, as the mark_batteries_replaced action would."""
        device = self._device()
        if device is None:
            return self._not_available()
        await device.coordinator.async_record_replacement(self._serial)
        return self.async_create_entry(
            data={},
            description=CHOICE_REPLACED,
            description_placeholders=device_placeholders(device.state),
        )


class ProcedureFlow(_DeviceFlow):
    """A symptom guide shown whole (flashing red, failed reset, already registered)."""

    def __init__(self, entry_id: str, serial: str, symptom: Symptom) -> None:
        """Remember the symptom whose guide to show."""
        super().__init__(entry_id, serial)
        self._symptom = symptom

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Start with the guide."""
        return await self.async_step_guide()

    async def async_step_guide(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Show the guide; "done" closes the issue."""
        device = self._device()
        procedures = () if device is None else guide_for(device.state.model, self._symptom)
        if device is None or not procedures:
            return self._not_available()
        return self.async_show_menu(
            step_id="guide",
            menu_options=[CHOICE_DONE, CHOICE_LATER],
            description_placeholders={
                **device_placeholders(device.state),
                "steps": numbered(procedures),
                "source": procedures[0].source_url,
            },
        )

    async def async_step_done(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """The user is through: close the issue."""
        return self.async_create_entry(data={}, description=CHOICE_DONE)


class OfflineGuideFlow(_DeviceFlow):
    """The model's offline guide, one step per screen, checking with Blink after each.

    Least invasive first (power or batteries, Wi-Fi, router, power cycle, sync module,
    factory reset, support), as the catalog orders them. A mains device with a smart plug
    gets a button to run the power_cycle action at the power-cycle step. The flow ends with
    success as soon as a fresh poll reports the device online.
    """

    def __init__(self, entry_id: str, serial: str) -> None:
        """Start at the first step."""
        super().__init__(entry_id, serial)
        self._index = 0
        self._power_cycle: asyncio.Task[_PowerCycleOutcome] | None = None
        self._power_cycle_error = ""

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Start with the first step."""
        return await self.async_step_offline_step()

    # One screen per situation, each showing the current step of the guide.

    async def async_step_offline_step(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """The first step, introducing the guide."""
        return self._show_step("offline_step")

    async def async_step_still_offline(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """The next step after a poll that still saw the device offline."""
        return self._show_step("still_offline")

    async def async_step_not_checked(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """The next step after a poll that could not reach Blink."""
        return self._show_step("not_checked")

    async def async_step_power_cycle_failed(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """The power-cycle step again, with the reason the plug could not do it."""
        return self._show_step("power_cycle_failed", error=self._power_cycle_error)

    async def async_step_check(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """Ask Blink now; finish if the device is back, else move on to the next step."""
        device = self._device()
        if device is None:
            return self._not_available()
        checked = await _poll(device.coordinator)
        device = self._device()
        if device is None:
            return self._not_available()
        if checked and _is_online(device.state):
            return self._back_online(device)
        return self._next_step("still_offline" if checked else "not_checked")

    async def async_step_power_cycle(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Run the power_cycle action and show progress until it has an answer."""
        device = self._device()
        if device is None:
            return self._not_available()
        if self._power_cycle is None:
            # A background task: it waits minutes on Home Assistant's clock for the device.
            self._power_cycle = self.hass.async_create_background_task(
                self._run_power_cycle(device),
                f"{DOMAIN} power cycle of {self._serial}",
            )
        if not self._power_cycle.done():
            return self.async_show_progress(
                step_id=CHOICE_POWER_CYCLE,
                progress_action=CHOICE_POWER_CYCLE,
                progress_task=self._power_cycle,
                description_placeholders={
                    **device_placeholders(device.state),
                    "plug": _plug(device) or "",
                },
            )
        return self.async_show_progress_done(next_step_id="power_cycle_result")

    async def async_step_power_cycle_result(
        self, user_input: dict[str, str] | None = None
    ) -> RepairsFlowResult:
        """Back online ends the flow; a failure offers the step again; else the next step."""
        task, self._power_cycle = self._power_cycle, None
        device = self._device()
        if device is None or task is None:
            return self._not_available()
        outcome = task.result()
        if outcome.back_online:
            return self._back_online(device)
        if outcome.error is not None:
            self._power_cycle_error = outcome.error
            return await self.async_step_power_cycle_failed()
        return self._next_step("still_offline")

    async def _run_power_cycle(self, device: _Device) -> _PowerCycleOutcome:
        """What the power_cycle action does, with the same checks and the same plug safety."""
        try:
            switch_entity_id, off_seconds = power_cycle_plan(device.coordinator, device.state)
            result = await async_power_cycle(
                self.hass, device.coordinator, self._serial, switch_entity_id, off_seconds
            )
        except HomeAssistantError as err:
            return _PowerCycleOutcome(back_online=False, error=str(err))
        return _PowerCycleOutcome(back_online=result.back_online)

    def _steps(self, device: _Device) -> tuple[str, ...]:
        guide = device.state.model.procedures.get(ProcedureName.OFFLINE)
        return () if guide is None else guide.steps

    def _next_step(self, step_id: str) -> RepairsFlowResult:
        """Advance; past the last step the guide is over and the issue stays."""
        self._index += 1
        device = self._device()
        if device is None:
            return self._not_available()
        if self._index >= len(self._steps(device)):
            return self.async_abort(
                reason="still_offline",
                description_placeholders={
                    **device_placeholders(device.state),
                    "support": BLINK_SUPPORT_HOME,
                },
            )
        return self._show_step(step_id)

    def _show_step(self, step_id: str, **extra: str) -> RepairsFlowResult:
        device = self._device()
        steps = () if device is None else self._steps(device)
        if device is None or not steps:
            return self._not_available()
        step = steps[self._index]
        plug = _plug(device)
        options = [CHOICE_CHECK, CHOICE_LATER]
        if plug is not None and _is_power_cycle_step(device, self._index):
            options.insert(0, CHOICE_POWER_CYCLE)
        return self.async_show_menu(
            step_id=step_id,
            menu_options=options,
            description_placeholders={
                **device_placeholders(device.state),
                "number": str(self._index + 1),
                "total": str(len(steps)),
                "step": step,
                "plug": plug or "",
                "cameras": _cameras_behind(device),
                **extra,
            },
        )

    def _back_online(self, device: _Device) -> RepairsFlowResult:
        return self.async_create_entry(
            data={},
            description="back_online",
            description_placeholders=device_placeholders(device.state),
        )


async def _poll(coordinator: BlinkCareCoordinator) -> bool:
    """A fresh poll, unless Blink asked us to slow down; True when Blink answered."""
    if coordinator.in_backoff:
        return False
    await coordinator.async_refresh()
    return coordinator.last_update_success


def _is_online(state: DeviceState) -> bool:
    return state.connectivity.state is Connectivity.ONLINE


def _plug(device: _Device) -> str | None:
    """The smart plug mapped to a mains device in the options, if any."""
    try:
        switch_entity_id, _ = power_cycle_plan(device.coordinator, device.state)
    except HomeAssistantError:
        return None
    return switch_entity_id


def _is_power_cycle_step(device: _Device, index: int) -> bool:
    """The catalog types the offline guide's power-cycle step; its wording does not matter."""
    guide = device.state.model.procedures.get(ProcedureName.OFFLINE)
    return guide is not None and guide.typed_steps[index].kind is StepKind.POWER_CYCLE


def _cameras_behind(device: _Device) -> str:
    """For a sync module's guide: the devices that come back with it."""
    fleet = device.coordinator.data
    if device.state.snapshot.kind is not DeviceKind.SYNC_MODULE or fleet is None:
        return ""
    return cameras_behind(fleet, device.state.serial)


async def async_create_fix_flow(
    hass: HomeAssistant,
    issue_id: str,
    data: dict[str, str | int | float | None] | None,
) -> RepairsFlow:
    """The fix flow for one of blink_care's issues (by its translation key)."""
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    data = data or {}
    entry_id = str(data.get(DATA_ENTRY_ID) or "")
    serial = str(data.get(DATA_SERIAL) or "")
    cause = None if issue is None else issue.translation_key
    match cause:
        case IssueCause.BATTERY_LOW | IssueCause.WRONG_BATTERY_TYPE:
            return BatteryFlow(entry_id, serial)
        case IssueCause.DEVICE_OFFLINE | IssueCause.SYNC_MODULE_OFFLINE:
            return OfflineGuideFlow(entry_id, serial)
        case IssueCause.TROUBLESHOOTING:
            return _troubleshooting_flow(entry_id, serial, str(data.get(DATA_SYMPTOM)))
    return ConfirmRepairFlow()


def _troubleshooting_flow(entry_id: str, serial: str, symptom_value: str) -> RepairsFlow:
    """The same walks as the automatic issues where they fit, else the guide shown whole."""
    try:
        symptom = Symptom(symptom_value)
    except ValueError:
        return ConfirmRepairFlow()
    if symptom is Symptom.OFFLINE:
        return OfflineGuideFlow(entry_id, serial)
    if symptom is Symptom.LOW_BATTERY:
        return BatteryFlow(entry_id, serial)
    return ProcedureFlow(entry_id, serial, symptom)
