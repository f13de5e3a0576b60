"""`scripts/bench writes`: Home Assistant state writes per device per simulated day.

Every state change Home Assistant records is a row in the user's database (the recorder
stores attribute-only changes too), so an entity that rewrites its state on every poll
costs disk and history for nothing. The tests' 7-device account (one sync module, three
battery cameras, a Mini and a doorbell on networks of their own, plus the account) runs a
simulated day in a real Home Assistant against the simulated cloud, at default options,
with **every** entity enabled, those disabled by default included. Its `state_changed`
events are counted by entity kind; writes that change nothing fire no such event and store
nothing. The count starts after three simulated weeks (`--warmup-days`), when the battery
engine predicts a replacement date for at least one camera: a fresh installation has none
yet, and a prediction that moves with every poll would go unnoticed.

`state_writes_per_device_day` divides them by the Home Assistant devices blink_care creates
(the Blink devices and the account) and by the simulated days.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Final

from benchmarks import Summary
from benchmarks._ha_harness import FleetSpec, run_scenario

if TYPE_CHECKING:
    import argparse

NAME: Final = "writes"
HELP: Final = "Home Assistant state writes per device per simulated day, every entity enabled"
HEADLINE: Final = ("state_writes_per_device_day",)

DEFAULT_FLEET: Final = "1,3,1,1"
DEFAULT_HOURS: Final = 24.0
DEFAULT_WARMUP_DAYS: Final = 21.0
TARGET: Final = 24.0
_HOURS_PER_DAY: Final = 24.0
# The account is a Home Assistant device of its own, with its own entities.
_ACCOUNT_DEVICES: Final = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `scripts/bench writes`."""
    parser.add_argument(
        "--fleet",
        type=FleetSpec.parse,
        default=FleetSpec.parse(DEFAULT_FLEET),
        metavar="S,C,M,D",
        help="sync modules, battery cameras, Minis, doorbells (default: the test fleet)",
    )
    parser.add_argument(
        "--hours", type=float, default=DEFAULT_HOURS, help="simulated period to count"
    )
    parser.add_argument(
        "--warmup-days",
        type=float,
        default=DEFAULT_WARMUP_DAYS,
        help="simulated days of polls before counting, so battery predictions exist",
    )
    parser.add_argument(
        "--attach-to-sync",
        action="store_true",
        help="Minis and doorbells on the sync module's network instead of their own ones",
    )


def run(args: argparse.Namespace) -> Summary:
    """Count the writes, print them by entity kind, return the per-device-day figure."""
    case = {
        "fleet": args.fleet.build(attach_to_sync=args.attach_to_sync),
        "hours": args.hours,
        "warmup_days": args.warmup_days,
    }
    scenario = run_scenario("scenario_state_writes", [case])
    measured = scenario.results[0]
    days = measured["hours"] / _HOURS_PER_DAY
    devices = measured["devices"] + _ACCOUNT_DEVICES
    writes: dict[str, int] = measured["writes"]
    entities: dict[str, int] = measured["entities"]
    total = sum(writes.values())
    per_device_day = total / devices / days if days else None
    lines = [
        (
            f"State writes over {measured['hours']:g} simulated hours after "
            f"{measured['warmup_days']:g} days, {devices} devices "
            f"({measured['devices']} Blink devices and the account), "
            f"{sum(entities.values())} entities, all enabled"
        ),
        f"{'entity kind':<26} {'entities':>8} {'per day':>9} {'per entity-day':>15} {'share':>6}",
    ]
    for kind in sorted(writes, key=lambda k: (-writes[k], k)):
        per_day = writes[kind] / days if days else 0.0
        share = writes[kind] / total if total else 0.0
        lines.append(
            f"{kind:<26} {entities[kind]:>8} {per_day:>9.1f} "
            f"{per_day / entities[kind]:>15.2f} {share:>6.0%}"
        )
    lines.append(f"{'total':<26} {sum(entities.values()):>8} {total / days if days else 0:>9.1f}")
    verdict = (
        "nan"
        if per_device_day is None
        else "met"
        if per_device_day <= TARGET
        else f"MISSED ({per_device_day:.1f})"
    )
    lines.append(f"Target: <= {TARGET:g} state writes per device per day: {verdict}")
    lines.append(f"({scenario.wall_s:.1f} s wall clock)")
    sys.stdout.write("\n".join(lines) + "\n")
    return {
        "state_writes_per_device_day": per_device_day,
        "state_writes_per_day": total / days if days else None,
        "devices": devices,
    }
