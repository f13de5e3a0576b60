"""`scripts/bench store`: bytes per device in blink_care's history Store after a year.

The coordinator's own update method is fed a simulated year of polls at the interval it asks
for (120 s, 60 s while something is offline): 262,800 or more observations per device, each
parsed from the simulated cloud's homescreen, with the staggered camera configs, through
both engines into the history, without HTTP and without entity state writes (they store
nothing). Batteries drain as in the simulated truth; a device whose cells are dead gets
fresh ones `--replace-after-days` later, so battery devices go through full cycles and
replacements. The history the coordinator's `HistoryStore` then saves is measured the way
Home Assistant's Store writes it to disk (its own serialiser, pretty-printed JSON in the
Store's envelope): per device, the file with only that device minus the file with none.
"""

from __future__ import annotations

from collections.abc import Mapping
import sys
from typing import TYPE_CHECKING, Any, Final

from benchmarks import Summary
from benchmarks._ha_harness import FleetSpec, run_scenario
from homeassistant.helpers.json import prepare_save_json

if TYPE_CHECKING:
    import argparse

NAME: Final = "store"
HELP: Final = "bytes per device in the history Store after a simulated year of polls"
HEADLINE: Final = ("bytes_per_device_year",)

# One sync module, battery cameras of each usage level (heavy ones need 2-3 sets a year),
# a Mini and a battery doorbell (these two on networks of their own).
DEFAULT_FLEET: Final = "1,3,1,1"
DEFAULT_DAYS: Final = 365.0
DEFAULT_REPLACE_AFTER_DAYS: Final = 2.0
TARGET_BYTES: Final = 64 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `scripts/bench store`."""
    parser.add_argument(
        "--fleet",
        type=FleetSpec.parse,
        default=FleetSpec.parse(DEFAULT_FLEET),
        metavar="S,C,M,D",
        help="sync modules, battery cameras, Minis, doorbells",
    )
    parser.add_argument("--days", type=float, default=DEFAULT_DAYS, help="simulated days")
    parser.add_argument(
        "--replace-after-days",
        type=float,
        default=DEFAULT_REPLACE_AFTER_DAYS,
        help="days a dead battery stays in before the user replaces it",
    )


def run(args: argparse.Namespace) -> Summary:
    """Feed the year, measure the Store, print the table, return the sizes."""
    scenario = run_scenario(
        "scenario_history_year",
        [
            {
                "fleet": args.fleet.build(attach_to_sync=False),
                "days": args.days,
                "replace_after_days": args.replace_after_days,
            }
        ],
    )
    measured = scenario.results[0]
    sizes = _Sizes(measured["stored"])
    devices: Mapping[str, Mapping[str, Any]] = measured["devices"]
    _write(_table(measured, sizes))
    _write(_growth(measured["months"]))
    _write(
        f"({measured['observations']} polls fed in {measured['feed_s']:.1f} s; "
        f"{scenario.wall_s:.1f} s wall clock in all)\n"
    )
    battery = [sizes.per_device[s] for s, d in devices.items() if d["battery"]]
    mains = [sizes.per_device[s] for s, d in devices.items() if not d["battery"]]
    cameras = [sizes.per_device[s] for s, d in devices.items() if d["kind"] == "cameras"]
    return {
        "bytes_per_device_year": max(sizes.per_device.values(), default=None),
        "battery_camera_bytes": max(cameras, default=None),
        "battery_device_bytes": max(battery, default=None),
        "mains_device_bytes": max(mains, default=None),
        "store_file_bytes": sizes.whole_file,
        "days": args.days,
        "feed_s": measured["feed_s"],
    }


class _Sizes:
    """Bytes of the Store file: whole, with an empty history, and with each device alone."""

    def __init__(self, stored: Mapping[str, Any]) -> None:
        data: Mapping[str, Any] = stored["data"]
        devices: Mapping[str, Any] = data["devices"]
        self._stored = stored
        self.whole_file = self._size(data)
        self.empty = self._size(self._only(data, set()))
        self.per_device = {
            serial: self._size(self._only(data, {serial})) - self.empty for serial in devices
        }

    @staticmethod
    def _only(data: Mapping[str, Any], serials: set[str]) -> dict[str, Any]:
        """The history with only `serials` in it."""
        connectivity: Mapping[str, Any] = data["connectivity"]
        return {
            **data,
            "devices": {s: record for s, record in data["devices"].items() if s in serials},
            "connectivity": {
                **connectivity,
                "devices": {
                    s: record
                    for s, record in connectivity.get("devices", {}).items()
                    if s in serials
                },
            },
        }

    def _size(self, data: Mapping[str, Any]) -> int:
        """Bytes Home Assistant's Store writes for `data` (its own serialiser, same envelope)."""
        _, text = prepare_save_json({**self._stored, "data": data})
        return len(text.encode() if isinstance(text, str) else text)


def _table(measured: Mapping[str, Any], sizes: _Sizes) -> str:
    days = measured["days"]
    lines = [
        (
            f"History Store after {days:g} simulated days at the default poll "
            f"({measured['observations']} polls)"
        ),
        f"{'device':<14} {'kind':<13} {'power':<8} {'replaced':>8} {'bytes':>8}",
    ]
    devices: Mapping[str, Mapping[str, Any]] = measured["devices"]
    replacements: Mapping[str, int] = measured["replacements"]
    for serial, device in devices.items():
        size = sizes.per_device[serial]
        lines.append(
            f"{serial:<14} {device['kind']:<13} {'battery' if device['battery'] else 'mains':<8} "
            f"{replacements.get(serial, 0):>8} {size:>8}"
        )
    lines.append(f"whole file {sizes.whole_file} bytes; an empty history {sizes.empty} bytes")
    worst = max(sizes.per_device.values(), default=0)
    verdict = "met" if worst <= TARGET_BYTES else f"MISSED by {worst - TARGET_BYTES} bytes"
    lines.append(f"Target: <= {TARGET_BYTES} bytes per device-year: {verdict} (worst {worst})")
    return "\n".join(lines) + "\n"


def _growth(months: list[list[float]]) -> str:
    """blink_care's own time per poll (the update method), month by month."""
    cells = [f"{seconds / polls * 1000:.2f}" for polls, seconds in months if polls]
    return "blink_care update per poll by 30-day period (ms): " + " ".join(cells) + "\n"


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
