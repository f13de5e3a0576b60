"""Realistic battery discharge traces: what Blink would have reported, poll after poll.

Built on the simulator's truth (`battery_truth`): the cells' charge drains hour by hour with
this device's usage, the reported voltage follows the discharge curve of what is in the
compartment at the hour's temperature, and the device dies when its cells can no longer hold
the camera up (`DEAD_VOLTS`). On top of the truth come what makes real data hard:

* cell-to-cell and camera-to-camera spread: a fixed offset (sd 0.01 V) and a tilt of the
  plateau (sd 0.015 V end to end) per device, so the engine's curve never fits exactly;
* measurement noise (sd 6 mV), occasional readings taken right after a recording (load dips
  of 20-60 mV), and Blink's rounding to hundredths of a volt;
* weather: a seasonal cycle, a daily cycle with its minimum near dawn, day-to-day weather
  that persists, and in cold climates cold snaps well below 0 °F, so frosty nights sag the
  lithium voltage (and can end a nearly empty battery early, as in the truth model);
* usage that changes: busier summers outdoors, weeks busier or quieter than usual, and
  occasional bursts;
* gaps: Wi-Fi outages of hours to days, failed config fetches (no voltage), missing
  temperatures; doorbells report no voltage at all and mostly no temperature.

A trace holds one row every six hours (the integration polls every two minutes, but fetches
the voltage only every few hours and the file has to stay small), starting near dawn so that
the coldest reading of the day is in it. Usage levels and lithium lifetimes come from the
simulated fleet (`blink_sim.fleet`); one device's lifetime is drawn once (lognormal, sd 0.2),
and each new set of cells differs from it by a few percent.

Devices are named `<category>-<number>`; the category's dash-separated words say what kind of
trace it is (see `CATEGORIES`), and a device whose category contains `cold` is a cold-weather
trace. Each trace set is one CSV with the benchmark's columns plus a sidecar CSV with the
truth the CSV cannot carry: every battery that was in each device, when it went in and out,
and when it was (or would have been) empty. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
import math
from pathlib import Path
import random
from typing import TYPE_CHECKING, Final

from blink_sim.battery_truth import (
    DEAD_VOLTS,
    Chemistry,
    blink_battery_bars,
    blink_battery_state,
    cell_voltage,
)
from blink_sim.fleet import _CAPACITY_FACTOR, LITHIUM_LIFE_DAYS, Usage

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

TRACE_HEADER: Final = (
    "device",
    "timestamp",
    "battery_voltage",
    "battery_bars",
    "battery_state",
    "temperature_f",
    "died_at",
)
BATTERIES_HEADER: Final = ("device", "inserted_at", "removed_at", "empty_at", "chemistry")
_TIME_FORMAT: Final = "%Y-%m-%dT%H:%MZ"

POLL_EVERY: Final = timedelta(hours=6)
_HOUR: Final = timedelta(hours=1)
_FIRST_START: Final = datetime(2025, 1, 1, tzinfo=UTC)
_MAX_TRACE_DAYS: Final = 1000
_EXTERNAL_TRACE_DAYS: Final = (90, 180)
_USAGE_MIX: Final = ((Usage.LIGHT, 0.3), (Usage.STANDARD, 0.45), (Usage.HEAVY, 0.25))
_LIFE_SPREAD: Final = 0.2  # lognormal sd of one device's battery life around its usage level
_CELL_SPREAD: Final = 0.04  # capacity spread between sets of cells of the same kind
_WHAT_IF_LIMIT: Final = timedelta(days=800)
_OUTAGES_PER_POLL: Final = 3.0 / (365.0 * 4)  # about three Wi-Fi outages a year


class Climate(StrEnum):
    """Where the device hangs."""

    INDOOR = "indoor"
    MILD = "mild"
    COLD = "cold"
    HOT = "hot"


class Plan(StrEnum):
    """What happens to the batteries during the trace."""

    LITHIUM = "lithium"  # one set of lithium cells, run until the device dies
    SWAP = "swap"  # lithium replaced by fresh lithium part-way, the second set dies
    NIMH = "nimh"  # old lithium replaced by rechargeable NiMH, which then die
    ALKALINE = "alkaline"  # old lithium replaced by alkaline cells, which then die
    EXTERNAL = "external"  # a USB adapter throughout, never dies


@dataclass(frozen=True, slots=True)
class _ClimateModel:
    mean_f: float
    seasonal_f: float  # amplitude of the yearly cycle, coldest around 20 January
    daily_f: float  # amplitude of the daily cycle, coldest at 05:00
    weather_sd_f: float  # day-to-day weather, AR(1)
    weather_memory: float
    cold_snaps_per_winter: float = 0.0


_CLIMATES: Final[dict[Climate, _ClimateModel]] = {
    Climate.INDOOR: _ClimateModel(68.0, 3.0, 1.5, 1.0, 0.5),
    Climate.MILD: _ClimateModel(57.0, 15.0, 9.0, 5.0, 0.7),
    Climate.COLD: _ClimateModel(45.0, 27.0, 9.0, 7.0, 0.8, cold_snaps_per_winter=2.0),
    Climate.HOT: _ClimateModel(72.0, 15.0, 12.0, 4.0, 0.7),
}


@dataclass(frozen=True, slots=True)
class Category:
    """One kind of trace in a generated set."""

    name: str
    share: float
    plan: Plan
    climate: Climate
    doorbell: bool = False  # bars and state only, no voltage, mostly no temperature


CATEGORIES: Final[tuple[Category, ...]] = (
    Category("mild", 0.20, Plan.LITHIUM, Climate.MILD),
    Category("cold", 0.20, Plan.LITHIUM, Climate.COLD),
    Category("hot", 0.05, Plan.LITHIUM, Climate.HOT),
    Category("indoor", 0.07, Plan.LITHIUM, Climate.INDOOR),
    Category("bell-mild", 0.07, Plan.LITHIUM, Climate.MILD, doorbell=True),
    Category("bell-cold", 0.07, Plan.LITHIUM, Climate.COLD, doorbell=True),
    Category("swap-mild", 0.05, Plan.SWAP, Climate.MILD),
    Category("swap-cold", 0.05, Plan.SWAP, Climate.COLD),
    Category("nimh", 0.04, Plan.NIMH, Climate.MILD),
    Category("alkaline", 0.04, Plan.ALKALINE, Climate.MILD),
    Category("external", 0.16, Plan.EXTERNAL, Climate.MILD),
)


@dataclass(frozen=True, slots=True)
class TraceRow:
    """One poll: what Blink reported (None: nothing)."""

    at: datetime
    voltage: float | None
    bars: int | None
    state: str | None
    temperature_f: float | None


@dataclass(frozen=True, slots=True)
class BatteryTruth:
    """One set of cells in one device, as only the simulator knows it."""

    chemistry: Chemistry
    inserted_at: datetime
    removed_at: datetime | None  # None: still in at the end of the trace (or died in it)
    empty_at: datetime | None  # when it died or would have died; None: external power


@dataclass(frozen=True, slots=True)
class DeviceTrace:
    """Everything about one device's trace."""

    device: str
    rows: tuple[TraceRow, ...]
    died_at: datetime | None
    batteries: tuple[BatteryTruth, ...] = ()

    @property
    def category(self) -> str:
        """The device name without its number."""
        return self.device.rsplit("-", 1)[0]

    @property
    def cold_weather(self) -> bool:
        """Whether the device lives through freezing winters."""
        return "cold" in self.category.split("-")


# --------------------------------------------------------------------------- environment


@dataclass(slots=True)
class _Environment:
    """The device's weather and usage, one value per day, drawn once and then fixed."""

    climate: _ClimateModel
    outdoor: bool
    start: datetime
    weather: list[float] = field(default_factory=list)
    usage: list[float] = field(default_factory=list)

    @classmethod
    def draw(cls, rng: random.Random, climate: Climate, start: datetime, days: int) -> _Environment:
        model = _CLIMATES[climate]
        env = cls(model, outdoor=climate is not Climate.INDOOR, start=start)
        anomaly = 0.0
        snap_days_left = 0
        snap_depth = 0.0
        usage_log = 0.0
        burst_days_left = 0
        for day in range(days):
            noise_sd = model.weather_sd_f * math.sqrt(1 - model.weather_memory**2)
            anomaly = model.weather_memory * anomaly + rng.gauss(0.0, noise_sd)
            winter = _seasonal(start + timedelta(days=day)) < -0.5  # noqa: PLR2004
            snap_starts = (
                snap_days_left == 0 and winter and rng.random() < model.cold_snaps_per_winter / 90.0
            )
            if snap_starts:
                snap_days_left = rng.randint(3, 10)
                snap_depth = rng.uniform(10.0, 25.0)
            snap = snap_depth if snap_days_left > 0 else 0.0
            snap_days_left = max(snap_days_left - 1, 0)
            env.weather.append(anomaly - snap)
            # Usage: weeks busier or quieter than usual (log AR(1)), and rare bursts.
            usage_log = 0.9 * usage_log + rng.gauss(0.0, 0.2 * math.sqrt(1 - 0.81))
            if burst_days_left == 0 and rng.random() < 0.004:  # noqa: PLR2004
                burst_days_left = rng.randint(3, 10)
            burst = 2.0 if burst_days_left > 0 else 1.0
            burst_days_left = max(burst_days_left - 1, 0)
            env.usage.append(math.exp(usage_log) * burst)
        return env

    def temperature_f(self, moment: datetime) -> float:
        day = min(int((moment - self.start) / timedelta(days=1)), len(self.weather) - 1)
        hours = moment.hour + moment.minute / 60.0
        daily = -math.cos(2 * math.pi * (hours - 5.0) / 24.0)
        return (
            self.climate.mean_f
            + self.climate.seasonal_f * _seasonal(moment)
            + self.climate.daily_f * daily
            + self.weather[day]
        )

    def drain_factor(self, moment: datetime) -> float:
        """Usage relative to the device's average (outdoors: busier in summer)."""
        day = min(int((moment - self.start) / timedelta(days=1)), len(self.usage) - 1)
        summer = 1.0 + (0.2 * _seasonal(moment) if self.outdoor else 0.0)
        return self.usage[day] * summer


def _seasonal(moment: datetime) -> float:
    """-1 in late January, +1 in late July."""
    day_of_year = moment.timetuple().tm_yday
    return -math.cos(2 * math.pi * (day_of_year - 20) / 365.25)


# --------------------------------------------------------------------------- one device


@dataclass(slots=True)
class _Cells:
    chemistry: Chemistry
    depth: float  # depth of discharge 0..1
    life_hours: float  # from fresh to dead at average usage
    inserted_at: datetime

    def drain(self, moment: datetime, env: _Environment) -> None:
        if self.chemistry is not Chemistry.EXTERNAL:
            self.depth = min(self.depth + env.drain_factor(moment) / self.life_hours, 1.0)

    def dead(self, moment: datetime, env: _Environment) -> bool:
        if self.chemistry is Chemistry.EXTERNAL:
            return False
        volts = cell_voltage(self.chemistry, self.depth, env.temperature_f(moment))
        return self.depth >= 1.0 or volts < DEAD_VOLTS

    def empty_at(self, moment: datetime, env: _Environment, limit: datetime) -> datetime | None:
        """When these cells would die if left in from `moment` (a what-if, nothing changes)."""
        if self.chemistry is Chemistry.EXTERNAL:
            return None
        ghost = _Cells(self.chemistry, self.depth, self.life_hours, self.inserted_at)
        while moment < limit:
            if ghost.dead(moment, env):
                return moment
            ghost.drain(moment, env)
            moment += _HOUR
        return None


@dataclass(frozen=True, slots=True)
class _Reporter:
    """How one device and its cells misreport the truth."""

    offset: float
    tilt: float
    doorbell: bool
    reports_temperature: bool

    @classmethod
    def draw(cls, rng: random.Random, *, doorbell: bool) -> _Reporter:
        return cls(
            offset=max(min(rng.gauss(0.0, 0.01), 0.03), -0.03),
            tilt=rng.gauss(0.0, 0.015),
            doorbell=doorbell,
            reports_temperature=not doorbell or rng.random() < 0.3,  # noqa: PLR2004
        )

    def row(
        self, rng: random.Random, moment: datetime, cells: _Cells, temperature_f: float
    ) -> TraceRow:
        true_volts = cell_voltage(cells.chemistry, cells.depth, temperature_f)
        measured = true_volts + rng.gauss(0.0, 0.006)
        if cells.chemistry is not Chemistry.EXTERNAL:
            measured += self.offset + self.tilt * (cells.depth - 0.5)
            if rng.random() < 0.04:  # noqa: PLR2004 - just after a recording
                measured -= rng.uniform(0.02, 0.06)
        voltage = None
        if not self.doorbell and rng.random() >= 0.08:  # noqa: PLR2004 - config fetch failed
            voltage = round(measured, 2)
        temperature = None
        if self.reports_temperature and rng.random() >= 0.02:  # noqa: PLR2004
            temperature = float(round(temperature_f + rng.gauss(0.0, 1.0)))
        return TraceRow(
            at=moment,
            voltage=voltage,
            bars=blink_battery_bars(measured),
            state=blink_battery_state(measured),
            temperature_f=temperature,
        )


def _pick_usage(rng: random.Random, plan: Plan) -> Usage:
    if plan is Plan.SWAP:  # two batteries in one trace: keep it within the size budget
        return rng.choice((Usage.STANDARD, Usage.HEAVY))
    roll = rng.random()
    for usage, share in _USAGE_MIX:
        if roll < share:
            return usage
        roll -= share
    return Usage.STANDARD


@dataclass(frozen=True, slots=True)
class _Swap:
    """When the owner changes the cells, and for what."""

    chemistry: Chemistry
    at_depth: float | None  # proactively, at this depth of discharge
    days_after_low: float  # otherwise this long after Blink first says "low"

    @classmethod
    def draw(cls, rng: random.Random, plan: Plan) -> _Swap | None:
        if plan is Plan.SWAP:
            if rng.random() < 0.6:  # noqa: PLR2004 - most people wait for Blink's warning
                return cls(Chemistry.LITHIUM, None, rng.uniform(0.0, 7.0))
            return cls(Chemistry.LITHIUM, rng.uniform(0.5, 0.85), 0.0)
        if plan is Plan.NIMH:
            return cls(Chemistry.NIMH, None, rng.uniform(0.0, 5.0))
        if plan is Plan.ALKALINE:
            return cls(Chemistry.ALKALINE, None, rng.uniform(0.0, 5.0))
        return None


class _DeviceRun:
    """One device simulated hour by hour, polled every six hours."""

    def __init__(self, rng: random.Random, device: str, category: Category) -> None:
        self.rng = rng
        self.device = device
        start = _FIRST_START + timedelta(days=int(rng.uniform(0.0, 365.0)))
        self.start = start
        self.env = _Environment.draw(rng, category.climate, start, _MAX_TRACE_DAYS + 800)
        self.reporter = _Reporter.draw(rng, doorbell=category.doorbell)
        # How long fresh lithium cells last in this device at its average usage.
        self.life_hours = (
            LITHIUM_LIFE_DAYS[_pick_usage(rng, category.plan)]
            * 24.0
            * math.exp(max(min(rng.gauss(0.0, _LIFE_SPREAD), 0.5), -0.5))
        )
        self.end = start + timedelta(days=_MAX_TRACE_DAYS)
        if category.plan is Plan.EXTERNAL:
            self.cells = _Cells(Chemistry.EXTERNAL, 0.0, math.inf, start)
            self.end = start + timedelta(days=rng.uniform(*_EXTERNAL_TRACE_DAYS))
        else:
            if category.plan in {Plan.NIMH, Plan.ALKALINE}:
                depth = rng.uniform(0.80, 0.93)
            elif category.plan is Plan.SWAP or rng.random() < 0.5:  # noqa: PLR2004
                depth = 0.0
            else:
                depth = rng.uniform(0.05, 0.6)
            self.cells = self._new_cells(Chemistry.LITHIUM, start, depth)
        self.swap = _Swap.draw(rng, category.plan)
        # Polls start near dawn, the coldest hour, so frosty readings are not missed.
        self.next_poll = start + timedelta(hours=5.0 + rng.uniform(-1.5, 1.5))
        self.rows: list[TraceRow] = []
        self.batteries: list[BatteryTruth] = []
        self.outage_until = start
        self.low_seen_at: datetime | None = None

    def _new_cells(self, chemistry: Chemistry, moment: datetime, depth: float = 0.0) -> _Cells:
        """Cells of `chemistry`; sets of cells differ by a few percent in capacity."""
        capacity = _CAPACITY_FACTOR.get(chemistry, 1.0) * self.rng.gauss(1.0, _CELL_SPREAD)
        life = self.life_hours * capacity
        return _Cells(chemistry, depth, life, moment - timedelta(hours=depth * life))

    def run(self) -> DeviceTrace:
        moment = self.start
        died_at: datetime | None = None
        while moment < self.end:
            if self.cells.dead(moment, self.env):
                died_at = moment
                break
            self._maybe_swap(moment)
            if moment >= self.next_poll:
                self._poll(moment)
            self.cells.drain(moment, self.env)
            moment += _HOUR
        empty_at = died_at or self.cells.empty_at(moment, self.env, moment + _WHAT_IF_LIMIT)
        self.batteries.append(
            BatteryTruth(self.cells.chemistry, self.cells.inserted_at, None, empty_at)
        )
        return DeviceTrace(self.device, tuple(self.rows), died_at, tuple(self.batteries))

    def _maybe_swap(self, moment: datetime) -> None:
        swap = self.swap
        if swap is None:
            return
        due = (swap.at_depth is not None and self.cells.depth >= swap.at_depth) or (
            self.low_seen_at is not None
            and moment >= self.low_seen_at + timedelta(days=swap.days_after_low)
        )
        # About to die first: the owner gets there just in time.
        due = due or self.cells.empty_at(moment, self.env, moment + POLL_EVERY) is not None
        if not due:
            return
        empty_at = self.cells.empty_at(moment, self.env, moment + _WHAT_IF_LIMIT)
        self.batteries.append(
            BatteryTruth(self.cells.chemistry, self.cells.inserted_at, moment, empty_at)
        )
        self.cells = self._new_cells(swap.chemistry, moment)
        self.swap = None

    def _poll(self, moment: datetime) -> None:
        jitter = timedelta(minutes=self.rng.randint(-20, 20))
        if moment >= self.outage_until:
            temperature = self.env.temperature_f(moment)
            row = self.reporter.row(self.rng, moment + jitter, self.cells, temperature)
            self.rows.append(row)
            if row.state == "low" and self.low_seen_at is None:
                self.low_seen_at = moment
        self.next_poll += POLL_EVERY
        if self.rng.random() < _OUTAGES_PER_POLL:
            hours = min(self.rng.expovariate(1 / 24.0) + 3.0, 120.0)
            self.outage_until = moment + timedelta(hours=hours)


def simulate_device(rng: random.Random, device: str, category: Category) -> DeviceTrace:
    """One device's trace from its category, drawn from `rng`."""
    return _DeviceRun(rng, device, category).run()


def _category_counts(devices: int) -> list[tuple[Category, int]]:
    """Split `devices` across the categories by share (largest remainder, at least one)."""
    raw = [(category, category.share * devices) for category in CATEGORIES]
    counts = {category.name: max(int(share), 1) for category, share in raw}
    by_remainder = sorted(raw, key=lambda item: item[1] - int(item[1]), reverse=True)
    for category, _ in by_remainder:
        if sum(counts.values()) >= devices:
            break
        counts[category.name] += 1
    return [(category, counts[category.name]) for category in CATEGORIES]


def generate(seed: int, devices: int) -> list[DeviceTrace]:
    """A trace set of about `devices` devices (every category gets at least one)."""
    traces = []
    for category, count in _category_counts(devices):
        for number in range(1, count + 1):
            device = f"{category.name}-{number:03d}"
            rng = random.Random(f"{seed}:{device}")
            traces.append(simulate_device(rng, device, category))
    return traces


# --------------------------------------------------------------------------- files


def batteries_path(traces_path: Path) -> Path:
    """Where the truth sidecar of a trace file lives (`x.csv` -> `x.batteries.csv`)."""
    return traces_path.with_name(f"{traces_path.stem}.batteries.csv")


def _format_time(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime(_TIME_FORMAT)


def _parse_time(text: str) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def write_traces(traces: Iterable[DeviceTrace], path: Path) -> None:
    """Write the trace CSV and its truth sidecar."""
    traces = list(traces)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TRACE_HEADER)
        for trace in traces:
            died = _format_time(trace.died_at)
            for row in trace.rows:
                writer.writerow(
                    (
                        trace.device,
                        _format_time(row.at),
                        "" if row.voltage is None else f"{row.voltage:.2f}",
                        "" if row.bars is None else row.bars,
                        row.state or "",
                        _cell(row.temperature_f),
                        died,
                    )
                )
    with batteries_path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(BATTERIES_HEADER)
        for trace in traces:
            for battery in trace.batteries:
                writer.writerow(
                    (
                        trace.device,
                        _format_time(battery.inserted_at),
                        _format_time(battery.removed_at),
                        _format_time(battery.empty_at),
                        battery.chemistry.value,
                    )
                )


def _optional_number(text: str) -> float | None:
    return float(text) if text.strip() else None


def read_traces(path: Path) -> list[DeviceTrace]:
    """Read a trace CSV, with its truth sidecar when there is one (any file order)."""
    rows: dict[str, list[TraceRow]] = {}
    died: dict[str, datetime | None] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != TRACE_HEADER:
            raise ValueError(f"{path}: header must be {','.join(TRACE_HEADER)}")
        for record in reader:
            device = record["device"]
            bars = _optional_number(record["battery_bars"])
            rows.setdefault(device, []).append(
                TraceRow(
                    at=_require_time(record["timestamp"]),
                    voltage=_optional_number(record["battery_voltage"]),
                    bars=None if bars is None else int(bars),
                    state=record["battery_state"] or None,
                    temperature_f=_optional_number(record["temperature_f"]),
                )
            )
            died[device] = _parse_time(record["died_at"])
    batteries = dict(_read_batteries(batteries_path(path)))
    return [
        DeviceTrace(
            device,
            tuple(sorted(device_rows, key=lambda row: row.at)),
            died[device],
            tuple(batteries.get(device, ())),
        )
        for device, device_rows in rows.items()
    ]


def _require_time(text: str) -> datetime:
    moment = _parse_time(text)
    if moment is None:
        raise ValueError("a row has no timestamp")
    return moment


def _read_batteries(path: Path) -> Iterator[tuple[str, list[BatteryTruth]]]:
    if not path.exists():
        return
    by_device: dict[str, list[BatteryTruth]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            by_device.setdefault(record["device"], []).append(
                BatteryTruth(
                    chemistry=Chemistry(record["chemistry"]),
                    inserted_at=_require_time(record["inserted_at"]),
                    removed_at=_parse_time(record["removed_at"]),
                    empty_at=_parse_time(record["empty_at"]),
                )
            )
    yield from by_device.items()
