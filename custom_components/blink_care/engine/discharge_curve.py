"""What a per-cell voltage reported by Blink says about the charge left in lithium AA cells.

Blink's cameras power themselves from two AA 1.5 V lithium iron disulfide (Li-FeS2) cells and
report one voltage in hundredths of a volt that behaves like a single cell under the camera's
light standby load: about 1.80 V fresh, 1.71-1.72 V on a USB adapter, about 1.33 V when Blink
flags the batteries "low".

The curve below follows the light-drain discharge curves in Energizer's public L91 datasheet
("Energizer L91 Ultimate Lithium", product datasheet, discharge at 21 °C): a quick fall from
the 1.8 V open-circuit voltage over the first few percent, a long plateau that slopes gently
from about 1.66 V to 1.52 V, then a knee and a steep fall at the end of service. Capacity is
expressed as the share of the cells' *useful* life left, where zero is the point at which a
Blink camera browns out (about 1.18 V per cell) rather than the datasheet's 0.8 V cut-off.
The knee was placed so that Blink's own "low" point (1.33-1.34 V) sits at about 3 % left,
which matches users' reports that a camera keeps working for a few weeks after Blink's
warning on cells that last one to two years.

The same datasheet's temperature curves show lithium cells delivering a lower voltage in the
cold without losing their charge: about 0.1 V less at -20 °C (-4 °F) under light load, and
more as the cells empty. `cold_sag` models that so a frosty night is not read as a drain.
"""

from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache
from typing import Final

# (share of useful life left in %, volts per cell at room temperature), by rising voltage.
_LITHIUM_CURVE: Final[tuple[tuple[float, float], ...]] = (
    (0.0, 1.18),
    (1.0, 1.26),
    (2.0, 1.31),
    (3.0, 1.345),
    (4.0, 1.38),
    (6.0, 1.43),
    (10.0, 1.47),
    (20.0, 1.52),
    (30.0, 1.545),
    (50.0, 1.58),
    (70.0, 1.62),
    (90.0, 1.66),
    (95.0, 1.69),
    (98.0, 1.73),
    (100.0, 1.80),
)
_CURVE_LEVELS: Final = tuple(level for level, _ in _LITHIUM_CURVE)
_CURVE_VOLTS: Final = tuple(volts for _, volts in _LITHIUM_CURVE)

# A Blink camera browns out below this per-cell reading: the curve's 0 %.
BROWNOUT_VOLTS: Final = _LITHIUM_CURVE[0][1]
# What a USB adapter looks like to Blink: a steady per-cell reading near this value.
EXTERNAL_POWER_VOLTS: Final = 1.71
# Blink flags "low" near this voltage (captures show 1.33 V with battery_state "low").
BLINK_LOW_VOLTS: Final = 1.335
# Lithium cells read at least this much for their first percent of life; older cells never do.
FRESH_LITHIUM_VOLTS: Final = 1.74
# Where the plateau begins: above this level the curve falls several times faster.
PLATEAU_TOP_PCT: Final = 90.0

FREEZING_F: Final = 32.0
_BISECTION_STEPS: Final = 24  # 100 % / 2**24: far finer than any reading
# Datasheet reading: about 2.5 mV less per °F below freezing half-way through the cells' life,
# growing as they empty (more internal resistance).
_SAG_VOLTS_PER_F: Final = 0.0024
_SAG_BASE: Final = 0.65
_SAG_EMPTY_GROWTH: Final = 0.9

# Blink's 0-3 bars, as bands of life left (%). The bands are not published: captures show
# three bars for most of the cells' life, and two and one only in the knee before "low". They
# overlap on purpose: a bar boundary is only known to a few percent.
BARS_LEVEL_BANDS: Final[dict[int, tuple[float, float]]] = {
    3: (15.0, 100.0),
    2: (5.0, 19.0),
    1: (2.0, 7.0),
    0: (0.0, 3.0),
}


def level_from_voltage(volts: float) -> float:
    """Share of useful life left (0-100 %) for a room-temperature per-cell reading."""
    if volts <= _CURVE_VOLTS[0]:
        return 0.0
    if volts >= _CURVE_VOLTS[-1]:
        return 100.0
    i = bisect_left(_CURVE_VOLTS, volts)
    (level0, volts0), (level1, volts1) = _LITHIUM_CURVE[i - 1], _LITHIUM_CURVE[i]
    return level0 + (level1 - level0) * (volts - volts0) / (volts1 - volts0)


def _segment(level_pct: float) -> tuple[float, float, float, float]:
    """The curve segment (level0, volts0, level1, volts1) that holds `level_pct`."""
    i = min(max(bisect_left(_CURVE_LEVELS, level_pct), 1), len(_LITHIUM_CURVE) - 1)
    (level0, volts0), (level1, volts1) = _LITHIUM_CURVE[i - 1], _LITHIUM_CURVE[i]
    return level0, volts0, level1, volts1


def voltage_from_level(level_pct: float) -> float:
    """Inverse of `level_from_voltage`: the room-temperature reading at a given level."""
    level = min(max(level_pct, 0.0), 100.0)
    level0, volts0, level1, volts1 = _segment(level)
    return volts0 + (volts1 - volts0) * (level - level0) / (level1 - level0)


def volts_per_level(level_pct: float) -> float:
    """Local slope of the curve (V per % of life): how much a reading error moves the level."""
    level0, volts0, level1, volts1 = _segment(min(max(level_pct, 0.0), 100.0))
    return (volts1 - volts0) / (level1 - level0)


def cold_sag(temperature_f: float, level_pct: float) -> float:
    """Volts a lithium cell at `level_pct` loses to the cold at `temperature_f` (0 if warm)."""
    if temperature_f >= FREEZING_F:
        return 0.0
    used = 1.0 - min(max(level_pct, 0.0), 100.0) / 100.0
    return (FREEZING_F - temperature_f) * _SAG_VOLTS_PER_F * (_SAG_BASE + _SAG_EMPTY_GROWTH * used)


def warm_equivalent_level(volts: float, temperature_f: float | None) -> float:
    """Level for a reading taken at `temperature_f`, with the cold sag added back.

    The sag depends on the level being estimated; the sagged voltage still rises with the
    level, so the level whose sagged voltage matches the reading is found by bisection.
    """
    if temperature_f is None or temperature_f >= FREEZING_F:
        return level_from_voltage(volts)
    return _bisect_level(
        lambda level: voltage_from_level(level) - cold_sag(temperature_f, level), volts
    )


def _bisect_level(sagged_volts: Callable[[float], float], target: float) -> float:
    """The level (0-100) at which the increasing `sagged_volts` reaches `target`."""
    low, high = 0.0, 100.0
    if sagged_volts(low) >= target:
        return low
    if sagged_volts(high) <= target:
        return high
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2.0
        if sagged_volts(middle) < target:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


def empty_level(temperature_f: float) -> float:
    """Level at which cells sagging at `temperature_f` can no longer hold the camera up.

    0 % above freezing; in the cold the camera browns out while a little charge is left.
    """
    return _empty_level_at(round(temperature_f))


@lru_cache(maxsize=256)
def _empty_level_at(temperature_f: int) -> float:
    if temperature_f >= FREEZING_F:
        return 0.0
    return _bisect_level(
        lambda level: voltage_from_level(level) - cold_sag(temperature_f, level), BROWNOUT_VOLTS
    )
