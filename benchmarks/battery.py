"""`scripts/bench battery`: replay discharge traces through the real battery engine.

Every row of a trace becomes one `BatteryObservation` for a fresh `BatteryModel` per device
(default settings), and the engine's answers are compared with what really happened. The
truth is `died_at` in the trace file and, when the file has one, its `.batteries.csv` sidecar
(which cells were in each device when, and when they were or would have been empty). Without a
sidecar each device is taken to hold one lithium battery from its first row to `died_at`.

Definitions (the figures the table prints):

* **warning**: the engine's health is `replace_soon`, `replace_now` or `wrong_type`.
* **lead** (death traces only): `died_at` minus the start of the warning that is still on at
  the device's last report, counted from no earlier than the dead battery's insertion. A
  warning that came and went earlier does not count, nor does one left over from the
  previous battery. No warning at the end: lead 0. `warned_14d` is the share of death traces
  with a lead of at least 14 days. Blink's anchor is the same with its own "low" state.
* **false alert**: a rise of the `low` binary sensor (off to on, counted once per rise) while
  the battery in the device truly had more than twice the warning lead left (42 days by
  default) *and* more than the low threshold plus 10 points of its life left (30 % by
  default). Both rules of `replace_soon` must be wrong for the alert to be false: with the
  default 20 % threshold, a battery that lasts a year is legitimately flagged about 70 days
  before it dies. Alerts on a USB adapter are always false; alerts on NiMH or alkaline cells
  never are (they must come out). `false_time_only` also prints the stricter count that
  ignores the threshold rule. Rates are per device-year of trace.
* **MAE at x % remaining**: for each death trace with lithium cells, the engine's predicted
  empty date at the moment the dead battery had x % of its life left (by time), against
  `died_at`: mean absolute error in days, and in % of the true time left then. Traces that
  start later than that moment are skipped; `cover` is the share of eligible traces that had a
  prediction at all (only those enter the mean).
* **every death counts**: a trace may hold several sets of cells that ran out (the
  `.batteries.csv` sidecar says so: a set whose `empty_at` is at or before its `removed_at`);
  leads and date errors are scored for each of them, not only for the trace's last.
* **first / last cycle**: `mae50_first_pct` is the error at 50 % left on the first set of cells
  a trace shows the engine (nothing learnt yet); `mae50_last_pct` is the error on the last set
  that ran out, on traces with at least three sets (two learnt before it).
* **band80_cover**: the share of those predictions (every share of life, every set) whose 80 %
  band (`predicted_empty_earliest` to `predicted_empty_latest`) holds the true empty date. An
  honest band holds it about four times in five.
* **replacements**: detections matched to true battery changes within one day before and
  three days after; unmatched detections are false.

Voltages are volts per cell. A file in Blink's own unit (hundredths of a volt, `158` for
1.58 V) or with readings no AA cell gives is refused with a message, not replayed into `nan`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
import statistics
import sys
import time
from typing import TYPE_CHECKING, Final

from benchmarks import Summary
from blink_sim.battery_truth import Chemistry
from blink_sim.trace_families import DEFAULT_FAMILY_DEVICES, FAMILIES, generate_family
from blink_sim.traces import BatteryTruth, DeviceTrace, generate, read_traces, write_traces
from custom_components.blink_care.engine.battery import (
    BatteryHealth,
    BatteryModel,
    BatteryObservation,
    BatterySettings,
)

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Sequence

NAME: Final = "battery"
# The figures a full `scripts/bench` run puts in its last line.
HEADLINE: Final = ("warned_14d", "false_alerts_per_device_year", "mae50_pct", "band80_cover")
HELP: Final = "replay battery discharge traces through the battery engine"
DEFAULT_TRACES: Final = Path(__file__).parent / "data" / "battery_traces.csv"
DEFAULT_SEED: Final = 1
DEFAULT_DEVICES: Final = 108

WARNED_DAYS: Final = 14.0
_WARNING: Final = frozenset(
    {BatteryHealth.REPLACE_SOON, BatteryHealth.REPLACE_NOW, BatteryHealth.WRONG_TYPE}
)
_BLINK_LOW: Final = frozenset({"low", "replace"})
_WRONG_CHEMISTRY: Final = frozenset({Chemistry.NIMH, Chemistry.ALKALINE})
_REMAINING_SHARES: Final = (0.5, 0.25, 0.1)
_THRESHOLD_SLACK_PCT: Final = 10.0
_MATCH_BEFORE: Final = timedelta(days=1)
_MATCH_AFTER: Final = timedelta(days=3)
_DAY: Final = timedelta(days=1)
_YEAR_DAYS: Final = 365.25
# What a per-cell reading in volts can be: below, no camera still runs; above, no AA cell gives.
VOLTS_RANGE: Final = (0.8, 2.0)
# Blink's own unit, hundredths of a volt, puts a typical reading between these.
_HUNDREDTHS_RANGE: Final = (80.0, 200.0)
_MIN_CYCLES_FOR_LAST: Final = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `scripts/bench battery`."""
    parser.add_argument(
        "--traces",
        type=Path,
        default=DEFAULT_TRACES,
        help="trace CSV to replay (default: the shipped set)",
    )
    parser.add_argument("--generate", type=Path, metavar="OUT", help="write a new set, replay it")
    parser.add_argument(
        "--family",
        choices=sorted(FAMILIES),
        help="replay (or with --generate, write) a multi-cycle set of an independent family",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument(
        "--devices",
        type=int,
        help=f"devices to generate ({DEFAULT_DEVICES}; {DEFAULT_FAMILY_DEVICES} for a family)",
    )


def run(args: argparse.Namespace) -> Summary:
    """Replay the traces, print the table, return the headline figures."""
    started = time.perf_counter()
    traces = _load(args)
    settings = BatterySettings()
    results = [evaluate(trace, settings) for trace in traces]
    groups = _groups(results)
    _write(_table(groups))
    _write(_replacement_line(results))
    _write(f"{len(traces)} traces, {sum(len(t.rows) for t in traces)} rows replayed")
    _write(f" in {time.perf_counter() - started:.1f} s\n")
    overall = _Aggregate.of(results)
    return {
        "traces": len(results),
        "warned_14d": overall.warned_share,
        "lead_p05_days": overall.lead_p05,
        "lead_median_days": overall.lead_median,
        "false_alerts_per_device_year": overall.false_per_year,
        "mae50_pct": overall.mae_pct(0.5),
        "mae25_pct": overall.mae_pct(0.25),
        "mae10_pct": overall.mae_pct(0.1),
        "band80_cover": overall.band_cover,
        "mae50_first_pct": overall.mae_pct(0.5, _first_cycle),
        "mae50_last_pct": overall.mae_pct(0.5, _last_cycle),
        "blink_low_lead_median_days": overall.blink_lead_median,
    }


def _write(text: str) -> None:
    sys.stdout.write(text)


def _load(args: argparse.Namespace) -> list[DeviceTrace]:
    """The traces to replay: generated (and written when asked) or read and checked."""
    family: str | None = args.family
    if family is not None or args.generate is not None:
        if family is not None:
            devices = args.devices or DEFAULT_FAMILY_DEVICES
            traces = generate_family(family, args.seed, devices)
            what = f"{family} family"
        else:
            devices = args.devices or DEFAULT_DEVICES
            traces = generate(args.seed, devices)
            what = "shipped generator"
        if args.generate is None:
            return traces
        write_traces(traces, args.generate)
        _write(f"wrote {devices} devices ({what}, seed {args.seed}) to {args.generate}\n")
        path = args.generate
    else:
        path = args.traces
    try:
        traces = read_traces(path)
        check_voltages(traces)
    except (OSError, ValueError, KeyError) as err:
        raise SystemExit(f"scripts/bench battery: {path}: {err}") from err
    return traces


def check_voltages(traces: Sequence[DeviceTrace]) -> None:
    """Refuse voltages that are not volts per cell, saying what they look like instead.

    The engine ignores readings outside what cells can give, so a file in the wrong unit would
    replay with no voltage at all and print `nan` instead of an error.
    """
    volts = [row.voltage for trace in traces for row in trace.rows if row.voltage is not None]
    low, high = VOLTS_RANGE
    outside = [v for v in volts if not low <= v <= high]
    if not outside:
        return
    typical = statistics.median(volts)
    if _HUNDREDTHS_RANGE[0] <= typical <= _HUNDREDTHS_RANGE[1]:
        raise ValueError(
            f"battery_voltage looks like hundredths of a volt (Blink's own unit; median"
            f" {typical:g}); write volts per cell, e.g. {typical / 100:.2f} for {typical:g}"
        )
    raise ValueError(
        f"{len(outside)} of {len(volts)} battery_voltage readings are outside"
        f" {low:g}-{high:g} V per cell (first: {outside[0]:g}); write volts per cell"
    )


# --------------------------------------------------------------------------- one trace


@dataclass(frozen=True, slots=True)
class _Step:
    at: datetime
    health: BatteryHealth
    low: bool
    predicted_empty: datetime | None
    earliest: datetime | None
    latest: datetime | None
    blink_low: bool | None  # None: Blink sent no state
    replacement_detected: bool


@dataclass(frozen=True, slots=True)
class _PredictionError:
    share: float
    days: float | None  # None: the engine had no prediction at that moment
    pct: float | None
    cycle: int = 0  # which set of cells in the trace (0: the first the engine saw)
    last: bool = False  # the last set that ran out, on a trace with several sets
    covered: bool | None = None  # the 80 % band held the true date


@dataclass(frozen=True, slots=True)
class TraceResult:
    """How the engine did on one trace."""

    device: str
    category: str
    cold_weather: bool
    device_years: float
    deaths: int
    lead_days: tuple[float, ...]  # one per set of cells that ran out
    blink_lead_days: tuple[float, ...]
    false_alerts: int
    false_alerts_time_only: int
    prediction_errors: tuple[_PredictionError, ...]
    replacements_true: int
    replacements_found: int
    replacements_false: int


def replay(trace: DeviceTrace, settings: BatterySettings) -> list[_Step]:
    """Feed every row of a trace to a new model; one step per row."""
    model = BatteryModel(settings)
    steps = []
    for row in trace.rows:
        answer = model.observe(
            BatteryObservation(
                at=row.at,
                voltage=row.voltage,
                bars=row.bars,
                blink_state=row.state,
                temperature_f=row.temperature_f,
            )
        )
        steps.append(
            _Step(
                at=row.at,
                health=answer.health,
                low=answer.low,
                predicted_empty=answer.predicted_empty,
                earliest=answer.predicted_empty_earliest,
                latest=answer.predicted_empty_latest,
                blink_low=None if row.state is None else row.state in _BLINK_LOW,
                replacement_detected=answer.replacement_detected,
            )
        )
    return steps


def _deaths(trace: DeviceTrace, batteries: Sequence[BatteryTruth]) -> list[tuple[int, datetime]]:
    """(index of the set, when it ran out) for every set of cells that died in the trace."""
    deaths = [
        (i, battery.empty_at)
        for i, battery in enumerate(batteries[:-1])
        if battery.empty_at is not None
        and battery.removed_at is not None
        and battery.empty_at <= battery.removed_at
    ]
    if trace.died_at is not None:
        deaths.append((len(batteries) - 1, trace.died_at))
    return deaths


def evaluate(trace: DeviceTrace, settings: BatterySettings) -> TraceResult:
    """Replay one trace and score it."""
    steps = replay(trace, settings)
    batteries = trace.batteries or (
        BatteryTruth(Chemistry.LITHIUM, trace.rows[0].at, None, trace.died_at),
    )
    span = trace.rows[-1].at - trace.rows[0].at if trace.rows else timedelta(0)
    deaths = _deaths(trace, batteries) if steps else []
    leads: list[float] = []
    blink_leads: list[float] = []
    errors: list[_PredictionError] = []
    for number, (index, died_at) in enumerate(deaths):
        battery = batteries[index]
        leads.append(_lead_days(steps, died_at, battery, lambda s: s.health in _WARNING))
        blink_leads.append(_lead_days(steps, died_at, battery, lambda s: s.blink_low))
        if battery.chemistry is not Chemistry.LITHIUM:
            continue
        last = number == len(deaths) - 1 and len(batteries) >= _MIN_CYCLES_FOR_LAST
        errors.extend(
            error
            for share in _REMAINING_SHARES
            if (error := _prediction_error(steps, died_at, battery, share, cycle=index, last=last))
            is not None
        )
    false_alerts, false_time_only = _false_alerts(steps, batteries, settings)
    found, false_found = _match_replacements(steps, batteries)
    return TraceResult(
        device=trace.device,
        category=trace.category,
        cold_weather=trace.cold_weather,
        device_years=span / _DAY / _YEAR_DAYS,
        deaths=len(deaths),
        lead_days=tuple(leads),
        blink_lead_days=tuple(blink_leads),
        false_alerts=false_alerts,
        false_alerts_time_only=false_time_only,
        prediction_errors=tuple(errors),
        replacements_true=len(batteries) - 1,
        replacements_found=found,
        replacements_false=false_found,
    )


def _lead_days(
    steps: Sequence[_Step],
    died_at: datetime,
    battery: BatteryTruth,
    warning: Callable[[_Step], bool | None],
) -> float:
    """Days between the start of the warning still on at the end and the death."""
    start: datetime | None = None
    for step in reversed(steps):
        if step.at >= died_at:
            continue
        if step.at < battery.inserted_at:
            break
        on = warning(step)
        if on is None:  # nothing said at this poll: the warning is neither on nor off
            continue
        if not on:
            break
        start = step.at
    return 0.0 if start is None else (died_at - start) / _DAY


def _prediction_error(
    steps: Sequence[_Step],
    died_at: datetime,
    battery: BatteryTruth,
    share: float,
    *,
    cycle: int = 0,
    last: bool = False,
) -> _PredictionError | None:
    """The engine's empty-date error when `share` of the battery's life was left.

    None when the trace does not cover that moment (it started later).
    """
    life = died_at - battery.inserted_at
    moment = died_at - life * share
    before = [step for step in steps if battery.inserted_at <= step.at <= moment]
    if not before:
        return None
    step = before[-1]
    predicted = step.predicted_empty
    if predicted is None:
        return _PredictionError(share, None, None, cycle, last)
    days = abs(predicted - died_at) / _DAY
    covered = (
        None
        if step.earliest is None or step.latest is None
        else step.earliest <= died_at <= step.latest
    )
    return _PredictionError(share, days, 100.0 * days / (life * share / _DAY), cycle, last, covered)


def _battery_at(batteries: Sequence[BatteryTruth], moment: datetime) -> BatteryTruth:
    for battery in batteries:
        if battery.removed_at is None or moment < battery.removed_at:
            return battery
    return batteries[-1]


def _false_alerts(
    steps: Sequence[_Step], batteries: Sequence[BatteryTruth], settings: BatterySettings
) -> tuple[int, int]:
    """(false alerts, false by the time rule alone), each rise of `low` counted once."""
    false_both = false_time = 0
    was_low = False
    last_seen = steps[-1].at if steps else None
    for step in steps:
        rose = step.low and not was_low
        was_low = step.low
        if not rose:
            continue
        battery = _battery_at(batteries, step.at)
        if battery.chemistry in _WRONG_CHEMISTRY:
            continue
        if battery.chemistry is Chemistry.EXTERNAL:
            false_both += 1
            false_time += 1
            continue
        empty_at = battery.empty_at
        if empty_at is None:  # no death seen: at least the rest of the trace was left
            assert last_seen is not None  # noqa: S101 - there is a step
            if (last_seen - step.at) / _DAY > 2 * settings.warning_lead_days:
                false_both += 1
                false_time += 1
            continue
        remaining = (empty_at - step.at) / _DAY
        life = (empty_at - battery.inserted_at) / _DAY
        too_early = remaining > 2 * settings.warning_lead_days
        above_threshold = (
            100.0 * remaining / life > settings.low_threshold_pct + _THRESHOLD_SLACK_PCT
        )
        false_time += too_early
        false_both += too_early and above_threshold
    return false_both, false_time


def _match_replacements(
    steps: Sequence[_Step], batteries: Sequence[BatteryTruth]
) -> tuple[int, int]:
    """(true changes detected, detections that match no change)."""
    changes = [battery.inserted_at for battery in batteries[1:]]
    detections = [step.at for step in steps if step.replacement_detected]
    found = 0
    false = 0
    unmatched = list(changes)
    for detected in detections:
        match = next(
            (c for c in unmatched if c - _MATCH_BEFORE <= detected <= c + _MATCH_AFTER), None
        )
        if match is None:
            false += 1
        else:
            unmatched.remove(match)
            found += 1
    return found, false


# --------------------------------------------------------------------------- aggregates


def _first_cycle(error: _PredictionError) -> bool:
    """The first set of cells the engine saw in a trace: nothing learnt yet."""
    return error.cycle == 0


def _last_cycle(error: _PredictionError) -> bool:
    """The last set that ran out on a trace of three or more sets: two or more learnt."""
    return error.last


def _percentile(values: Sequence[float], share: float) -> float | None:
    """Linear-interpolation percentile (numpy's default), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class _Aggregate:
    results: tuple[TraceResult, ...]

    @classmethod
    def of(cls, results: Iterable[TraceResult]) -> _Aggregate:
        return cls(tuple(results))

    @property
    def leads(self) -> list[float]:
        return [lead for r in self.results for lead in r.lead_days]

    @property
    def blink_leads(self) -> list[float]:
        return [lead for r in self.results for lead in r.blink_lead_days]

    @property
    def deaths(self) -> int:
        return sum(r.deaths for r in self.results)

    @property
    def device_years(self) -> float:
        return sum(r.device_years for r in self.results)

    @property
    def warned_share(self) -> float | None:
        leads = self.leads
        return sum(lead >= WARNED_DAYS for lead in leads) / len(leads) if leads else None

    @property
    def blink_warned_share(self) -> float | None:
        leads = self.blink_leads
        return sum(lead >= WARNED_DAYS for lead in leads) / len(leads) if leads else None

    @property
    def lead_p05(self) -> float | None:
        return _percentile(self.leads, 0.05)

    @property
    def lead_median(self) -> float | None:
        return _percentile(self.leads, 0.5)

    @property
    def blink_lead_median(self) -> float | None:
        return _percentile(self.blink_leads, 0.5)

    def _per_year(self, count: int) -> float | None:
        years = self.device_years
        return count / years if years > 0 else None

    @property
    def false_per_year(self) -> float | None:
        return self._per_year(sum(r.false_alerts for r in self.results))

    @property
    def false_time_only_per_year(self) -> float | None:
        return self._per_year(sum(r.false_alerts_time_only for r in self.results))

    def _errors(
        self, share: float, which: Callable[[_PredictionError], bool] | None = None
    ) -> list[_PredictionError]:
        return [
            e
            for r in self.results
            for e in r.prediction_errors
            if e.share == share and (which is None or which(e))
        ]

    def mae_days(
        self, share: float, which: Callable[[_PredictionError], bool] | None = None
    ) -> float | None:
        days = [e.days for e in self._errors(share, which) if e.days is not None]
        return statistics.fmean(days) if days else None

    def mae_pct(
        self, share: float, which: Callable[[_PredictionError], bool] | None = None
    ) -> float | None:
        pcts = [e.pct for e in self._errors(share, which) if e.pct is not None]
        return statistics.fmean(pcts) if pcts else None

    @property
    def band_cover(self) -> float | None:
        covered = [
            e.covered for r in self.results for e in r.prediction_errors if e.covered is not None
        ]
        return sum(covered) / len(covered) if covered else None

    def coverage(self, share: float) -> float | None:
        errors = self._errors(share)
        return sum(e.days is not None for e in errors) / len(errors) if errors else None


def _groups(results: Sequence[TraceResult]) -> list[tuple[str, _Aggregate]]:
    categories = sorted({r.category for r in results})
    groups = [(c, _Aggregate.of(r for r in results if r.category == c)) for c in categories]
    groups.append(("cold-weather", _Aggregate.of(r for r in results if r.cold_weather)))
    groups.append(("all", _Aggregate.of(results)))
    return groups


def _cell(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


_COLUMNS: Final = (
    ("category", 12),
    ("traces", 6),
    ("deaths", 6),
    ("dev-yr", 6),
    ("warn14", 6),
    ("lead5%", 6),
    ("lead50", 6),
    ("false/y", 7),
    ("time/y", 6),
    ("mae50 d/%", 11),
    ("mae25 d/%", 11),
    ("mae10 d/%", 11),
    ("cover", 5),
    ("band80", 6),
    ("1st50%", 6),
    ("last50%", 7),
    ("blink50", 7),
    ("blink14", 7),
)


def _table(groups: Sequence[tuple[str, _Aggregate]]) -> str:
    lines = ["  ".join(title.rjust(width) for title, width in _COLUMNS)]
    for name, agg in groups:
        cells = [
            name,
            str(len(agg.results)),
            str(agg.deaths),
            _cell(agg.device_years),
            _cell(agg.warned_share, 2),
            _cell(agg.lead_p05),
            _cell(agg.lead_median),
            _cell(agg.false_per_year, 2),
            _cell(agg.false_time_only_per_year, 2),
            *(f"{_cell(agg.mae_days(x))}/{_cell(agg.mae_pct(x), 0)}" for x in _REMAINING_SHARES),
            _cell(agg.coverage(0.5), 2),
            _cell(agg.band_cover, 2),
            _cell(agg.mae_pct(0.5, _first_cycle), 1),
            _cell(agg.mae_pct(0.5, _last_cycle), 1),
            _cell(agg.blink_lead_median),
            _cell(agg.blink_warned_share, 2),
        ]
        lines.append(
            "  ".join(cell.rjust(width) for cell, (_, width) in zip(cells, _COLUMNS, strict=True))
        )
    return "\n".join(lines) + "\n"


def _replacement_line(results: Sequence[TraceResult]) -> str:
    true = sum(r.replacements_true for r in results)
    found = sum(r.replacements_found for r in results)
    false = sum(r.replacements_false for r in results)
    return f"replacements: {true} true, {found} detected, {false} false detections\n"
