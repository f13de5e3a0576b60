"""`scripts/bench work`: blink_care's per-poll processing against a bare `json.loads`.

A 100-device account (by default) is set up in Home Assistant over HTTP; then, poll after
poll, the simulated cloud builds the homescreen for the poll's time and it is serialised the
way the server sends it. Two things are timed for every poll:

* **decode**: `json.loads` of those bytes, the floor any client pays;
* **work**: `coordinator.async_refresh()` on the decoded body: parse into snapshots, the
  camera config parse when one is due, the fleet model (connectivity and battery engines,
  events), the device registry check, repairs issues, the history, and every entity's state
  write. No HTTP. The stages shown are public functions on that path: `parse` (the
  homescreen parse), `assess` (`Fleet.observe`), `issues` and `entity_writes` (the
  coordinator's listeners).

The figures are ratios (median over median, p95 over p95), so they mean the same on a fast
and on a slow machine. `work_without_writes` leaves out the entity state writes, i.e. what
blink_care itself computes. `--profile N` prints the N functions that cost the most.
"""

from __future__ import annotations

from pathlib import Path
import pstats
import statistics
import sys
import tempfile
from typing import TYPE_CHECKING, Final

from benchmarks import Summary
from benchmarks._ha_harness import FleetSpec, Measurement, run_scenario

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

NAME: Final = "work"
HELP: Final = "per-poll processing time of a 100-device account, as a multiple of json.loads"
HEADLINE: Final = ("work_vs_decode",)

DEFAULT_FLEET: Final = "10,75,10,5"
DEFAULT_POLLS: Final = 300
DEFAULT_WARMUP: Final = 20
TARGET_RATIO: Final = 3.0
_P95: Final = 95
# Stage names in the order a poll runs them (see `_ha_scenarios.time_the_stages`).
STAGES: Final = ("parse", "assess", "issues", "entity_writes")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `scripts/bench work`."""
    parser.add_argument(
        "--fleet",
        type=FleetSpec.parse,
        default=FleetSpec.parse(DEFAULT_FLEET),
        metavar="S,C,M,D",
        help="sync modules, battery cameras, Minis, doorbells (default: 100 devices)",
    )
    parser.add_argument("--polls", type=int, default=DEFAULT_POLLS, help="timed polls")
    parser.add_argument(
        "--warmup", type=int, default=DEFAULT_WARMUP, help="polls run first and not timed"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also profile the timed polls with cProfile and print the N costliest functions",
    )


def run(args: argparse.Namespace) -> Summary:
    """Time the polls, print the table, return the ratios."""
    with tempfile.TemporaryDirectory(prefix="blink_care_work_") as scratch:
        profile_path = Path(scratch) / "work.prof"
        case = {
            "fleet": args.fleet.build(attach_to_sync=True),
            "polls": args.polls,
            "warmup": args.warmup,
        }
        # The profiler slows every call down: the figures come from a run without it.
        profiled = [{**case, "profile_path": str(profile_path)}] if args.profile else []
        scenario = run_scenario("scenario_work", [case, *profiled])
        measured = scenario.results[0]
        timings = _Timings(measured["polls"])
        _write(_table(measured, timings))
        if args.profile:
            _write(_profile(profile_path, args.profile))
    _write(f"({len(timings.polls)} polls timed; {scenario.wall_s:.1f} s wall clock)\n")
    work_ratio = timings.ratio("work")
    own_ratio = timings.ratio("work_without_writes")
    return {
        "work_vs_decode": work_ratio,
        "work_p95_vs_decode": timings.ratio("work", _P95),
        "work_without_writes_vs_decode": own_ratio,
        "decode_median_ms": timings.ms("decode"),
        "work_median_ms": timings.ms("work"),
        "devices": measured["devices"],
    }


class _Timings:
    """Per-poll seconds by name, with the derived `work_without_writes`."""

    def __init__(self, polls: Sequence[Measurement]) -> None:
        self.polls = [
            {**poll, "work_without_writes": poll["work"] - poll.get("entity_writes", 0.0)}
            for poll in polls
        ]

    def seconds(self, name: str, percentile: int = 50) -> float | None:
        values = sorted(float(poll.get(name, 0.0)) for poll in self.polls)
        if not values:
            return None
        if percentile == 50:  # noqa: PLR2004 - the median
            return statistics.median(values)
        return statistics.quantiles(values, n=100, method="inclusive")[percentile - 1]

    def ms(self, name: str, percentile: int = 50) -> float | None:
        seconds = self.seconds(name, percentile)
        return None if seconds is None else seconds * 1000

    def ratio(self, name: str, percentile: int = 50) -> float | None:
        """`name` over the decode, at the same percentile."""
        value, floor = self.seconds(name, percentile), self.seconds("decode", percentile)
        return None if value is None or not floor else value / floor


def _table(measured: Measurement, timings: _Timings) -> str:
    lines = [
        (
            f"Per-poll processing, {measured['devices']} devices, "
            f"{measured['enabled_entities']} of {measured['entities']} entities enabled, "
            f"homescreen {measured['body_bytes'] / 1024:.1f} KiB"
        ),
        f"{'':<22} {'median ms':>10} {'p95 ms':>9} {'x decode':>9}",
    ]
    rows = [
        "decode",
        "work",
        "work_without_writes",
        *(f"  {stage}" for stage in STAGES),
    ]
    for row in rows:
        name = row.strip()
        ratio = timings.ratio(name)
        lines.append(
            f"{_label(row):<22} {_fmt(timings.ms(name)):>10} {_fmt(timings.ms(name, _P95)):>9} "
            f"{_fmt(ratio):>9}"
        )
    ratio = timings.ratio("work")
    verdict = (
        "nan"
        if ratio is None
        else "met"
        if ratio <= TARGET_RATIO
        else f"MISSED ({ratio:.1f}x, {ratio / TARGET_RATIO:.1f} times the budget)"
    )
    lines.append(f"Target: work <= {TARGET_RATIO:g} x decode (medians): {verdict}")
    return "\n".join(lines) + "\n"


def _label(row: str) -> str:
    names = {
        "decode": "json.loads (floor)",
        "work": "blink_care poll",
        "work_without_writes": "  without state writes",
    }
    return names.get(row, f"    {row.strip()}")


def _fmt(value: float | None) -> str:
    return "nan" if value is None else f"{value:.3f}"


def _profile(path: Path, top: int) -> str:
    """The costliest functions of the profiled polls, by own time and by cumulative time."""
    lines: list[str] = []
    stats = pstats.Stats(str(path))
    for order in ("tottime", "cumulative"):
        lines.append(f"cProfile of the timed polls, top {top} by {order}:")
        stats.sort_stats(order)
        for function in stats.fcn_list[:top]:  # type: ignore[attr-defined]
            _, calls, own, cumulative, _ = stats.stats[function]  # type: ignore[attr-defined]
            filename, line, name = function
            where = f"{_short(filename)}:{line}({name})"
            lines.append(f"  {calls:>9} calls {own:8.3f} s own {cumulative:8.3f} s cum  {where}")
    return "\n".join(lines) + "\n"


def _short(filename: str) -> str:
    """A path from the package on (site-packages/ and the repository root dropped)."""
    for marker in ("site-packages/", "/src/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
