"""Repair issues raised and cleared from the health state after every successful poll.

One issue per device and cause, ``<cause>_<serial>``. An issue is deleted as soon as its
condition clears and created again only when the condition comes back, never while it
persists: Home Assistant keeps an issue the user ignored ignored until it is deleted, so
this is what makes "ignore" last exactly as long as the problem does. Failed polls never
reach this module, so a cloud outage neither raises nor clears anything.
"""

from dataclasses import dataclass
from enum import StrEnum

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, issue_registry as ir

from .client.models import DeviceKind
from .const import DOMAIN
from .engine.battery import BatteryHealth
from .engine.catalog import BLINK_SUPPORT_HOME, ModelEntry, battery_description
from .engine.connectivity import Connectivity
from .engine.fleet import DeviceState, FleetState


class IssueCause(StrEnum):
    """Why a device has an issue; also the issue's translation key (a public contract)."""

    BATTERY_LOW = "battery_low"
    DEVICE_OFFLINE = "device_offline"
    SYNC_MODULE_OFFLINE = "sync_module_offline"
    WRONG_BATTERY_TYPE = "wrong_battery_type"
    # Started by the user (the start_troubleshooting action); polls never touch it.
    TROUBLESHOOTING = "troubleshooting"


# The causes a poll decides on; the longest first so parsing an id never stops at a prefix.
POLLED_CAUSES = tuple(
    sorted(
        (cause for cause in IssueCause if cause is not IssueCause.TROUBLESHOOTING),
        key=len,
        reverse=True,
    )
)
_SEVERITY_BY_HEALTH = {
    BatteryHealth.REPLACE_SOON: ir.IssueSeverity.WARNING,
    BatteryHealth.REPLACE_NOW: ir.IssueSeverity.ERROR,
}
# Shown in a placeholder when a sync module has no cameras behind it.
NO_CAMERAS = "-"

DATA_ENTRY_ID = "entry_id"
DATA_SERIAL = "serial"


def issue_id(cause: IssueCause, serial: str) -> str:
    """The issue id of one device and cause."""
    return f"{cause.value}_{serial}"


def parse_issue_id(value: str) -> tuple[IssueCause, str] | None:
    """The cause and serial of an id this module makes, or None for anything else."""
    for cause in (*POLLED_CAUSES, IssueCause.TROUBLESHOOTING):
        prefix = f"{cause.value}_"
        if value.startswith(prefix) and len(value) > len(prefix):
            return cause, value[len(prefix) :]
    return None


def learn_more_url(model: ModelEntry) -> str:
    """The model's official support page, or Blink's support home when the catalog has none."""
    return model.support_url or BLINK_SUPPORT_HOME


def device_placeholders(state: DeviceState) -> dict[str, str]:
    """What every blink_care issue and fix-flow step can name: the device and its model."""
    return {"device": state.snapshot.name, "model": state.model.name}


@dataclass(frozen=True, slots=True)
class IssueSpec:
    """Everything an issue shows; equal specs mean there is nothing to write."""

    cause: IssueCause
    serial: str
    severity: ir.IssueSeverity
    placeholders: tuple[tuple[str, str], ...]
    learn_more_url: str

    @property
    def issue_id(self) -> str:
        """The registry id of this issue."""
        return issue_id(self.cause, self.serial)


@callback
def async_create(hass: HomeAssistant, entry_id: str, spec: IssueSpec, **data: str) -> None:
    """Write one issue to the registry (replacing an existing one keeps its ignored state)."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        spec.issue_id,
        is_fixable=True,
        severity=spec.severity,
        translation_key=spec.cause.value,
        translation_placeholders=dict(spec.placeholders),
        learn_more_url=spec.learn_more_url,
        data={DATA_ENTRY_ID: entry_id, DATA_SERIAL: spec.serial, **data},
    )


def _spec(
    cause: IssueCause,
    state: DeviceState,
    severity: ir.IssueSeverity,
    **extra: str,
) -> IssueSpec:
    return IssueSpec(
        cause=cause,
        serial=state.serial,
        severity=severity,
        placeholders=tuple(sorted({**device_placeholders(state), **extra}.items())),
        learn_more_url=learn_more_url(state.model),
    )


def troubleshooting_spec(state: DeviceState, guide: str) -> IssueSpec:
    """The user-started troubleshooting issue of one device; ``guide`` names what it shows."""
    return _spec(IssueCause.TROUBLESHOOTING, state, ir.IssueSeverity.WARNING, guide=guide)


def cameras_behind(fleet: FleetState, sync_module_serial: str) -> str:
    """The names of the devices that report through a sync module, for a placeholder."""
    names = sorted(
        state.snapshot.name
        for state in fleet.devices.values()
        if state.snapshot.sync_module_serial == sync_module_serial
    )
    return ", ".join(names) or NO_CAMERAS


def _battery_text(model: ModelEntry) -> str:
    return battery_description(model) or ""


def wanted_issues(fleet: FleetState) -> dict[str, IssueSpec]:
    """The issues the fleet's health calls for, by issue id."""
    wanted: list[IssueSpec] = []
    for state in fleet.devices.values():
        if state.connectivity.state is Connectivity.OFFLINE:
            if state.snapshot.kind is DeviceKind.SYNC_MODULE:
                wanted.append(
                    _spec(
                        IssueCause.SYNC_MODULE_OFFLINE,
                        state,
                        ir.IssueSeverity.ERROR,
                        cameras=cameras_behind(fleet, state.serial),
                    )
                )
            else:
                wanted.append(_spec(IssueCause.DEVICE_OFFLINE, state, ir.IssueSeverity.ERROR))
        health = None if state.battery is None else state.battery.health
        if health in _SEVERITY_BY_HEALTH:
            wanted.append(
                _spec(
                    IssueCause.BATTERY_LOW,
                    state,
                    _SEVERITY_BY_HEALTH[health],
                    battery=_battery_text(state.model),
                )
            )
        elif health is BatteryHealth.WRONG_TYPE:
            wanted.append(
                _spec(
                    IssueCause.WRONG_BATTERY_TYPE,
                    state,
                    ir.IssueSeverity.WARNING,
                    battery=_battery_text(state.model),
                )
            )
    return {spec.issue_id: spec for spec in wanted}


class IssueManager:
    """Keeps the Repairs dashboard in step with the fleet (one issue per device and cause).

    It remembers what it last wrote, so a poll where nothing changed makes no registry call.
    """

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Bind to one config entry and follow issues removed by others (a finished fix flow)."""
        self._hass = hass
        self._entry = entry
        # None until the first poll after loading has reconciled with the registry.
        self._active: dict[str, IssueSpec] | None = None
        entry.async_on_unload(
            hass.bus.async_listen(
                ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED,
                self._issue_removed,
                event_filter=_is_own_removal,
            )
        )

    @callback
    def _issue_removed(self, event: Event[ir.EventIssueRegistryUpdatedData]) -> None:
        """A fix flow finished: if the condition is still there, the next poll raises it again."""
        if self._active is not None:
            self._active.pop(event.data["issue_id"], None)

    @callback
    def async_update(self, fleet: FleetState) -> None:
        """Create the issues the fleet has and delete those it no longer has."""
        wanted = wanted_issues(fleet)
        if self._active is None:
            self._reconcile(fleet, wanted)
        else:
            for stale in self._active.keys() - wanted.keys():
                ir.async_delete_issue(self._hass, DOMAIN, stale)
            for spec_id, spec in wanted.items():
                if self._active.get(spec_id) != spec:
                    async_create(self._hass, self._entry.entry_id, spec)
        self._active = wanted

    def _reconcile(self, fleet: FleetState, wanted: dict[str, IssueSpec]) -> None:
        """First poll after loading: drop what cleared meanwhile, (re)write what holds.

        Writing an issue that is already there changes nothing, so a reload keeps every
        ignored issue ignored. An issue left over from before a restart is only a stub
        without data, hence the serial check.
        """
        for entry in list(ir.async_get(self._hass).issues.values()):
            if entry.domain != DOMAIN or entry.issue_id in wanted:
                continue
            parsed = parse_issue_id(entry.issue_id)
            if parsed is None or parsed[0] is IssueCause.TROUBLESHOOTING:
                continue
            owner = (entry.data or {}).get(DATA_ENTRY_ID)
            if owner == self._entry.entry_id or (owner is None and parsed[1] in fleet.devices):
                ir.async_delete_issue(self._hass, DOMAIN, entry.issue_id)
        for spec in wanted.values():
            async_create(self._hass, self._entry.entry_id, spec)

    @callback
    def async_remove_device(self, serial: str) -> None:
        """The device left Home Assistant: its issues go with it, troubleshooting included."""
        for cause in IssueCause:
            removed = issue_id(cause, serial)
            ir.async_delete_issue(self._hass, DOMAIN, removed)
            if self._active is not None:
                self._active.pop(removed, None)


@callback
def _is_own_removal(event_data: ir.EventIssueRegistryUpdatedData) -> bool:
    return event_data["domain"] == DOMAIN and event_data["action"] == "remove"


@callback
def async_remove_entry_issues(hass: HomeAssistant, entry_id: str) -> None:
    """The entry was deleted: delete every issue it raised, stubs from before a restart too.

    Call it from ``async_remove_entry``, while the entry's devices are still registered.
    """
    serials = {
        identifier
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry_id)
        for domain, identifier in device.identifiers
        if domain == DOMAIN
    }
    for entry in list(ir.async_get(hass).issues.values()):
        if entry.domain != DOMAIN:
            continue
        parsed = parse_issue_id(entry.issue_id)
        owner = (entry.data or {}).get(DATA_ENTRY_ID)
        if owner == entry_id or (owner is None and parsed is not None and parsed[1] in serials):
            ir.async_delete_issue(hass, DOMAIN, entry.issue_id)
