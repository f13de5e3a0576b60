"""Compare what Home Assistant shows for blink_care with the simulated cloud's truth.

`scripts/develop --check` uses this to prove, without a browser, that every simulated device
reached Home Assistant as entities with real states: an online sensor per device that agrees
with the simulator, and per battery device a battery level plus a battery-low flag that is on
at least wherever Blink itself reports the batteries low.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

JsonObject = dict[str, Any]
DOMAIN = "blink_care"
NO_VALUE = frozenset({"unavailable", "unknown"})
BLINK_LOW_STATES = frozenset({"low", "replace"})


@dataclass
class FleetReport:
    """The outcome of one comparison; `problems` is empty when everything agrees."""

    devices: int = 0
    entities: int = 0
    online: list[str] = field(default_factory=list)
    offline: list[str] = field(default_factory=list)
    offline_pending: list[str] = field(default_factory=list)  # offline, grace period running
    battery_devices: int = 0
    battery_levels: int = 0
    low_batteries: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether Home Assistant shows the simulated fleet as it is."""
        return self.devices > 0 and not self.problems

    def summary(self) -> str:
        """One line for a terminal or a CI log."""
        verdict = "OK" if self.ok else "FAILED"
        with_sensor = len(self.online) + len(self.offline) + len(self.offline_pending)
        pending = (
            f", offline once the grace period ends: {_names(self.offline_pending)}"
            if self.offline_pending
            else ""
        )
        line = (
            f"blink_care dev server {verdict}: {with_sensor}/{self.devices} devices with an "
            f"online sensor (offline: {_names(self.offline)}{pending}), "
            f"{self.battery_levels}/{self.battery_devices} battery levels "
            f"(low: {_names(self.low_batteries)}), {self.entities} blink_care entities"
        )
        if self.problems:
            line += f"; {len(self.problems)} problem(s): " + "; ".join(self.problems)
        return line


def _names(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)) or "none"


def check_fleet(
    truth: JsonObject, registry: Iterable[JsonObject], states: Iterable[JsonObject]
) -> FleetReport:
    """Check Home Assistant's entity registry and states against the simulator's truth.

    `truth` is blink_sim's `/_sim/state`, `registry` the `config/entity_registry/list` result
    and `states` the `/api/states` result.
    """
    checker = _Checker(registry, states)
    for device in truth["devices"]:
        checker.check_online(device)
        if device["battery"] is not None:
            checker.check_battery(device)
    return checker.report


class _Checker:
    """Looks up blink_care's entities by unique id and notes what it finds in a report."""

    def __init__(self, registry: Iterable[JsonObject], states: Iterable[JsonObject]) -> None:
        self._entity_ids: dict[str, str] = {
            entry["unique_id"]: entry["entity_id"]
            for entry in registry
            if entry["platform"] == DOMAIN
        }
        self._state_of: dict[str, str] = {state["entity_id"]: state["state"] for state in states}
        self.report = FleetReport(entities=len(self._entity_ids))

    def _state(self, device: JsonObject, key: str, *, pending_ok: bool = False) -> str | None:
        """The entity's state, or None (and a problem noted) when it is missing or has none.

        With `pending_ok`, "unknown" is an expected value rather than a problem.
        """
        entity_id = self._entity_ids.get(f"{device['serial']}_{key}")
        if entity_id is None:
            self.report.problems.append(f"{device['name']}: no {key} entity")
            return None
        value = self._state_of.get(entity_id)
        if value == "unknown" and pending_ok:
            return value
        if value is None or value in NO_VALUE:
            self.report.problems.append(f"{device['name']}: {entity_id} is {value or 'missing'}")
            return None
        return value

    def check_online(self, device: JsonObject) -> None:
        """One online sensor per device, agreeing with the simulator."""
        report, name = self.report, device["name"]
        report.devices += 1
        # blink_care calls a device offline only after its grace period; until then a device
        # the simulator has offline reads "unknown", which is the documented behaviour.
        online = self._state(device, "online", pending_ok=not device["online"])
        if online == "unknown":
            report.offline_pending.append(name)
        elif online is not None:
            (report.online if online == "on" else report.offline).append(name)
            if (online == "on") != device["online"]:
                expected = "online" if device["online"] else "offline"
                report.problems.append(f"{name}: simulator says {expected}, sensor says {online}")

    def check_battery(self, device: JsonObject) -> None:
        """A battery level and a battery-low flag that is on wherever Blink says low."""
        report, name, battery = self.report, device["name"], device["battery"]
        report.battery_devices += 1
        if self._state(device, "battery_level") is not None:
            report.battery_levels += 1
        low = self._state(device, "battery_low")
        if low == "on":
            report.low_batteries.append(name)
        # The engine may warn before Blink does (its forecast), never after.
        if low == "off" and battery["state"] in BLINK_LOW_STATES:
            report.problems.append(f"{name}: Blink says battery {battery['state']}, low is off")


@dataclass
class DemoReport:
    """What the demo must show at once: a learned past and a plug that power-cycles a Mini."""

    predicted: list[str] = field(default_factory=list)  # cameras with a replacement date
    replaced: list[str] = field(default_factory=list)  # devices with a known replacement
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the demo shows what it promises."""
        return not self.problems

    def summary(self) -> str:
        """One line for a terminal or a CI log."""
        line = (
            f"demo {'OK' if self.ok else 'FAILED'}: replacement date predicted for "
            f"{len(self.predicted)} device(s) ({_names(self.predicted)}), last replacement known "
            f"for {len(self.replaced)}"
        )
        if self.problems:
            line += f"; {len(self.problems)} problem(s): " + "; ".join(self.problems)
        return line


def check_demo(
    truth: JsonObject,
    registry: Iterable[JsonObject],
    states: Iterable[JsonObject],
    plug_entity_id: str,
) -> DemoReport:
    """The seeded history shows (a predicted date for a battery camera) and the plug is there.

    `truth`, `registry` and `states` are as for `check_fleet`.
    """
    report = DemoReport()
    entity_ids = {
        entry["unique_id"]: entry["entity_id"] for entry in registry if entry["platform"] == DOMAIN
    }
    state_of = {state["entity_id"]: state["state"] for state in states}
    for device in truth["devices"]:
        if device["battery"] is None:
            continue
        for key, found in (
            ("battery_replacement_due", report.predicted),
            ("batteries_replaced", report.replaced),
        ):
            value = state_of.get(entity_ids.get(f"{device['serial']}_{key}", ""))
            if value is not None and value not in NO_VALUE:
                found.append(device["name"])
    cameras = {d["name"] for d in truth["devices"] if d["battery"] and d["list"] == "cameras"}
    if not cameras & set(report.predicted):
        report.problems.append("no battery camera shows a predicted replacement date")
    if not report.replaced:
        report.problems.append("no device shows when its batteries were last replaced")
    if state_of.get(plug_entity_id) != "on":
        report.problems.append(f"{plug_entity_id} is {state_of.get(plug_entity_id, 'missing')}")
    return report
