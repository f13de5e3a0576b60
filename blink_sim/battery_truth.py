"""The simulated truth of a Blink battery pack: what Blink would report at a given charge.

This is the *simulator's* physics, used by the simulated cloud and by the trace generator. The
integration's own battery model (custom_components/blink_care/engine) must not import it: the
engine has to infer the level from what Blink reports, exactly as it does against the real cloud.

Shapes follow public discharge curves of 1.5 V AA cells, scaled to what Blink reports per cell
(hundredths of a volt): Li-FeS2 (Energizer L91 datasheet) starts near 1.8 V open-circuit, sits
on a long gently sloping plateau, then falls steeply in the last few percent; NiMH sits flat
near 1.25 V; alkaline slopes steadily from about 1.6 V. Blink's "low" appears near 1.33 V.
"""

from bisect import bisect_right
from enum import StrEnum


class Chemistry(StrEnum):
    """What is in the battery compartment (or not)."""

    LITHIUM = "lithium"  # AA 1.5 V Li-FeS2, the only type Blink supports
    NIMH = "nimh"  # rechargeable, wrong type
    ALKALINE = "alkaline"  # wrong type
    EXTERNAL = "external"  # USB / mains adapter: Blink reports about 1.71 V, steady


# (depth of discharge 0..1, volts per cell at room temperature under Blink's light load)
_CURVES: dict[Chemistry, tuple[tuple[float, float], ...]] = {
    Chemistry.LITHIUM: (
        (0.00, 1.80),
        (0.02, 1.72),
        (0.10, 1.66),
        (0.50, 1.58),
        (0.80, 1.52),
        (0.90, 1.47),
        (0.95, 1.41),
        (0.97, 1.35),
        (0.985, 1.30),
        (1.00, 1.15),
    ),
    Chemistry.NIMH: (
        (0.00, 1.35),
        (0.05, 1.29),
        (0.80, 1.24),
        (0.92, 1.19),
        (1.00, 1.05),
    ),
    Chemistry.ALKALINE: (
        (0.00, 1.60),
        (0.10, 1.52),
        (0.50, 1.38),
        (0.80, 1.26),
        (1.00, 1.05),
    ),
}

EXTERNAL_POWER_VOLTS = 1.71
# Blink flags "low" below this per-cell voltage (captures: 1.33 V with battery_state "low").
BLINK_LOW_VOLTS = 1.34
# Below this the camera browns out and stops reporting.
DEAD_VOLTS = 1.18


def _interpolate(points: tuple[tuple[float, float], ...], x: float) -> float:
    xs = [p[0] for p in points]
    x = min(max(x, xs[0]), xs[-1])
    i = min(bisect_right(xs, x), len(points) - 1)
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    if x1 == x0:
        return y1
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def cold_sag(depth_of_discharge: float, temperature_f: float) -> float:
    """Volts lost to cold: lithium cells sag below freezing, more so when nearly empty."""
    if temperature_f >= 32.0:  # noqa: PLR2004 - freezing point
        return 0.0
    return (32.0 - temperature_f) * 0.0025 * (0.6 + depth_of_discharge)


def cell_voltage(
    chemistry: Chemistry, depth_of_discharge: float, temperature_f: float = 68.0
) -> float:
    """Per-cell voltage Blink would report, in volts."""
    if chemistry is Chemistry.EXTERNAL:
        return EXTERNAL_POWER_VOLTS
    volts = _interpolate(_CURVES[chemistry], depth_of_discharge)
    return round(volts - cold_sag(depth_of_discharge, temperature_f), 3)


def blink_battery_state(volts: float) -> str:
    """Blink's own two-valued verdict."""
    return "low" if volts < BLINK_LOW_VOLTS else "ok"


def blink_battery_bars(volts: float) -> int:
    """Blink's 0-3 bars, coarse thresholds on the same voltage."""
    if volts >= 1.50:  # noqa: PLR2004
        return 3
    if volts >= 1.42:  # noqa: PLR2004
        return 2
    if volts >= BLINK_LOW_VOLTS:
        return 1
    return 0
