"""`scripts/bench blocking`: blocking calls in the event loop during setup and a poll.

Home Assistant's blocking-call detection (`homeassistant.block_async_io`) is switched on as
in production (tests normally skip it), then a 100-device account is set up (login over
HTTP, history load, platforms, first poll), polled once more and unloaded. Every "Detected
blocking call" warning is counted. The loop also runs in asyncio's debug mode, which logs
any single step that holds the loop for more than 100 ms: those are reported beside (debug
mode itself slows everything, so they are a hint, not a target).

`--plant-blocking-call` makes one blocking call in the loop on purpose, to show that the
detector is armed (the count must then be at least one).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Final

from benchmarks import Summary
from benchmarks._ha_harness import FleetSpec, run_scenario

if TYPE_CHECKING:
    import argparse

NAME: Final = "blocking"
HELP: Final = "blocking calls detected in the event loop during setup and a poll"
HEADLINE: Final = ("blocking_calls",)

DEFAULT_FLEET: Final = "10,75,10,5"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `scripts/bench blocking`."""
    parser.add_argument(
        "--fleet",
        type=FleetSpec.parse,
        default=FleetSpec.parse(DEFAULT_FLEET),
        metavar="S,C,M,D",
        help="sync modules, battery cameras, Minis, doorbells (default: 100 devices)",
    )
    parser.add_argument(
        "--plant-blocking-call",
        action="store_true",
        help="make one blocking call in the loop on purpose (checks the detector)",
    )


def run(args: argparse.Namespace) -> Summary:
    """Set up, poll and unload with the detector on; print what it found."""
    scenario = run_scenario(
        "scenario_blocking",
        [{"fleet": args.fleet.build(attach_to_sync=True), "plant": args.plant_blocking_call}],
    )
    measured = scenario.results[0]
    blocking: list[str] = measured["blocking"]
    slow: list[str] = measured["slow_callbacks"]
    lines = [
        (
            f"Setup, one poll and unload of {measured['devices']} devices "
            f"({measured['requests']} requests, last poll "
            f"{'succeeded' if measured['polled'] else 'FAILED'}), blocking-call detection on:"
        ),
        f"  blocking calls detected: {len(blocking)}"
        + (" (one planted on purpose)" if args.plant_blocking_call else ""),
        *(f"    {message.splitlines()[0]}" for message in blocking),
        f"  loop steps over 100 ms (debug mode): {len(slow)}",
        *(f"    {_shorten(message)}" for message in slow),
        "Target: 0 blocking calls: "
        + ("not judged (a call was planted)" if args.plant_blocking_call else _verdict(blocking)),
        f"({scenario.wall_s:.1f} s wall clock)",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return {
        "blocking_calls": len(blocking),
        "slow_loop_steps": len(slow),
        "devices": measured["devices"],
    }


def _verdict(blocking: list[str]) -> str:
    return "met" if not blocking else f"MISSED by {len(blocking)}"


def _shorten(message: str, limit: int = 160) -> str:
    """Keep the start and the time of a slow-step line (they repeat whole task reprs)."""
    if len(message) <= limit:
        return message
    head, _, took = message.rpartition(" took ")
    return f"{head[: limit - 30]}... took {took}"
