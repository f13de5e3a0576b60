"""`scripts/bench requests`: Blink cloud requests of blink_care and of the core pattern.

For each fleet, counted at the simulated cloud over the same simulated period (default 24 h)
after both are set up and logged in:

* **blink_care** at its defaults, running in Home Assistant with time travel: a homescreen
  poll every 120 s, each battery camera's config every 6 h (one per poll at most), token
  refreshes 10 min before the 4 h tokens expire;
* **the core integration's pattern**: blinkpy's `Blink.refresh(force=True)` every 300 s,
  which the Home Assistant core Blink integration does whatever its options say (its token
  refreshes included).

`ratio` is core requests over blink_care requests in the same period. Minis and doorbells
sit on the first sync module's network unless `--sync-less` (then blinkpy's refresh costs
one more request for each of them).

Then the offline detection: a battery camera of the reference fleet drops off (in the
simulated truth) at several offsets after a regular poll, and the time until its `online`
binary sensor turns off is measured second by second. The target is the grace period plus
one poll interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
import sys
from typing import TYPE_CHECKING, Final

from benchmarks import Summary
from benchmarks._ha_harness import FleetSpec, Measurement, run_scenario
from custom_components.blink_care.const import DEFAULT_SCAN_INTERVAL_S

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence

NAME: Final = "requests"
HELP: Final = "cloud requests per poll and per day: blink_care against the core refresh pattern"
# The figures that belong on the one-line summary of every benchmark.
HEADLINE: Final = ("requests_ratio_2_10", "detect_offline_s")

DEFAULT_FLEETS: Final = ("1,3,0,0", "2,10,2,1", "5,40,5,2", "10,80,10,5")
REFERENCE_FLEET: Final = "2,10,2,1"
DEFAULT_HOURS: Final = 24.0
DEFAULT_OFFSET_STEP_S: Final = 10
_DAY: Final = timedelta(days=1)
_TARGET_SHARE: Final = 0.1  # blink_care: at most a tenth of the core pattern's requests


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `scripts/bench requests`."""
    parser.add_argument(
        "--fleets",
        nargs="+",
        type=FleetSpec.parse,
        default=[FleetSpec.parse(text) for text in DEFAULT_FLEETS],
        metavar="S,C,M,D",
        help="fleets to count (sync modules, battery cameras, Minis, doorbells)",
    )
    parser.add_argument(
        "--hours", type=float, default=DEFAULT_HOURS, help="simulated period to count"
    )
    parser.add_argument(
        "--sync-less",
        action="store_true",
        help="Minis and doorbells on networks of their own instead of a sync module's",
    )
    parser.add_argument(
        "--detection-fleet",
        type=FleetSpec.parse,
        default=FleetSpec.parse(REFERENCE_FLEET),
        metavar="S,C,M,D",
        help="fleet for the offline-detection measurement",
    )
    parser.add_argument(
        "--offset-step",
        type=int,
        default=DEFAULT_OFFSET_STEP_S,
        metavar="SECONDS",
        help="spacing of the moments within a poll period at which the camera drops off",
    )


def run(args: argparse.Namespace) -> Summary:
    """Count, measure the detection, print the tables, return the headline figures."""
    fleets: list[FleetSpec] = args.fleets
    attach = not args.sync_less
    counted = run_scenario(
        "scenario_requests_day",
        [{"fleet": fleet.build(attach_to_sync=attach), "hours": args.hours} for fleet in fleets],
    )
    rows = [_Row(fleet, result) for fleet, result in zip(fleets, counted.results, strict=True)]
    _write(_requests_table(rows, args.hours, attach))
    _write(f"(counted in {counted.wall_s:.1f} s wall clock)\n\n")

    offsets = list(range(0, DEFAULT_SCAN_INTERVAL_S, max(1, args.offset_step)))
    detection = run_scenario(
        "scenario_offline_detection",
        [{"fleet": args.detection_fleet.build(attach_to_sync=attach), "offsets_s": offsets}],
    )
    measured = detection.results[0]
    _write(_detection_table(args.detection_fleet, measured))
    _write(f"(measured in {detection.wall_s:.1f} s wall clock)\n")

    figures: dict[str, float | int | None] = {}
    labels = _short_labels(fleets)
    for row in rows:
        figures[f"requests_ratio_{labels[row.fleet]}"] = row.ratio
    reference = next((row for row in rows if row.fleet.label == REFERENCE_FLEET), None)
    figures.setdefault("requests_ratio_2_10", None)
    figures["blink_care_per_day_2_10"] = (
        None if reference is None else reference.per_day(reference.blink_care_total)
    )
    figures["core_per_day_2_10"] = (
        None if reference is None else reference.per_day(reference.core_total)
    )
    figures["detect_offline_s"] = max(measured["detections_s"], default=None)
    figures["detect_target_s"] = measured["grace_s"] + measured["poll_s"]
    return figures


@dataclass(frozen=True, slots=True)
class _Row:
    """One fleet's counts, for both patterns, over the same period."""

    fleet: FleetSpec
    measured: Measurement

    @property
    def blink_care(self) -> dict[str, int]:
        return dict(self.measured["blink_care"])

    @property
    def core(self) -> dict[str, int]:
        return dict(self.measured["core"])

    @property
    def polls(self) -> int:
        """blink_care's polls: one homescreen request each."""
        return self.blink_care.get("homescreen", 0)

    @property
    def refreshes(self) -> int:
        """The core pattern's refreshes."""
        return int(self.measured["core_refreshes"])

    @property
    def blink_care_total(self) -> int:
        return sum(self.blink_care.values())

    @property
    def core_total(self) -> int:
        return sum(self.core.values())

    @property
    def ratio(self) -> float | None:
        """Core requests per blink_care request over the same period."""
        return self.core_total / self.blink_care_total if self.blink_care_total else None

    def per_day(self, total: int) -> float:
        """Requests per 24 h: counted directly over a day, scaled from a shorter period."""
        return total * (_DAY / timedelta(hours=self.measured["hours"]))


def _per(total: int, count: int) -> str:
    return f"{total / count:.2f}" if count else "nan"


def _requests_table(rows: Sequence[_Row], hours: float, attach: bool) -> str:  # noqa: FBT001
    where = "on a sync module's network" if attach else "sync-less"
    period = "24 h" if hours == DEFAULT_HOURS else f"{hours:g} h, scaled to 24 h"
    lines = [
        (
            f"Requests at the simulated Blink cloud after setup ({period}; "
            f"Minis and doorbells {where})"
        ),
        (
            f"{'fleet S,C,M,D':<14} {'devices':>7} | {'blink_care polls':>16} {'per poll':>8} "
            f"{'per day':>8} | {'core refreshes':>14} {'per poll':>8} {'per day':>9} | "
            f"{'core/blink_care':>15}"
        ),
    ]
    for row in rows:
        ratio = "nan" if row.ratio is None else f"{row.ratio:.1f}"
        lines.append(
            f"{row.fleet.label:<14} {row.measured['devices']:>7} | {row.polls:>16} "
            f"{_per(row.blink_care_total, row.polls):>8} "
            f"{row.per_day(row.blink_care_total):>8.0f} | "
            f"{row.refreshes:>14} {_per(row.core_total, row.refreshes):>8} "
            f"{row.per_day(row.core_total):>9.0f} | {ratio:>15}"
        )
    lines.append("By endpoint (whole period):")
    for row in rows:
        lines.append(f"  {row.fleet.label:<12} blink_care: {_endpoints(row.blink_care)}")
        lines.append(f"  {'':<12} core:       {_endpoints(row.core)}")
    lines.append(
        "Setup, not counted above: "
        + "; ".join(
            f"{row.fleet.label}: blink_care {row.measured['blink_care_setup']}, "
            f"blinkpy start() {row.measured['core_setup']}"
            for row in rows
        )
        + " (both with a fresh sign-in)"
    )
    lines.append(
        "blink_care history Store writes in the period (the file is rewritten whole): "
        + "; ".join(
            f"{row.fleet.label}: {row.measured['history_writes']} writes, "
            f"{row.measured['history_bytes'] / 1e6:.1f} MB"
            for row in rows
        )
    )
    troubles = [
        f"{row.fleet.label}: blink_care ended unhealthy"
        for row in rows
        if not row.measured["blink_care_healthy"]
    ] + [
        f"{row.fleet.label}: {row.measured['core_failed']} core refreshes failed"
        for row in rows
        if row.measured["core_failed"]
    ]
    lines.extend(f"WARNING {trouble}" for trouble in troubles)
    reference = next((row for row in rows if row.fleet.label == REFERENCE_FLEET), None)
    if reference is not None and reference.ratio is not None:
        met = reference.blink_care_total <= _TARGET_SHARE * reference.core_total
        lines.append(
            f"Target at {REFERENCE_FLEET}: blink_care <= 1/10 of the core pattern: "
            f"{'met' if met else 'MISSED'} (1/{reference.ratio:.1f})"
        )
    return "\n".join(lines) + "\n"


def _endpoints(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or "none"


def _detection_table(fleet: FleetSpec, measured: Measurement) -> str:
    grace, poll = measured["grace_s"], measured["poll_s"]
    target = grace + poll
    pairs = zip(measured["offsets_s"], measured["detections_s"], strict=True)
    detections: list[float] = measured["detections_s"]
    worst = max(detections, default=float("nan"))
    verdict = "met" if worst <= target else f"MISSED by {worst - target:.0f} s"
    polls = measured["polls_after_s"][detections.index(worst)] if detections else []
    return (
        f"Offline detection, fleet {fleet.label}, grace {grace:.0f} s, poll {poll:.0f} s:\n"
        "  camera drops off N s after a poll -> s until its online sensor is off\n  "
        + "  ".join(f"{offset}s:{seconds:.0f}" for offset, seconds in pairs)
        + f"\n  worst {worst:.0f} s; target grace + one poll = {target:.0f} s: {verdict}\n"
        + "  polls after the drop-off in the worst case (s): "
        + " ".join(f"+{seconds:.0f}" for seconds in polls)
        + "\n"
    )


def _short_labels(fleets: Sequence[FleetSpec]) -> dict[FleetSpec, str]:
    """`S_C` names for the figures, or `S_C_M_D` where two fleets share S and C."""
    short = [f"{fleet.sync_modules}_{fleet.battery_cameras}" for fleet in fleets]
    return {
        fleet: name if short.count(name) == 1 else fleet.label.replace(",", "_")
        for fleet, name in zip(fleets, short, strict=True)
    }


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
