"""Battery health for one Blink device, inferred from what Blink reports about it.

Blink says little: "ok"/"low", 0-3 bars, a temperature, and (for sync-module cameras, in the
per-camera config fetched every few hours) one per-cell voltage in hundredths of a volt. This
model turns a stream of those observations into what a user wants to know: how full the cells
are, when they will run out, whether they were just replaced, and whether they are the wrong
kind. It is plain Python (no Home Assistant, no I/O) and keeps a bounded history that the glue
persists with `to_dict` / `from_dict`.

How it decides, in the order the rules apply:

* **Level from voltage.** Every reading is mapped through the lithium discharge curve
  (`discharge_curve`) after adding back the voltage lost to the cold, so a frosty night does
  not look like a drain; a reading without a temperature borrows one up to 12 hours old.
  Readings are gathered into one point per day (their weighted median, cold readings
  counting about a third), which removes Blink's load dips and what is left of night sags.
  The level shown blends the last two days' readings (sharp in the knee of the curve), the
  drain line below (smooth on the plateau) and, after a known replacement, 100 % minus the
  measured drain since (free of the calibration error of a camera's voltage reading).
* **Drain and prediction.** Capacity, unlike voltage, falls roughly linearly with time, so a
  robust weighted straight line through the daily levels of the current battery gives the drain
  in % per day even on the flat middle of the curve, where one hundredth of a volt is five
  percent. Only days on the plateau enter it once there are a few (above 90 % the curve is
  steep, so a camera's calibration error shrinks there and the line would bend with it rather
  than follow the drain). Its window follows the horizon: long while the battery has months left
  (the average drain predicts far ahead best), three weeks near the end (only today's drain
  matters). The battery is empty when the level reaches the point at which cells sagging in a
  typical recent night can no longer hold the camera up. That date is blended, by inverse
  variance, with this device's previous battery lifetimes once one is known. The band (earliest,
  latest) is an 80 % interval from the level's calibration uncertainty, the line's own spread
  and a 25 % allowance for usage over the remaining life differing from the drain so far (busier
  summers outdoors, busy or quiet weeks); on simulated traces it holds the real date about four
  times in five. What limits the date is known: a camera that reads its cells a hundredth of a
  volt high or low moves the level by about five points on the plateau, and usage months ahead
  is not in the data; neither can be measured from one battery's readings.
* **Level from bars** when a device reports no voltage (doorbells): each bar count is a band
  of life left; a fall counts once no poll has shown the old count for a day, and then pins
  the level at the band edge; the time it took from a known replacement (or between two
  falls, or this device's usual battery life) gives the drain. Bars that fell while it froze
  are read through the cold sag, and come back with the thaw.
* **Replacement**: the level jumps up by at least `replacement_jump_pct` (any level that low
  has necessarily been falling, which is the "after being low or falling" condition). It needs
  two readings that agree, or one reading only fresh lithium cells give (>= 1.74 V); on bars,
  full bars for a day after two days of fewer. A manual record wins over a detection within
  three days of it.
* **Wrong type**: NiMH cells read a flat 1.2-1.35 V, where lithium cells would be dying fast,
  so a week there without the lithium knee's fall is NiMH. Alkaline cells start near 1.6 V
  instead of 1.8 V and fall steadily: cells that start below 1.67 V after a replacement and
  then lose 0.04 V within their first month (or their first 15 % of this device's usual
  battery life) are alkaline. Blink supports only lithium AA cells.
* **External power**: `ac_power` reported true, or a voltage steady at about 1.71 V for three
  days (an adapter neither sags in the cold nor drains). No level, no alarms.
* **Health**: `replace_now` within 3 points of empty (Blink's own low point) or empty within
  3 days; `replace_soon` at or below the low threshold or empty within the warning lead. Both
  latch: they clear only when the level is clearly back above the threshold (5 points and a
  week of lead more), so a noisy estimate does not raise the same alert twice.
* **Low** (the binary sensor) is `replace_soon`/`replace_now`, or Blink's own "low", except
  that Blink's "low" is ignored while the device reports a temperature below freezing and the
  temperature-corrected level is above Blink's low point (lithium cells sag in the cold and
  recover), on devices that report no temperature until it has lasted a whole day, and when
  warm from the next poll that still says "low" (one reading taken during a clip can dip
  below Blink's threshold; waiting longer than a poll would only make the warning late).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
import itertools
import math
from statistics import fmean, median, pstdev
from typing import Any, Final

from custom_components.blink_care.client.models import PLAUSIBLE_CELL_VOLTS
from custom_components.blink_care.engine.discharge_curve import (
    BARS_LEVEL_BANDS,
    EXTERNAL_POWER_VOLTS,
    FREEZING_F,
    FRESH_LITHIUM_VOLTS,
    PLATEAU_TOP_PCT,
    cold_sag,
    empty_level,
    level_from_voltage,
    voltage_from_level,
    volts_per_level,
    warm_equivalent_level,
)

_STORAGE_VERSION: Final = 1  # later additions are optional keys: older data still loads
_DAY: Final = 86400.0

# Health thresholds that are not options.
NEAR_EMPTY_PCT: Final = 3.0
NEAR_EMPTY_DAYS: Final = 3.0
_CLEAR_MARGIN_PCT: Final = 5.0
_CLEAR_MARGIN_DAYS: Final = 7.0
_CLEAR_NOW_PCT: Final = 10.0
_LOW_STATES: Final = frozenset({"low", "replace"})
_BLINK_LOW_UNCONFIRMED: Final = timedelta(days=1)
# A warm "low" counts from the next poll that still says "low" (at least this much later): one
# reading taken during a clip dips below Blink's threshold on cells with weeks left, and the
# next poll says "ok" again. Waiting longer would only make Blink's own warning late.
_BLINK_LOW_WARM_CONFIRM: Final = timedelta(minutes=30)

# Voltage readings: what one reading can be trusted for.
_READING_NOISE_VOLTS: Final = 0.01  # hundredths, cell-to-cell spread, Blink's ADC
_READING_STEP_VOLTS: Final = 0.005  # half of Blink's hundredth of a volt
_COLD_WEIGHT: Final = 0.35
_MAX_READINGS_PER_DAY: Final = 48
_VOLTS_MIN_PLAUSIBLE, _VOLTS_MAX_PLAUSIBLE = PLAUSIBLE_CELL_VOLTS

# Drain fit.
_MIN_FIT_POINTS: Final = 3
_MIN_FIT_SPAN_DAYS: Final = 3.0
_MIN_RATE_T_STAT: Final = 2.0
_FIT_HALF_LIFE_MIN_DAYS: Final = 21.0
_FIT_HALF_LIFE_SHARE: Final = 0.4  # of the history
_FIT_HALF_LIFE_HORIZON: Final = 0.5  # of the days the battery is expected to have left
# Relative error of the drain line as the average drain since the change (the drain over the
# fit window differs from the whole cycle's, and a camera's reading can tilt the curve).
_DRAIN_SPREAD: Final = 0.15
# Relative error allowed for usage over the remaining life differing from the drain measured so
# far: busier summers outdoors swing it by about a fifth, busy or quiet weeks and bursts on top.
_USAGE_DRIFT: Final = 0.25
_BAND_Z: Final = 1.2816  # 80 % two-sided band

# Learning across cycles. A finished battery leaves this camera's own map from the curve's level
# to the share of the battery's life still left, at these levels of the curve.
LEARN_KNOTS: Final = (95.0, 90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0, 20.0, 10.0, 5.0)
_LEARN_KNOT_WINDOW: Final = 4.0  # daily points within this many points of a knot describe it
_LEARN_MIN_POINTS: Final = 2
_LEARN_KEEP: Final = 3  # cycles the prediction averages over (the newest)
_LEARN_ENDED_BELOW_PCT: Final = 15.0  # a cycle must end this low for its map to be kept
# How much a map learnt on one battery misses the next one, in share of life left: sets of cells
# differ by a few percent, and usage over one battery's life is not the next one's.
_OWN_MAP_SPREAD: Final = 0.08
_FLEET_MAP_SPREAD: Final = 0.12
# How much one battery's life misses the next one's in the same camera (relative), when the
# camera has not yet shown its own spread; the floor once it has.
_OWN_LIFE_SPREAD: Final = 0.2
_OWN_LIFE_SPREAD_MIN: Final = 0.12
_FLEET_LIFE_SPREAD: Final = 0.35
# The curve is one reading of one datasheet (a moderate drain); a camera's cells need not
# follow it. At a camera's light drain Li-FeS2 cells hold a flatter plateau and fall off later
# and more sharply (Energizer: "almost square"); on a flatter plateau the curve reads the level
# too high and the drain too slow, so the cells run out *earlier* than it says, not later. On
# the plateau the level is known to about this many points in that direction only.
_CURVE_SHAPE_PCT: Final = 15.0

# History bounds: daily points for this long, weekly before, never more than this many.
_DAILY_KEEP_DAYS: Final = 120.0
_WEEK_DAYS: Final = 7.0
_MAX_POINTS: Final = 400
_MAX_RECORDS: Final = 10

# Replacement and wrong-type signatures.
_SAME_REPLACEMENT: Final = timedelta(days=3)
_PENDING_JUMP_MAX_AGE: Final = timedelta(days=2)
_PROJECT_CYCLE_BELOW_PCT: Final = 25.0
# A battery that lasted less than this was not a normal cycle (a faulty or used cell, a
# change recorded twice, a test): learning from it would predict fresh cells dead within days.
_MIN_LEARNED_CYCLE: Final = timedelta(days=7)
_CYCLE_START_WINDOW: Final = timedelta(days=2)
_NIMH_MAX_VOLTS: Final = 1.37
_NIMH_MIN_DAYS: Final = 7.0
_NIMH_MIN_WARM_DAYS: Final = 4
_NIMH_MAX_FALL_PER_DAY: Final = 0.002
_ALKALINE_START_VOLTS: Final = (1.50, 1.67)
_ALKALINE_FALL_VOLTS: Final = 0.04
_ALKALINE_WINDOW_DAYS: Final = 30.0
_ALKALINE_WINDOW_SHARE: Final = 0.15

# External power signature.
_EXTERNAL_BAND_VOLTS: Final = (EXTERNAL_POWER_VOLTS - 0.02, EXTERNAL_POWER_VOLTS + 0.02)
_EXTERNAL_MIN_SPAN: Final = timedelta(days=3)
_EXTERNAL_MIN_READINGS: Final = 6
_EXTERNAL_MAX_FALL_VOLTS: Final = 0.01
_RECENT_KEEP: Final = timedelta(days=4)
_MAX_RECENT: Final = 64
_RECENT_MIN_GAP: Final = timedelta(minutes=30)

# Bars fall when no poll has shown the old count for this long (longer than any frosty night).
_BARS_FALL_HOLD: Final = timedelta(days=1)
# New cells show full bars without a break; bars flickering at a band edge do not. A rise to
# full bars counts as a replacement when the polls before it showed fewer bars for two days
# and every poll for a day after it shows full bars.
_BARS_SOLID_LOW: Final = timedelta(days=2)
_BARS_RISE_HOLD: Final = timedelta(days=1)
_FULL_BARS: Final = 3
# How many daily minimum temperatures are remembered (they decide how early cells brown out).
_COLD_MEMORY_DAYS: Final = 7
_RECENT_LEVEL_DAYS: Final = 2.0
_TEMPERATURE_CARRY: Final = timedelta(hours=12)


class BatteryHealth(StrEnum):
    """The one-word verdict the health sensor shows."""

    GOOD = "good"
    REPLACE_SOON = "replace_soon"
    REPLACE_NOW = "replace_now"
    EXTERNAL_POWER = "external_power"
    WRONG_TYPE = "wrong_type"
    UNKNOWN = "unknown"


class ReplacementSource(StrEnum):
    """How the integration learnt that the batteries were replaced."""

    DETECTED = "detected"
    MANUAL = "manual"


class LevelSource(StrEnum):
    """What the level estimate rests on (voltage is much finer than bars)."""

    VOLTAGE = "voltage"
    BARS = "bars"


class PredictionBasis(StrEnum):
    """What the predicted empty date rests on, most specific first."""

    OWN_HISTORY = "own_history"  # this camera's previous batteries
    FLEET = "fleet"  # the account's other cameras of the same model
    CURVE = "curve"  # the engine's lithium curve alone


@dataclass(frozen=True, slots=True)
class LearnedCycle:
    """What one finished battery taught about its camera (pure data, kept in the Store).

    `time_left` holds, for each level of the engine's curve in `LEARN_KNOTS`, the share of the
    battery's real life (0-1) that was still ahead when this camera's readings showed that
    level; None where the readings never settled there. It folds in the camera's reading
    offset, its cells' true curve and its usage pattern over a battery's life.
    """

    started: float  # epoch seconds
    life_days: float
    time_left: tuple[float | None, ...]
    mean_temperature_f: float | None = None  # usage against temperature: the cycle's climate
    cold_share: float | None = None  # share of its days with a reading below freezing

    def to_list(self) -> list[Any]:
        """Compact JSON form."""
        return [
            round(self.started),
            round(self.life_days, 2),
            [None if f is None else round(f, 3) for f in self.time_left],
            None if self.mean_temperature_f is None else round(self.mean_temperature_f, 1),
            None if self.cold_share is None else round(self.cold_share, 3),
        ]

    @classmethod
    def from_list(cls, raw: Sequence[Any]) -> LearnedCycle:
        """Inverse of `to_list`; raises on anything malformed."""
        started, life, time_left, temperature, cold = raw
        shares = tuple(None if f is None else min(max(float(f), 0.0), 1.0) for f in time_left)
        if len(shares) != len(LEARN_KNOTS) or float(life) <= 0.0:
            raise ValueError("not a learned cycle")
        return cls(
            started=float(started),
            life_days=float(life),
            time_left=shares,
            mean_temperature_f=_optional_float(temperature),
            cold_share=_optional_float(cold),
        )


@dataclass(frozen=True, slots=True)
class FleetPrior:
    """What an account's cameras of the same model taught, for a camera with no history.

    Pure data: the caller builds it (`from_cycles`) from the other cameras' `learned_cycles`
    and hands it to `BatteryModel.set_fleet_prior`.
    """

    life_days: float
    time_left: tuple[float | None, ...]
    cameras: int = 1
    life_spread: float = _FLEET_LIFE_SPREAD  # relative, camera to camera

    @classmethod
    def from_cycles(cls, cycles_by_camera: Iterable[Sequence[LearnedCycle]]) -> FleetPrior | None:
        """Average of each camera's own average; None when no camera has finished a battery."""
        per_camera = [_average_cycles(cycles) for cycles in cycles_by_camera if cycles]
        if not per_camera:
            return None
        lives = [life for life, _ in per_camera]
        mean_life = fmean(lives)
        spread = _FLEET_LIFE_SPREAD
        if len(lives) > 2:  # noqa: PLR2004 - a spread needs a few cameras
            spread = max(pstdev(lives) / mean_life, _OWN_LIFE_SPREAD)
        return cls(
            life_days=mean_life,
            time_left=_average_maps([m for _, m in per_camera]),
            cameras=len(per_camera),
            life_spread=spread,
        )


@dataclass(frozen=True, slots=True)
class BatteryObservation:
    """What Blink said about one device's battery at one poll (None: not reported)."""

    at: datetime
    voltage: float | None = None  # volts per cell (Blink sends hundredths)
    bars: int | None = None  # 0-3
    blink_state: str | None = None  # "ok", "low" (older firmware: "replace")
    temperature_f: float | None = None
    external_power: bool | None = None  # the camera config's ac_power


# The defaults of the user's options (the options flow offers these).
DEFAULT_LOW_THRESHOLD_PCT: Final = 20
DEFAULT_WARNING_LEAD_DAYS: Final = 21
DEFAULT_REPLACEMENT_JUMP_PCT: Final = 30


@dataclass(frozen=True, slots=True)
class BatterySettings:
    """The user's options."""

    low_threshold_pct: float = DEFAULT_LOW_THRESHOLD_PCT
    warning_lead_days: float = DEFAULT_WARNING_LEAD_DAYS
    replacement_jump_pct: float = DEFAULT_REPLACEMENT_JUMP_PCT


@dataclass(frozen=True, slots=True)
class Replacement:
    """A battery change and how it became known."""

    at: datetime
    source: ReplacementSource


@dataclass(frozen=True, slots=True)
class BatteryAssessment:
    """Everything the entities show for one device's battery at one moment."""

    level_pct: float | None
    level_source: LevelSource | None
    uncertainty_pct: float | None  # about one standard deviation of level_pct
    voltage: float | None  # last voltage Blink reported
    health: BatteryHealth
    predicted_empty: datetime | None
    predicted_empty_earliest: datetime | None
    predicted_empty_latest: datetime | None
    last_replaced: Replacement | None
    replacement_detected: bool  # True only on the observation that detected a replacement
    low: bool
    basis: PredictionBasis | None = None  # what predicted_empty rests on (None: no date)


class _Alert(StrEnum):
    """The latched part of the health verdict."""

    NONE = "none"
    SOON = "soon"
    NOW = "now"


_ALERT_HEALTH: Final = {
    _Alert.SOON: BatteryHealth.REPLACE_SOON,
    _Alert.NOW: BatteryHealth.REPLACE_NOW,
}


class _WrongType(StrEnum):
    NIMH = "nimh"
    ALKALINE = "alkaline"


# --------------------------------------------------------------------------- helpers


def _epoch(moment: datetime) -> float:
    """Seconds since the epoch; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _weighted_median(values: Sequence[float], weights: Sequence[float]) -> float:
    order = sorted(range(len(values)), key=values.__getitem__)
    half = sum(weights) / 2.0
    running = 0.0
    for i in order:
        running += weights[i]
        if running >= half:
            return values[i]
    return values[order[-1]]


def _combine(estimates: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    """Inverse-variance mean of (value, standard deviation) pairs."""
    pairs = [(value, max(sd, 1e-3)) for value, sd in estimates]
    if not pairs:
        return None
    weights = [1.0 / (sd * sd) for _, sd in pairs]
    total = sum(weights)
    value = sum(w * v for w, (v, _) in zip(weights, pairs, strict=True)) / total
    return value, math.sqrt(1.0 / total)


def _average_maps(maps: Sequence[Sequence[float | None]]) -> tuple[float | None, ...]:
    """Knot by knot mean of the maps that have the knot."""
    out: list[float | None] = []
    for i in range(len(LEARN_KNOTS)):
        values = [m[i] for m in maps if i < len(m) and m[i] is not None]
        out.append(fmean(v for v in values if v is not None) if values else None)
    return tuple(out)


def _average_cycles(cycles: Sequence[LearnedCycle]) -> tuple[float, tuple[float | None, ...]]:
    """(mean life in days, mean map) over a camera's newest learned cycles."""
    recent = cycles[-_LEARN_KEEP:]
    return fmean(c.life_days for c in recent), _average_maps([c.time_left for c in recent])


def _time_left_at(time_left: Sequence[float | None], level: float) -> float | None:
    """Share of life left at a level of the curve, read off a learned map (None: off the map).

    Between the knots the map is linear; above the top knot it rises to 1 at 100 %, below the
    bottom one it falls to 0 at 0 %.
    """
    points = [(100.0, 1.0)]
    points += [(k, f) for k, f in zip(LEARN_KNOTS, time_left, strict=False) if f is not None]
    points.append((0.0, 0.0))
    if len(points) <= 2:  # noqa: PLR2004 - the map has no knot of its own
        return None
    level = min(max(level, 0.0), 100.0)
    for (high_level, high_f), (low_level, low_f) in itertools.pairwise(points):
        if low_level <= level <= high_level:
            if high_level == low_level:
                return low_f
            return low_f + (high_f - low_f) * (level - low_level) / (high_level - low_level)
    return None


def _learn_map(
    points: Sequence[_DayPoint], start: float, life_days: float
) -> tuple[float | None, ...]:
    """This battery's map: at each knot, the share of its life left when it read that level.

    The share of each day is known once the life is; a knot takes the weighted median over
    the days whose level was near it, and the map is made to fall with the level (a day read
    high on the plateau must not make an earlier knot look later).
    """
    life = life_days * _DAY
    shares: list[float | None] = []
    for knot in LEARN_KNOTS:
        near = [p for p in points if abs(p.level - knot) <= _LEARN_KNOT_WINDOW]
        if len(near) < _LEARN_MIN_POINTS:
            shares.append(None)
            continue
        values = [min(max(1.0 - (p.t - start) / life, 0.0), 1.0) for p in near]
        shares.append(_weighted_median(values, [p.weight for p in near]))
    ceiling = 1.0
    for i, share in enumerate(shares):
        if share is not None:
            ceiling = min(share, ceiling)
            shares[i] = ceiling
    return tuple(shares)


@dataclass(slots=True)
class _DayPoint:
    """One day (or, for old history, one week) of a battery's level."""

    t: float  # epoch seconds, mean time of the readings used
    level: float
    weight: float
    volts: float  # median reading used (room-temperature equivalent not applied)
    span_days: float = 1.0

    def to_list(self) -> list[float]:
        return [
            round(self.t),
            round(self.level, 2),
            round(self.weight, 2),
            round(self.volts, 3),
            self.span_days,
        ]

    @classmethod
    def from_list(cls, raw: Sequence[Any]) -> _DayPoint:
        t, level, weight, volts, span = (float(x) for x in raw)
        return cls(t=t, level=level, weight=weight, volts=volts, span_days=span)


@dataclass(frozen=True, slots=True)
class _Line:
    """A straight line of level against time: where the drain fit says the battery is."""

    t_ref: float
    level_at_ref: float
    rate_per_day: float  # % of life lost per day
    rate_se: float
    span_days: float
    points: int

    def level_at(self, t: float) -> float:
        return self.level_at_ref - self.rate_per_day * (t - self.t_ref) / _DAY

    @property
    def drain_is_measured(self) -> bool:
        """Whether the fit has seen enough to say how fast the battery drains."""
        return (
            self.points >= _MIN_FIT_POINTS
            and self.span_days >= _MIN_FIT_SPAN_DAYS
            and self.rate_per_day > 0.0
            and self.rate_per_day >= _MIN_RATE_T_STAT * self.rate_se
        )


def _plateau_days(points: Sequence[_DayPoint]) -> Sequence[_DayPoint]:
    """The days on the curve's plateau, once there are enough of them for a line of their own.

    Above `PLATEAU_TOP_PCT` the curve is several times steeper than on the plateau, so a
    camera that reads a hundredth of a volt high is almost exact there and five points high on
    the plateau. A line through both bends with the camera's calibration and misreads the drain.
    """
    plateau = [p for p in points if p.level <= PLATEAU_TOP_PCT]
    if len(plateau) >= _MIN_FIT_POINTS and points[-1].level <= PLATEAU_TOP_PCT:
        return plateau
    return points


def _fit_line(points: Sequence[_DayPoint], horizon_days: float | None = None) -> _Line | None:
    """Robust weighted least squares of level on time, recent days counting most.

    The weights decay with age so that a change of usage shows through. The half-life is 40 %
    of the history, but no more than half the days the battery was last expected to have
    left (at least three weeks): far from empty, the long-run average drain predicts the long
    future best; close to empty, only the current drain matters. Two Huber passes shrink days
    that disagree with the line (a missed cold correction, a misread) instead of letting them
    tilt it.
    """
    points = _plateau_days(points)
    if len(points) < 2:  # noqa: PLR2004 - a line needs two points
        return None
    t_ref = points[-1].t
    days = [(p.t - t_ref) / _DAY for p in points]
    span = -days[0]
    if span <= 0.0:
        return None
    half_life = _FIT_HALF_LIFE_SHARE * span
    if horizon_days is not None:
        half_life = min(half_life, _FIT_HALF_LIFE_HORIZON * horizon_days)
    half_life = max(_FIT_HALF_LIFE_MIN_DAYS, half_life)
    base = [p.weight * 0.5 ** (-d / half_life) for p, d in zip(points, days, strict=True)]
    levels = [p.level for p in points]
    weights = list(base)
    intercept = slope = 0.0
    sxx = 1.0
    for _ in range(3):
        total = sum(weights)
        mean_t = sum(w * d for w, d in zip(weights, days, strict=True)) / total
        mean_y = sum(w * y for w, y in zip(weights, levels, strict=True)) / total
        sxx = sum(w * (d - mean_t) ** 2 for w, d in zip(weights, days, strict=True))
        if sxx <= 0.0:
            return None
        sxy = sum(
            w * (d - mean_t) * (y - mean_y) for w, d, y in zip(weights, days, levels, strict=True)
        )
        slope = sxy / sxx
        intercept = mean_y - slope * mean_t
        residuals = [y - (intercept + slope * d) for d, y in zip(days, levels, strict=True)]
        scale = max(1.4826 * _weighted_median([abs(r) for r in residuals], base), 0.5)
        weights = [
            b * min(1.0, 1.5 * scale / abs(r)) if r else b
            for b, r in zip(base, residuals, strict=True)
        ]
    total = sum(weights)
    n_eff = total * total / sum(w * w for w in weights)
    residual_var = sum(
        w * (y - intercept - slope * d) ** 2 for w, d, y in zip(weights, days, levels, strict=True)
    ) / max(total * (n_eff - 2.0) / n_eff, 1e-9)
    # Scale the weighted Sxx to an effective-count basis before using it for the error.
    sxx_eff = sxx * n_eff / total
    statistical = math.sqrt(residual_var / sxx_eff) if n_eff > 2.0 else math.inf  # noqa: PLR2004
    # Day-to-day errors are not independent (a hundredth of a volt is several percent on the
    # plateau, and a calibration step can last days), so the line cannot know the drain
    # better than two reading steps over its span.
    mean_level = sum(w * y for w, y in zip(weights, levels, strict=True)) / total
    resolution = _READING_STEP_VOLTS / volts_per_level(mean_level)
    rate_se = math.hypot(statistical, 2.0 * resolution / span)
    return _Line(
        t_ref=t_ref,
        level_at_ref=intercept,
        rate_per_day=-slope,
        rate_se=rate_se,
        span_days=span,
        points=len(points),
    )


def _compact(points: list[_DayPoint]) -> list[_DayPoint]:
    """Merge daily points older than the daily window into weekly ones (bounded history)."""
    if not points:
        return points
    newest = points[-1].t
    out: list[_DayPoint] = []
    for point in points:
        previous = out[-1] if out else None
        old = newest - point.t > _DAILY_KEEP_DAYS * _DAY
        if (
            previous is not None
            and old
            and newest - previous.t > _DAILY_KEEP_DAYS * _DAY
            and previous.span_days + point.span_days <= _WEEK_DAYS
        ):
            weight = previous.weight + point.weight
            previous.t = (previous.t * previous.weight + point.t * point.weight) / weight
            previous.level = (
                previous.level * previous.weight + point.level * point.weight
            ) / weight
            previous.volts = (
                previous.volts * previous.weight + point.volts * point.weight
            ) / weight
            previous.weight = weight
            previous.span_days += point.span_days
        else:
            out.append(point)
    while len(out) > _MAX_POINTS:  # a battery that lasts for years: thin the oldest half
        out = out[: len(out) // 2 : 2] + out[len(out) // 2 :]
    return out


# --------------------------------------------------------------------------- voltage track


@dataclass(slots=True)
class _Reading:
    t: float
    volts: float
    level: float  # warm-equivalent
    cold: bool


@dataclass(slots=True)
class _VoltageTrack:
    """The current battery's voltage history: daily level points and the drain line."""

    days: list[_DayPoint] = field(default_factory=list)
    bucket_day: int | None = None
    bucket: list[_Reading] = field(default_factory=list)
    line: _Line | None = None
    last_reading_at: float | None = None
    horizon_days: float | None = None  # days left at the last estimate (sets the fit window)
    first_at: float | None = None  # first reading of these cells
    first_peak: float | None = None  # highest warm reading within their first days

    def note_first(self, reading: _Reading) -> None:
        """Keep the highest single warm reading of the cells' first days.

        Fresh lithium cells fall from about 1.8 V within days; a day's median can already be
        below what only alkaline cells start at, the best single reading is not.
        """
        if self.first_at is None:
            self.first_at = reading.t
        in_window = reading.t - self.first_at <= _CYCLE_START_WINDOW.total_seconds()
        if in_window and not reading.cold:
            self.first_peak = max(self.first_peak or 0.0, reading.volts)

    def add(self, reading: _Reading) -> bool:
        """Add a reading; True when it closed the previous day."""
        self.note_first(reading)
        day = int(reading.t // _DAY)
        closed = self.bucket_day is not None and day != self.bucket_day
        if closed:
            self.close_day()
        self.bucket_day = day
        if len(self.bucket) < _MAX_READINGS_PER_DAY:
            self.bucket.append(reading)
        self.last_reading_at = reading.t
        return closed

    def close_day(self) -> None:
        """Turn the day's readings into one robust point and refit the drain line."""
        point = _day_point(self.bucket)
        self.bucket = []
        self.bucket_day = None
        if point is None:
            return
        self.days.append(point)
        self.days = _compact(self.days)
        self.line = _fit_line(self.days, self.horizon_days)

    def level_at(self, t: float) -> float | None:
        """Reference level for spotting jumps: the drain line, else the latest readings."""
        if self.line is not None and self.line.points >= _MIN_FIT_POINTS:
            return min(max(self.line.level_at(t), 0.0), 100.0)
        return self.recent_level(t)

    def recent_level(self, t: float) -> float | None:
        """Weighted median level of the last two days (cold readings count for less)."""
        since = t - _RECENT_LEVEL_DAYS * _DAY
        levels = [r.level for r in self.bucket if r.t >= since]
        weights = [_reading_weight(r) for r in self.bucket if r.t >= since]
        recent_days = [p for p in self.days if p.t >= since]
        levels += [p.level for p in recent_days]
        weights += [p.weight for p in recent_days]
        if levels:
            return _weighted_median(levels, weights)
        return self.days[-1].level if self.days else None

    def first_volts(self, since: float) -> float | None:
        """Highest warm reading within the first days after `since` (new-cells signature)."""
        limit = since + _CYCLE_START_WINDOW.total_seconds()
        warm = [p.volts for p in self.days if p.t <= limit and p.weight >= 1.0]
        warm += [r.volts for r in self.bucket if r.t <= limit and not r.cold]
        if self.first_peak is not None and self.first_at is not None and self.first_at <= limit:
            warm.append(self.first_peak)
        return max(warm, default=None)

    def drop_since(self, t: float) -> None:
        self.days = [p for p in self.days if p.t < t]
        self.bucket = [r for r in self.bucket if r.t < t]
        self.line = _fit_line(self.days, self.horizon_days)

    def has_data(self) -> bool:
        return bool(self.days or self.bucket)


def _reading_weight(reading: _Reading) -> float:
    return _COLD_WEIGHT if reading.cold else 1.0


def _day_point(readings: Sequence[_Reading]) -> _DayPoint | None:
    """Weighted median of the day's readings; readings corrected for cold count for less.

    The point weighs as much as one warm reading would, whatever the number of polls, so a
    day of frosty readings counts for about a third of a day above freezing.
    """
    if not readings:
        return None
    weights = [_reading_weight(r) for r in readings]
    warm = [r for r in readings if not r.cold]
    return _DayPoint(
        t=fmean(r.t for r in readings),
        level=_weighted_median([r.level for r in readings], weights),
        weight=1.0 if warm else _COLD_WEIGHT,
        volts=median(r.volts for r in warm or readings),
    )


def _level_uncertainty_from_voltage(level: float) -> float:
    """One standard deviation of a voltage-based level: reading error over the curve slope."""
    slope = volts_per_level(level)
    if slope <= 0.0:
        return 1.0
    return min(max(_READING_NOISE_VOLTS / slope, 0.5), 15.0)


# --------------------------------------------------------------------------- bars track


def _bars_band(bars: int, sag_volts: float = 0.0) -> tuple[float, float]:
    """Band of life left for a bar count, seen with `sag_volts` of cold sag."""
    low, high = BARS_LEVEL_BANDS[min(max(bars, 0), _FULL_BARS)]
    return _unsag(low, sag_volts), _unsag(high, sag_volts)


def _unsag(level: float, sag_volts: float) -> float:
    """The warm level of cells that read like `level` while sagging by `sag_volts`."""
    if sag_volts <= 0.0 or level >= 100.0:  # noqa: PLR2004
        return level
    return level_from_voltage(voltage_from_level(level) + sag_volts)


def _bars_mid(bars: int) -> float:
    low, high = _bars_band(bars)
    return (low + high) / 2.0


def _crossing_level(bars: int, sag_volts: float = 0.0) -> float:
    """Level at which Blink's bars fall to `bars`: the middle of the overlap of two bands."""
    low_upper = BARS_LEVEL_BANDS[bars][1]
    upper_lower = BARS_LEVEL_BANDS[bars + 1][0]
    return _unsag((low_upper + upper_lower) / 2.0, sag_volts)


@dataclass(slots=True)
class _BarsTrack:
    """The current battery's bars: what they settled at, and when they fell.

    Bars fall when no poll has shown the settled count for a whole day (a frosty night, a
    reading during a recording, or flicker at a band edge never last that long). A fall seen
    only below freezing is read through the cold sag at the warmest of those polls: two bars
    at 14 °F are cells well up the plateau, not near empty; a thaw that brings the bars back
    undoes it.
    """

    confirmed: int | None = None
    confirmed_sag: float = 0.0  # volts of cold sag the confirmed bars were seen with
    falls: list[tuple[float, int, float]] = field(default_factory=list)  # (when, bars, level)
    low_since: float | None = None  # first poll below the confirmed bars since the last one at
    low_bars: int = 0  # most bars any poll of that low stretch showed
    low_warmest: float | None = None  # warmest temperature of that stretch
    low_temperature_unknown: bool = False  # a poll of that stretch had no temperature
    last_full_at: float | None = None  # last poll that showed full bars
    last_low_at: float | None = None  # last poll that showed fewer
    rise_started: float | None = None  # first poll of an unbroken run of full bars after lows
    last_at: float | None = None  # last poll with bars

    @property
    def confirmed_in_cold(self) -> bool:
        """Whether the bars fell only in the cold (and may come back with a thaw)."""
        return self.confirmed_sag > 0.0

    def add(self, t: float, bars: int, temperature_f: float | None) -> None:
        if self.confirmed is None:
            self.confirmed = bars
            if bars < _FULL_BARS and temperature_f is not None and temperature_f < FREEZING_F:
                self.confirmed_sag = cold_sag(temperature_f, _crossing_level(bars))
            self.last_at = t
            return
        self.last_at = t
        if bars >= self.confirmed:
            self.low_since = None
            if bars > self.confirmed and (self.confirmed_in_cold or not self.falls):
                # A thaw (the fall was the cold's doing), or a first poll taken in a frost.
                if self.confirmed_in_cold and self.falls:
                    self.falls.pop()
                self.confirmed = bars
                self.confirmed_sag = 0.0
            return
        if self.low_since is None:
            self.low_since = t
            self.low_bars = bars
            self.low_warmest = temperature_f
            self.low_temperature_unknown = temperature_f is None
        else:
            self.low_bars = max(self.low_bars, bars)
            if temperature_f is None:
                self.low_temperature_unknown = True
            elif self.low_warmest is None or temperature_f > self.low_warmest:
                self.low_warmest = temperature_f
        if t - self.low_since >= _BARS_FALL_HOLD.total_seconds():
            self._confirm_fall(self.low_since)

    def _confirm_fall(self, since: float) -> None:
        new = self.low_bars
        sag = 0.0
        warmest = self.low_warmest
        if not self.low_temperature_unknown and warmest is not None and warmest < FREEZING_F:
            sag = cold_sag(warmest, _crossing_level(new))
        self.falls.append((since, new, _crossing_level(new, sag)))
        self.falls = self.falls[-_MAX_RECORDS:]
        self.confirmed = new
        self.confirmed_sag = sag
        self.low_since = None

    def estimate(
        self, t: float, cycle_start: float | None, typical_life_days: float | None
    ) -> tuple[float, float, tuple[float, float] | None]:
        """(level, its sd, (days left, their sd)) from the bars and the drain they imply.

        A fall of the bars pins the level at that moment (the crossing between two bands);
        the drain comes from the time it took to get there from a known replacement, from two
        falls, or from this device's usual battery life.
        """
        assert self.confirmed is not None  # noqa: S101 - callers check
        low, high = _bars_band(self.confirmed, self.confirmed_sag)
        anchor: tuple[float, float] | None = None
        rate: float | None = None
        if self.falls:
            last_t, _, last_level = self.falls[-1]
            anchor = (last_t, last_level)
            if cycle_start is not None and last_t > cycle_start:
                rate = (100.0 - last_level) / ((last_t - cycle_start) / _DAY)
            elif len(self.falls) >= 2:  # noqa: PLR2004
                first_t, _, first_level = self.falls[0]
                if last_t > first_t:
                    rate = (first_level - last_level) / ((last_t - first_t) / _DAY)
        elif cycle_start is not None:
            anchor = (cycle_start, 100.0)
        if rate is None and typical_life_days:
            rate = 100.0 / typical_life_days
        if rate is None or rate <= 0.0 or anchor is None:
            top = max(min(high, anchor[1] if anchor else high), low)
            return (low + top) / 2.0, (top - low) / 2.0, None
        level = min(max(anchor[1] - rate * (t - anchor[0]) / _DAY, low), high)
        level_sd = min((high - low) / 2.0, 3.0 + 0.15 * level)
        remaining = level / rate
        return level, level_sd, (remaining, 0.2 * remaining + level_sd / rate)


# --------------------------------------------------------------------------- the model


@dataclass(slots=True)
class _Cycle:
    """The battery currently in the device."""

    start: float | None = None  # epoch seconds
    start_known: bool = False  # a replacement (or fresh cells) started it
    voltage: _VoltageTrack = field(default_factory=_VoltageTrack)
    bars: _BarsTrack = field(default_factory=_BarsTrack)
    wrong_type: _WrongType | None = None
    alert: _Alert = _Alert.NONE
    pending_jump: float | None = None  # time of a first reading that jumped up
    temperature_sum: float = 0.0  # reported temperatures over this battery (its climate)
    temperature_count: int = 0


@dataclass(frozen=True, slots=True)
class _History:
    """What the previous batteries (this camera's, or the account's) say about this one."""

    basis: PredictionBasis
    life_days: float
    life_spread: float  # relative sd of one battery's life
    time_left: tuple[float | None, ...] | None  # None: no map, only the life
    map_spread: float  # sd of the map's share of life left


@dataclass(frozen=True, slots=True)
class _Estimate:
    level: float | None
    source: LevelSource | None
    level_sd: float | None
    remaining_days: float | None
    remaining_sd: float | None
    basis: PredictionBasis | None = None
    earlier_sd: float = 0.0  # extra spread on the early side only (cells flatter than the curve)


class BatteryModel:
    """Battery health of one device, fed one observation per poll."""

    def __init__(self, settings: BatterySettings = BatterySettings()) -> None:
        """Start with no history."""
        self.settings = settings
        self._cycle = _Cycle()
        self._replacements: list[Replacement] = []
        self._cycle_lengths: list[float] = []  # days, previous batteries of this device
        self._last_at: float | None = None
        self._last_voltage: float | None = None
        self._last_temperature: float | None = None
        self._last_temperature_at: float | None = None
        self._last_state: str | None = None
        self._ac_power: bool | None = None
        self._blink_low_since: float | None = None
        self._blink_low_latest: float | None = None  # the last poll that said "low"
        self._recent: list[tuple[float, float]] = []  # (t, volts) for the external signature
        self._external_by_voltage = False
        self._daily_minimum: list[tuple[int, float]] = []  # (day, coldest reading)
        self._learned: list[LearnedCycle] = []  # what finished batteries taught, oldest first
        self._fleet_prior: FleetPrior | None = None

    @property
    def learned_cycles(self) -> tuple[LearnedCycle, ...]:
        """What this camera's finished batteries taught (for the account's fleet prior)."""
        return tuple(self._learned)

    def set_fleet_prior(self, prior: FleetPrior | None) -> None:
        """What the account's same-model cameras taught; used until this camera has its own."""
        self._fleet_prior = prior

    # ------------------------------------------------------------------ public API

    def observe(self, observation: BatteryObservation) -> BatteryAssessment:
        """Take one poll's worth of what Blink said and answer with the current verdict."""
        t = _epoch(observation.at)
        if self._last_at is not None and t < self._last_at:
            return self.assessment(observation.at)  # out of order: nothing to learn
        self._last_at = t
        if self._cycle.start is None:
            self._cycle.start = t
        temperature = self._temperature(t, observation.temperature_f)
        if observation.external_power is not None:
            self._ac_power = observation.external_power
        self._note_blink_state(t, observation.blink_state)
        detected = False
        volts = observation.voltage
        if volts is not None and _VOLTS_MIN_PLAUSIBLE <= volts <= _VOLTS_MAX_PLAUSIBLE:
            detected = self._add_voltage(t, volts, temperature)
        if observation.bars is not None and 0 <= observation.bars <= _FULL_BARS:
            detected = self._add_bars(t, observation.bars, temperature) or detected
        estimate = self._estimate(t)
        self._cycle.alert = self._next_alert(estimate)
        if estimate.remaining_days is not None:
            self._cycle.voltage.horizon_days = estimate.remaining_days
        return self._assess(t, estimate, replacement_detected=detected)

    def record_replacement(
        self, at: datetime, source: ReplacementSource = ReplacementSource.MANUAL
    ) -> BatteryAssessment:
        """Note a battery change the user reported (or, with DETECTED, one found elsewhere)."""
        t = _epoch(at)
        last = self._replacements[-1] if self._replacements else None
        if (
            source is ReplacementSource.MANUAL
            and last is not None
            and last.source is ReplacementSource.DETECTED
            and abs(t - _epoch(last.at)) <= _SAME_REPLACEMENT.total_seconds()
        ):
            # The same change, now confirmed by the user: their time and word win.
            self._replacements[-1] = Replacement(at=_moment(t), source=source)
            self._cycle.start = min(t, self._cycle.start or t)
        else:
            self._start_cycle(t, source, keep_from=t)
        now = max(t, self._last_at or t)
        return self._assess(now, self._estimate(now), replacement_detected=False)

    def assessment(self, now: datetime) -> BatteryAssessment:
        """The current verdict at `now`, without a new observation."""
        t = _epoch(now)
        estimate = self._estimate(t)
        return self._assess(
            t, estimate, replacement_detected=False, alert=self._next_alert(estimate)
        )

    # ------------------------------------------------------------------ observations

    def _temperature(self, t: float, reported: float | None) -> float | None:
        """The temperature to read this poll with: the reported one, else a recent one.

        A reading without a temperature in the middle of a freeze must not pass for warm.
        """
        if reported is not None:
            self._last_temperature = reported
            self._last_temperature_at = t
            self._note_temperature(t, reported)
            self._cycle.temperature_sum += reported
            self._cycle.temperature_count += 1
            return reported
        at = self._last_temperature_at
        if at is not None and t - at <= _TEMPERATURE_CARRY.total_seconds():
            return self._last_temperature
        return None

    def _note_blink_state(self, t: float, state: str | None) -> None:
        if state is None:
            return
        self._last_state = state
        if state in _LOW_STATES:
            if self._blink_low_since is None:
                self._blink_low_since = t
            self._blink_low_latest = t
        else:
            self._blink_low_since = self._blink_low_latest = None

    def _add_voltage(self, t: float, volts: float, temperature_f: float | None) -> bool:
        """Record a voltage reading; True when it confirms a replacement."""
        self._last_voltage = volts
        self._note_recent(t, volts)
        if self._ac_power or self._external_by_voltage:
            return False  # an adapter's voltage says nothing about cells
        cold = temperature_f is not None and temperature_f < FREEZING_F
        reading = _Reading(
            t=t, volts=volts, level=warm_equivalent_level(volts, temperature_f), cold=cold
        )
        detected = self._check_voltage_jump(reading)
        if self._cycle.voltage.add(reading):
            self._classify_wrong_type()
        if not self._cycle.start_known and volts >= FRESH_LITHIUM_VOLTS:
            start = self._cycle.start or t
            if t - start <= _CYCLE_START_WINDOW.total_seconds():
                self._cycle.start_known = True  # fresh cells seen from the start
        return detected

    def _check_voltage_jump(self, reading: _Reading) -> bool:
        track = self._cycle.voltage
        reference = track.level_at(reading.t)
        jump = self.settings.replacement_jump_pct
        if reference is None or reading.level - reference < jump:
            self._cycle.pending_jump = None
            return False
        pending = self._cycle.pending_jump
        fresh = reading.volts >= FRESH_LITHIUM_VOLTS and not reading.cold
        if not fresh and (
            pending is None or reading.t - pending > _PENDING_JUMP_MAX_AGE.total_seconds()
        ):
            self._cycle.pending_jump = reading.t
            return False
        return self._replacement_found(pending if pending is not None and not fresh else reading.t)

    def _add_bars(self, t: float, bars: int, temperature_f: float | None) -> bool:
        """Record the bars; True when they show a replacement (devices without voltage)."""
        track = self._cycle.bars
        detected = False
        if bars < _FULL_BARS:
            track.rise_started = None
            track.last_low_at = t
        elif self._bars_rise_possible(track):
            if track.rise_started is None:
                # Measured between polls, so an outage does not pass for a long low.
                last_low, last_full = track.last_low_at, track.last_full_at
                solid_low = last_low is not None and (
                    last_full is None or last_low - last_full >= _BARS_SOLID_LOW.total_seconds()
                )
                track.rise_started = t if solid_low else None
            elif t - track.rise_started >= _BARS_RISE_HOLD.total_seconds():
                detected = self._replacement_found(track.rise_started)
                track = self._cycle.bars
        if bars >= _FULL_BARS:
            track.last_full_at = t
        track.add(t, bars, temperature_f)
        return detected

    def _bars_rise_possible(self, track: _BarsTrack) -> bool:
        """Whether full bars now could mean new cells (not a thaw, not a small step)."""
        confirmed = track.confirmed
        return (
            confirmed is not None
            and confirmed < _FULL_BARS
            and bool(track.falls)
            and not track.confirmed_in_cold
            and not self._voltage_is_current(self._cycle)
            and _bars_mid(_FULL_BARS) - _bars_mid(confirmed) >= self.settings.replacement_jump_pct
        )

    def _replacement_found(self, t: float) -> bool:
        """Start a new cycle at `t` for a detected change; True if it is news."""
        last = self._replacements[-1] if self._replacements else None
        if (
            last is not None
            and last.source is ReplacementSource.MANUAL
            and 0 <= t - _epoch(last.at) <= _SAME_REPLACEMENT.total_seconds()
        ):
            # The user already told us: restart the track at the new cells, keep their record.
            self._start_cycle(t, None, keep_from=t)
            return False
        self._start_cycle(t, ReplacementSource.DETECTED, keep_from=t)
        return True

    def _start_cycle(self, t: float, source: ReplacementSource | None, *, keep_from: float) -> None:
        """Close the current battery's cycle and start a new one at `t`.

        Readings already taken at or after `keep_from` belong to the new cells and move with
        them. A finished cycle's length is kept when it started at a known change and ended
        low enough for its full life to be projected with little extrapolation.
        """
        old = self._cycle
        self._learn_from(old, t)
        carried = [r for r in old.voltage.bucket if r.t >= keep_from]
        carried_days = [p for p in old.voltage.days if p.t >= keep_from]
        self._cycle = _Cycle(start=t, start_known=True)
        self._cycle.voltage.days = carried_days
        for reading in carried:
            self._cycle.voltage.add(reading)
        if source is not None:
            self._replacements.append(Replacement(at=_moment(t), source=source))
            self._replacements = self._replacements[-_MAX_RECORDS:]
        self._blink_low_since = self._blink_low_latest = None
        # Blink's "low" was about the old cells; the new ones have no verdict yet.
        self._last_state = None

    def _learn_from(self, old: _Cycle, t: float) -> None:
        """Keep what a battery that ran (nearly) out taught: its real life and its map.

        The cycle ends at its last reading before `t`: a camera that went silent when its cells
        died and got new ones days later lived until it went silent. A battery changed early
        is projected to its end from where it was, if little was left.
        """
        start = old.start
        if not old.start_known or start is None or old.wrong_type is not None:
            return
        seen = [r.t for r in old.voltage.bucket if r.t < t]
        seen += [p.t for p in old.voltage.days if p.t < t]
        if old.bars.last_at is not None and old.bars.last_at < t:
            seen.append(old.bars.last_at)
        end = max(seen, default=t)
        end_level = self._estimate(end, cycle=old).level
        if (
            end_level is None
            or end_level > _PROJECT_CYCLE_BELOW_PCT
            or end - start < _MIN_LEARNED_CYCLE.total_seconds()
        ):
            return
        life = (end - start) / _DAY / max(1.0 - end_level / 100.0, 0.5)
        self._cycle_lengths = [*self._cycle_lengths, life][-_MAX_RECORDS:]
        if end_level > _LEARN_ENDED_BELOW_PCT:
            return
        days = [p for p in old.voltage.days if p.t < t]
        learned = LearnedCycle(
            started=start,
            life_days=life,
            time_left=_learn_map(days, start, life),
            mean_temperature_f=(
                old.temperature_sum / old.temperature_count if old.temperature_count else None
            ),
            cold_share=(sum(p.weight < 1.0 for p in days) / len(days) if days else None),
        )
        # As stored, so a restart changes nothing.
        self._learned.append(LearnedCycle.from_list(learned.to_list()))
        self._learned = self._learned[-2 * _LEARN_KEEP :]

    # ------------------------------------------------------------------ signatures

    def _note_recent(self, t: float, volts: float) -> None:
        if self._recent and t - self._recent[-1][0] < _RECENT_MIN_GAP.total_seconds():
            return
        self._recent.append((t, volts))
        cutoff = t - _RECENT_KEEP.total_seconds()
        self._recent = [(rt, rv) for rt, rv in self._recent if rt >= cutoff][-_MAX_RECENT:]
        was_external = self._external_by_voltage
        if was_external:
            # Stay on the adapter through a stray reading: leave only when two in a row say so.
            low, high = _EXTERNAL_BAND_VOLTS
            last_two = [v for _, v in self._recent[-2:]]
            self._external_by_voltage = not all(v < low or v > high for v in last_two)
        else:
            self._external_by_voltage = self._looks_like_adapter(t)
        if self._external_by_voltage and not was_external:
            # The readings that made the signature were never the cells' own.
            window_start = t - _EXTERNAL_MIN_SPAN.total_seconds()
            self._cycle.voltage.drop_since(window_start)

    def _looks_like_adapter(self, t: float) -> bool:
        """About 1.71 V, steady for days: a USB adapter, not cells."""
        window_start = t - _EXTERNAL_MIN_SPAN.total_seconds()
        window = [v for rt, v in self._recent if rt >= window_start - _DAY / 4]
        if len(window) < _EXTERNAL_MIN_READINGS or self._recent[0][0] > window_start:
            return False
        low, high = _EXTERNAL_BAND_VOLTS
        if not all(low <= v <= high for v in window):
            return False
        if self._cycle.start_known and self._cycle_started_fresh():
            return False  # fresh lithium passes through 1.71 V on its way down
        head = median(window[: len(window) // 2])
        tail = median(window[len(window) // 2 :])
        return head - tail <= _EXTERNAL_MAX_FALL_VOLTS

    def _cycle_started_fresh(self) -> bool:
        start = self._cycle.start
        first = None if start is None else self._cycle.voltage.first_volts(start)
        return first is not None and first >= FRESH_LITHIUM_VOLTS

    def _external(self) -> bool:
        return bool(self._ac_power) or self._external_by_voltage

    def _classify_wrong_type(self) -> None:
        cycle = self._cycle
        if cycle.wrong_type is not None or not cycle.voltage.days:
            return
        if self._looks_like_nimh():
            cycle.wrong_type = _WrongType.NIMH
        elif self._looks_like_alkaline():
            cycle.wrong_type = _WrongType.ALKALINE

    def _looks_like_nimh(self) -> bool:
        """A week flat at 1.2-1.35 V on days above freezing: lithium there falls fast."""
        days = [p for p in self._cycle.voltage.days if p.weight >= 1.0]
        if not days:
            return False
        last_t = days[-1].t
        window = [p for p in days if last_t - p.t <= _NIMH_MIN_DAYS * _DAY]
        if len(window) < _NIMH_MIN_WARM_DAYS or last_t - window[0].t < (_NIMH_MIN_DAYS - 1) * _DAY:
            return False
        if any(p.volts > _NIMH_MAX_VOLTS for p in window):
            return False
        fall_per_day = (window[0].volts - window[-1].volts) / ((last_t - window[0].t) / _DAY)
        return fall_per_day < _NIMH_MAX_FALL_PER_DAY

    def _looks_like_alkaline(self) -> bool:
        """New cells that start near 1.6 V and lose 0.04 V early in their life."""
        cycle = self._cycle
        if not cycle.start_known or cycle.start is None or not self._replacements:
            return False
        first = cycle.voltage.first_volts(cycle.start)
        low, high = _ALKALINE_START_VOLTS
        if first is None or not low <= first <= high:
            return False
        window_days = _ALKALINE_WINDOW_DAYS
        typical = self._typical_life_days()
        if typical is not None:
            window_days = min(window_days, _ALKALINE_WINDOW_SHARE * typical)
        limit = cycle.start + window_days * _DAY
        return any(
            p.t <= limit and p.weight >= 1.0 and first - p.volts >= _ALKALINE_FALL_VOLTS
            for p in cycle.voltage.days
        )

    # ------------------------------------------------------------------ estimates

    def _typical_life_days(self) -> float | None:
        return median(self._cycle_lengths) if self._cycle_lengths else None

    @staticmethod
    def _voltage_is_current(cycle: _Cycle) -> bool:
        """Whether the voltage is as fresh as the bars (within two days), so it leads."""
        last_voltage = cycle.voltage.last_reading_at
        last_bars = cycle.bars.last_at
        return last_voltage is not None and (
            last_bars is None or last_bars - last_voltage <= 2 * _DAY
        )

    def _estimate(self, t: float, cycle: _Cycle | None = None) -> _Estimate:
        """Level, its source and spread, and the days left with theirs, at time `t`."""
        cycle = cycle or self._cycle
        history = self._history()
        typical = None if history is None else history.life_days
        estimates = self._remaining_from_history(t, cycle, history)
        basis = None if not estimates or history is None else history.basis
        earlier_sd = 0.0
        if cycle.voltage.has_data() and self._voltage_is_current(cycle):
            level, level_sd, drain = self._voltage_level(t, cycle)
            source = LevelSource.VOLTAGE
            mapped = history is not None and history.time_left is not None and len(estimates) > 1
            if mapped and history is not None and history.time_left is not None:
                # The previous batteries' map reads this camera's voltage better than the curve.
                share = _time_left_at(history.time_left, level)
                if share is not None:
                    level, level_sd = 100.0 * share, 100.0 * history.map_spread
            if drain is not None and not mapped:
                # The curve's word: the only one on a first battery, blended with the
                # previous batteries' lives when they left no map of their own.
                usable = max(level - empty_level(self._coldest_recent()), 0.0)
                remaining = usable / drain.rate_per_day
                estimates.append(
                    (
                        remaining,
                        math.hypot(
                            level_sd / drain.rate_per_day,
                            remaining * drain.rate_se / drain.rate_per_day,
                            _USAGE_DRIFT * remaining,
                        ),
                    )
                )
                if basis is None:
                    basis = PredictionBasis.CURVE
                    earlier_sd = _CURVE_SHAPE_PCT * min(usable / 50.0, 1.0) / drain.rate_per_day
        elif cycle.bars.confirmed is not None:
            start = cycle.start if cycle.start_known else None
            level, level_sd, bars_remaining = cycle.bars.estimate(t, start, typical)
            source = LevelSource.BARS
            if bars_remaining is not None:
                estimates.append(bars_remaining)
                basis = basis or PredictionBasis.CURVE
        else:
            return _Estimate(None, None, None, None, None)
        combined = _combine(estimates)
        return _Estimate(
            level,
            source,
            level_sd,
            None if combined is None else max(combined[0], 0.0),
            None if combined is None else combined[1],
            None if combined is None else basis,
            earlier_sd,
        )

    def _history(self) -> _History | None:
        """What to predict from before the curve: own batteries, else the account's others."""
        if self._learned:
            recent = self._learned[-_LEARN_KEEP:]
            life, time_left = _average_cycles(recent)
            spread = _OWN_LIFE_SPREAD
            if len(recent) > 1:
                lives = [c.life_days for c in recent]
                spread = max(pstdev(lives) / life, _OWN_LIFE_SPREAD_MIN)
            return _History(
                PredictionBasis.OWN_HISTORY,
                life,
                spread,
                time_left if any(f is not None for f in time_left) else None,
                _OWN_MAP_SPREAD,
            )
        if self._cycle_lengths:  # kept by an older version, without a map
            typical = median(self._cycle_lengths)
            spread = max(self._cycle_lengths) - min(self._cycle_lengths)
            relative = math.hypot(spread / 2.0, _USAGE_DRIFT * typical) / typical
            return _History(PredictionBasis.OWN_HISTORY, typical, relative, None, _OWN_MAP_SPREAD)
        prior = self._fleet_prior
        if prior is not None and prior.life_days > 0.0:
            known = any(f is not None for f in prior.time_left)
            return _History(
                PredictionBasis.FLEET,
                prior.life_days,
                prior.life_spread,
                prior.time_left if known else None,
                _FLEET_MAP_SPREAD,
            )
        return None

    @staticmethod
    def _remaining_from_history(
        t: float, cycle: _Cycle, history: _History | None
    ) -> list[tuple[float, float]]:
        """Days left (and their sd) from previous batteries: their life, and their map.

        The life alone says "as long as before". The map says what share of its life the
        battery has left at the level it reads now; the days since the change then give the
        days ahead at this battery's own pace (elapsed x share left / share used), which
        follows a busier or quieter battery as the life alone cannot.
        """
        if history is None or not cycle.start_known or cycle.start is None:
            return []
        elapsed = (t - cycle.start) / _DAY
        life = history.life_days
        estimates = [(life - elapsed, history.life_spread * life)]
        if history.time_left is None or elapsed < _MIN_FIT_SPAN_DAYS:
            return estimates
        level = cycle.voltage.level_at(t)
        share = None if level is None else _time_left_at(history.time_left, level)
        if share is None or share >= 1.0:
            return estimates
        used = 1.0 - share
        estimates.append((elapsed * share / used, max(elapsed * history.map_spread / used**2, 0.5)))
        return estimates

    def _voltage_level(self, t: float, cycle: _Cycle) -> tuple[float, float, _Line | None]:
        """Level and its sd from the voltage, and the drain line when the drain is measured.

        Three views are blended by inverse variance: the last two days' readings (sharp in
        the knee of the curve), the drain line (smooth on the plateau), and, after a known
        replacement, 100 % minus the measured drain times the time since (free of the
        voltage calibration error that biases the other two on the plateau). The first two
        share that calibration error, so their blend keeps the smaller of their spreads
        rather than shrinking it.
        """
        track = cycle.voltage
        views: list[tuple[float, float]] = []
        recent = track.recent_level(t)
        if recent is not None:
            views.append((recent, _level_uncertainty_from_voltage(recent)))
        line = track.line
        if line is not None and line.points >= _MIN_FIT_POINTS:
            on_line = min(max(line.level_at(t), 0.0), 100.0)
            views.append((on_line, _level_uncertainty_from_voltage(on_line)))
        voltage_view = _combine(views)
        assert voltage_view is not None  # noqa: S101 - the track has data
        level, level_sd = voltage_view[0], min(sd for _, sd in views)
        drain = line if line is not None and line.drain_is_measured else None
        if drain is not None and cycle.start_known and cycle.start is not None:
            used = drain.rate_per_day * (t - cycle.start) / _DAY
            blended = _combine([(level, level_sd), (100.0 - used, max(_DRAIN_SPREAD * used, 1.0))])
            assert blended is not None  # noqa: S101 - two views
            level, level_sd = blended
        return min(max(level, 0.0), 100.0), level_sd, drain

    def _note_temperature(self, t: float, temperature_f: float) -> None:
        """Keep each recent day's coldest reading (how early the cells may brown out)."""
        day = int(t // _DAY)
        if self._daily_minimum and self._daily_minimum[-1][0] == day:
            if temperature_f < self._daily_minimum[-1][1]:
                self._daily_minimum[-1] = (day, temperature_f)
            return
        self._daily_minimum.append((day, temperature_f))
        self._daily_minimum = self._daily_minimum[-_COLD_MEMORY_DAYS:]

    def _coldest_recent(self) -> float:
        """A typical recent night: the median of the last week's daily minimum temperatures.

        The single coldest night is too pessimistic a forecast of the night the cells give up.
        """
        if not self._daily_minimum:
            return FREEZING_F
        return median(low for _, low in self._daily_minimum)

    # ------------------------------------------------------------------ verdict

    def _next_alert(self, estimate: _Estimate) -> _Alert:
        """Latch `replace_soon` / `replace_now`; clear only with a clear margin."""
        current = self._cycle.alert
        level, remaining = estimate.level, estimate.remaining_days
        if level is None and remaining is None:
            return current
        settings = self.settings
        level_or_full = 100.0 if level is None else level
        near_empty = level_or_full <= NEAR_EMPTY_PCT + empty_level(self._coldest_recent()) or (
            remaining is not None and remaining <= NEAR_EMPTY_DAYS
        )
        if near_empty:
            return _Alert.NOW
        if current is _Alert.NOW and level_or_full <= _CLEAR_NOW_PCT:
            return _Alert.NOW
        soon = level_or_full <= settings.low_threshold_pct or (
            remaining is not None and remaining <= settings.warning_lead_days
        )
        if soon:
            return _Alert.SOON
        if current is _Alert.NONE:
            return _Alert.NONE
        clear = level_or_full > settings.low_threshold_pct + _CLEAR_MARGIN_PCT and (
            remaining is None or remaining > settings.warning_lead_days + _CLEAR_MARGIN_DAYS
        )
        return _Alert.NONE if clear else _Alert.SOON

    def _health(self, estimate: _Estimate, alert: _Alert) -> BatteryHealth:
        if self._last_at is None:
            return BatteryHealth.UNKNOWN
        if self._external():
            return BatteryHealth.EXTERNAL_POWER
        if self._cycle.wrong_type is not None:
            return BatteryHealth.WRONG_TYPE
        if alert is not _Alert.NONE:
            return _ALERT_HEALTH[alert]
        if estimate.level is not None:
            return BatteryHealth.GOOD
        return self._health_from_blink_state()

    def _health_from_blink_state(self) -> BatteryHealth:
        """Blink's own word, for a device that reports neither voltage nor bars."""
        return {
            "ok": BatteryHealth.GOOD,
            "low": BatteryHealth.REPLACE_SOON,
            "replace": BatteryHealth.REPLACE_NOW,
        }.get(self._last_state or "", BatteryHealth.UNKNOWN)

    def _blink_low_counts(self, t: float, level: float | None) -> bool:
        """Blink's own "low", unless the cold explains it."""
        since = self._blink_low_since
        if since is None:
            return False
        temperature = self._last_temperature
        if temperature is None:
            return t - since >= _BLINK_LOW_UNCONFIRMED.total_seconds()
        if temperature < FREEZING_F:
            return level is None or level <= NEAR_EMPTY_PCT
        latest = self._blink_low_latest
        return latest is not None and latest - since >= _BLINK_LOW_WARM_CONFIRM.total_seconds()

    def _assess(
        self,
        t: float,
        estimate: _Estimate,
        *,
        replacement_detected: bool,
        alert: _Alert | None = None,
    ) -> BatteryAssessment:
        alert = self._cycle.alert if alert is None else alert
        health = self._health(estimate, alert)
        last_replaced = self._replacements[-1] if self._replacements else None
        if health is BatteryHealth.EXTERNAL_POWER:
            return BatteryAssessment(
                level_pct=None,
                level_source=None,
                uncertainty_pct=None,
                voltage=self._last_voltage,
                health=health,
                predicted_empty=None,
                predicted_empty_earliest=None,
                predicted_empty_latest=None,
                last_replaced=last_replaced,
                replacement_detected=replacement_detected,
                low=False,
            )
        lithium_figures = health is not BatteryHealth.WRONG_TYPE
        empty = earliest = latest = None
        if lithium_figures and estimate.remaining_days is not None:
            sd = estimate.remaining_sd or 0.0
            empty = _moment(t + estimate.remaining_days * _DAY)
            early = math.hypot(sd, estimate.earlier_sd)
            earliest = _moment(t + max(estimate.remaining_days - _BAND_Z * early, 0.0) * _DAY)
            latest = _moment(t + (estimate.remaining_days + _BAND_Z * sd) * _DAY)
        level = estimate.level if lithium_figures else None
        alerting = health in {BatteryHealth.REPLACE_SOON, BatteryHealth.REPLACE_NOW}
        return BatteryAssessment(
            level_pct=None if level is None else round(level, 1),
            level_source=estimate.source if level is not None else None,
            uncertainty_pct=(
                None if level is None or estimate.level_sd is None else round(estimate.level_sd, 1)
            ),
            voltage=self._last_voltage,
            health=health,
            predicted_empty=empty,
            predicted_empty_earliest=earliest,
            predicted_empty_latest=latest,
            last_replaced=last_replaced,
            replacement_detected=replacement_detected,
            low=alerting or self._blink_low_counts(t, estimate.level),
            basis=estimate.basis if empty is not None else None,
        )

    # ------------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly state; bounded (daily points for 120 days, weekly before)."""
        cycle = self._cycle
        track = cycle.voltage
        bars = cycle.bars
        return {
            "version": _STORAGE_VERSION,
            "replacements": [[round(_epoch(r.at)), r.source.value] for r in self._replacements],
            "cycle_lengths": [round(length, 2) for length in self._cycle_lengths],
            "learned": [cycle.to_list() for cycle in self._learned],
            "last": {
                "at": self._last_at,
                "voltage": self._last_voltage,
                "temperature": self._last_temperature,
                "temperature_at": self._last_temperature_at,
                "state": self._last_state,
                "ac_power": self._ac_power,
                "blink_low_since": self._blink_low_since,
                "blink_low_latest": self._blink_low_latest,
                "external_by_voltage": self._external_by_voltage,
                "recent": [[round(rt), rv] for rt, rv in self._recent],
                "daily_minimum": [[day, low] for day, low in self._daily_minimum],
            },
            "cycle": {
                "start": cycle.start,
                "start_known": cycle.start_known,
                "wrong_type": None if cycle.wrong_type is None else cycle.wrong_type.value,
                "alert": cycle.alert.value,
                "pending_jump": cycle.pending_jump,
                "temperature": [round(cycle.temperature_sum, 1), cycle.temperature_count],
                "days": [p.to_list() for p in track.days],
                "bucket": [[round(r.t), r.volts, round(r.level, 2), r.cold] for r in track.bucket],
                "last_reading_at": track.last_reading_at,
                "first": [track.first_at, track.first_peak],
                "horizon_days": track.horizon_days,
                "bars": {
                    "confirmed": bars.confirmed,
                    "confirmed_sag": bars.confirmed_sag,
                    "falls": [[round(ft), fb, round(fl, 2)] for ft, fb, fl in bars.falls],
                    "low_since": bars.low_since,
                    "low_bars": bars.low_bars,
                    "low_warmest": bars.low_warmest,
                    "low_temperature_unknown": bars.low_temperature_unknown,
                    "last_full_at": bars.last_full_at,
                    "last_low_at": bars.last_low_at,
                    "last_at": bars.last_at,
                    "rise_started": bars.rise_started,
                },
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], settings: BatterySettings) -> BatteryModel:
        """Rebuild from `to_dict`; anything unreadable is dropped, never raised."""
        model = cls(settings)
        if not isinstance(data, Mapping) or data.get("version") != _STORAGE_VERSION:
            return model
        restorers = (
            model._restore_records,
            model._restore_learned,
            model._restore_last,
            model._restore_cycle,
        )
        for restore in restorers:
            try:
                restore(data)
            except TypeError, ValueError, KeyError, AttributeError, IndexError:
                continue
        return model

    def _restore_records(self, data: Mapping[str, Any]) -> None:
        self._replacements = [
            Replacement(at=_moment(float(t)), source=ReplacementSource(source))
            for t, source in data["replacements"]
        ][-_MAX_RECORDS:]
        self._cycle_lengths = [float(x) for x in data["cycle_lengths"] if float(x) > 0][
            -_MAX_RECORDS:
        ]

    def _restore_learned(self, data: Mapping[str, Any]) -> None:
        """Learned cycles, one by one (older versions kept none: the key is optional)."""
        learned = []
        for raw in data.get("learned", []):
            try:
                learned.append(LearnedCycle.from_list(raw))
            except TypeError, ValueError, IndexError:
                continue
        self._learned = learned[-2 * _LEARN_KEEP :]

    def _restore_last(self, data: Mapping[str, Any]) -> None:
        last = data["last"]
        self._last_at = _optional_float(last.get("at"))
        self._last_voltage = _optional_float(last.get("voltage"))
        self._last_temperature = _optional_float(last.get("temperature"))
        self._last_temperature_at = _optional_float(last.get("temperature_at"))
        state = last.get("state")
        self._last_state = state if isinstance(state, str) else None
        ac_power = last.get("ac_power")
        self._ac_power = ac_power if isinstance(ac_power, bool) else None
        self._blink_low_since = _optional_float(last.get("blink_low_since"))
        self._blink_low_latest = _optional_float(last.get("blink_low_latest"))
        self._external_by_voltage = last.get("external_by_voltage") is True
        self._recent = [(float(rt), float(rv)) for rt, rv in last.get("recent", [])][-_MAX_RECENT:]
        self._daily_minimum = [
            (int(day), float(low)) for day, low in last.get("daily_minimum", [])
        ][-_COLD_MEMORY_DAYS:]

    def _restore_cycle(self, data: Mapping[str, Any]) -> None:
        raw = data["cycle"]
        cycle = _Cycle(
            start=_optional_float(raw.get("start")),
            start_known=raw.get("start_known") is True,
            wrong_type=None if raw.get("wrong_type") is None else _WrongType(raw["wrong_type"]),
            alert=_Alert(raw.get("alert", _Alert.NONE.value)),
            pending_jump=_optional_float(raw.get("pending_jump")),
        )
        temperature_sum, temperature_count = raw.get("temperature", (0.0, 0))
        cycle.temperature_sum = float(temperature_sum)
        cycle.temperature_count = max(int(temperature_count), 0)
        track = cycle.voltage
        track.days = _compact([_DayPoint.from_list(p) for p in raw.get("days", [])])
        track.bucket = [
            _Reading(t=float(t), volts=float(v), level=float(level), cold=bool(cold))
            for t, v, level, cold in raw.get("bucket", [])
        ][:_MAX_READINGS_PER_DAY]
        track.bucket_day = int(track.bucket[0].t // _DAY) if track.bucket else None
        track.last_reading_at = _optional_float(raw.get("last_reading_at"))
        first_at, first_peak = raw.get("first", (None, None))
        track.first_at = _optional_float(first_at)
        track.first_peak = _optional_float(first_peak)
        track.horizon_days = _optional_float(raw.get("horizon_days"))
        track.line = _fit_line(track.days, track.horizon_days)
        bars_raw = raw.get("bars", {})
        bars = cycle.bars
        bars.confirmed = _optional_bars(bars_raw.get("confirmed"))
        bars.confirmed_sag = max(_optional_float(bars_raw.get("confirmed_sag")) or 0.0, 0.0)
        bars.falls = [(float(ft), int(fb), float(fl)) for ft, fb, fl in bars_raw.get("falls", [])][
            -_MAX_RECORDS:
        ]
        bars.low_since = _optional_float(bars_raw.get("low_since"))
        bars.low_bars = _optional_bars(bars_raw.get("low_bars")) or 0
        bars.low_warmest = _optional_float(bars_raw.get("low_warmest"))
        bars.low_temperature_unknown = bars_raw.get("low_temperature_unknown") is True
        bars.last_full_at = _optional_float(bars_raw.get("last_full_at"))
        bars.last_low_at = _optional_float(bars_raw.get("last_low_at"))
        bars.last_at = _optional_float(bars_raw.get("last_at"))
        bars.rise_started = _optional_float(bars_raw.get("rise_started"))
        self._cycle = cycle


def _optional_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _optional_bars(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    bars = int(value)
    return bars if 0 <= bars <= 3 else None  # noqa: PLR2004
