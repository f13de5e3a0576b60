"""Battery health engine: what a user would see from the level, health, dates and alerts.

Observations are made with the simulator's truth (`blink_sim.battery_truth`), so the engine is
tested against the physics it has to infer, never against its own curve.
"""

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
import itertools
import json
import math
import random

import pytest

from blink_sim.battery_truth import (
    DEAD_VOLTS,
    Chemistry,
    blink_battery_bars,
    blink_battery_state,
    cell_voltage,
)
from custom_components.blink_care.engine.battery import (
    BatteryAssessment,
    BatteryHealth,
    BatteryModel,
    BatteryObservation,
    BatterySettings,
    FleetPrior,
    LevelSource,
    PredictionBasis,
    Replacement,
    ReplacementSource,
)
from custom_components.blink_care.engine.discharge_curve import (
    cold_sag,
    empty_level,
    level_from_voltage,
    voltage_from_level,
    warm_equivalent_level,
)

T0 = datetime(2026, 3, 2, tzinfo=UTC)
SIX_HOURS = timedelta(hours=6)


def mild(_at: datetime) -> float:
    return 60.0


def depth_at_death(chemistry: Chemistry = Chemistry.LITHIUM) -> float:
    """Depth of discharge at which the simulated camera browns out at room temperature."""
    low, high = 0.0, 1.0
    for _ in range(40):
        middle = (low + high) / 2
        if cell_voltage(chemistry, middle) < DEAD_VOLTS:
            high = middle
        else:
            low = middle
    return low


def readings(
    life_days: float,
    days: float,
    *,
    chemistry: Chemistry = Chemistry.LITHIUM,
    start: datetime = T0,
    start_depth: float = 0.0,
    every: timedelta = SIX_HOURS,
    temperature: Callable[[datetime], float] = mild,
    noise: float = 0.0,
    offset: float = 0.0,
    seed: int = 0,
    voltage: bool = True,
    report_temperature: bool = True,
) -> Iterator[BatteryObservation]:
    """What Blink would report about cells draining evenly over `life_days`.

    `offset` is how far this camera reads its cells high (or, negative, low).
    """
    rng = random.Random(seed)  # noqa: S311 - simulated noise
    steps = int(timedelta(days=days) / every)
    for i in range(steps):
        at = start + i * every
        depth = start_depth + (at - start) / timedelta(days=life_days)
        if depth >= 1.0:
            return
        temp = temperature(at)
        volts = cell_voltage(chemistry, depth, temp) + offset + rng.gauss(0.0, noise)
        yield BatteryObservation(
            at=at,
            voltage=round(volts, 2) if voltage else None,
            bars=blink_battery_bars(volts),
            blink_state=blink_battery_state(volts),
            temperature_f=float(round(temp)) if report_temperature else None,
        )


def feed(
    model: BatteryModel, observations: Iterator[BatteryObservation]
) -> list[BatteryAssessment]:
    return [model.observe(observation) for observation in observations]


def days_between(a: datetime, b: datetime) -> float:
    return (a - b) / timedelta(days=1)


# --------------------------------------------------------------------------- the curve


def test_curve_spans_fresh_to_brownout_and_puts_blinks_low_near_three_percent():
    assert level_from_voltage(1.80) == 100.0
    assert level_from_voltage(1.90) == 100.0
    assert level_from_voltage(1.18) == 0.0
    assert 2.0 <= level_from_voltage(1.335) <= 4.0
    volts = [1.20 + i * 0.01 for i in range(60)]
    levels = [level_from_voltage(v) for v in volts]
    assert levels == sorted(levels)
    for v in volts:
        assert voltage_from_level(level_from_voltage(v)) == pytest.approx(v, abs=1e-9)


def test_cold_reading_is_read_as_the_warm_level_it_came_from():
    warm = voltage_from_level(50.0)
    frosty = warm - cold_sag(-4.0, 50.0)
    assert frosty < warm - 0.05  # a sag that would look like a large drain
    assert warm_equivalent_level(frosty, -4.0) == pytest.approx(50.0, abs=0.5)
    assert warm_equivalent_level(warm, 70.0) == pytest.approx(50.0, abs=1e-6)


def test_cells_brown_out_with_more_charge_left_in_the_cold():
    assert empty_level(50.0) == 0.0
    assert 0.0 < empty_level(10.0) < empty_level(-20.0) < 10.0


# --------------------------------------------------------------------------- level and prediction


def test_fresh_cells_read_full_and_good():
    answer = BatteryModel().observe(BatteryObservation(at=T0, voltage=1.80, temperature_f=65.0))
    assert answer.level_pct == pytest.approx(100.0, abs=0.5)
    assert answer.level_source is LevelSource.VOLTAGE
    assert answer.health is BatteryHealth.GOOD
    assert answer.voltage == 1.80
    assert answer.low is False


@pytest.mark.parametrize(("noise", "tolerance"), [(0.0, 0.12), (0.008, 0.2)])
def test_predicted_empty_date_half_way_through_the_cells(noise, tolerance):
    life = 200.0
    model = BatteryModel()
    answers = feed(model, readings(life, days=life / 2, noise=noise, seed=3))
    answer = answers[-1]
    death = T0 + timedelta(days=life * depth_at_death())
    now = T0 + timedelta(days=life / 2)
    remaining = days_between(death, now)
    assert answer.predicted_empty is not None
    assert abs(days_between(answer.predicted_empty, death)) <= tolerance * remaining
    assert answer.predicted_empty_earliest is not None
    assert answer.predicted_empty_latest is not None
    assert answer.predicted_empty_earliest <= death <= answer.predicted_empty_latest
    assert answer.level_pct == pytest.approx(50.0, abs=6.0)
    assert answer.health is BatteryHealth.GOOD


YEAR_DAYS = 365.25
SUMMER_SWING = 0.2  # outdoor usage, relative, busiest in summer


def seasonal_depth(days: float, life_days: float, phase_days: float) -> float:
    """Depth of discharge after `days` of usage that swings with the seasons around its mean."""
    w = 2 * math.pi / YEAR_DAYS
    swing = SUMMER_SWING / w * (math.cos(w * phase_days) - math.cos(w * (days + phase_days)))
    return (days + swing) / life_days


def seasonal_death_day(life_days: float, phase_days: float) -> float:
    low, high = 0.0, 3 * life_days
    for _ in range(60):
        middle = (low + high) / 2
        if seasonal_depth(middle, life_days, phase_days) >= depth_at_death():
            high = middle
        else:
            low = middle
    return high


def half_life_answer(seed: int) -> tuple[BatteryAssessment, datetime, float]:
    """The answer half-way through seasonal cells read by a camera with its own offset.

    Returns the answer, the true death and the days truly left at that moment.
    """
    rng = random.Random(seed)  # noqa: S311 - simulated device
    life = rng.choice((150.0, 250.0, 400.0))
    phase = rng.uniform(0.0, YEAR_DAYS)
    offset = rng.gauss(0.0, 0.01)  # this camera reads its cells a little high or low
    death_day = seasonal_death_day(life, phase)
    model = BatteryModel()
    answer = None
    day = 0.0
    while day <= death_day / 2:
        volts = cell_voltage(Chemistry.LITHIUM, seasonal_depth(day, life, phase)) + offset
        volts += rng.gauss(0.0, 0.006)
        answer = model.observe(
            BatteryObservation(
                at=T0 + timedelta(days=day),
                voltage=round(volts, 2),
                bars=blink_battery_bars(volts),
                blink_state=blink_battery_state(volts),
                temperature_f=60.0,
            )
        )
        day += 0.25
    assert answer is not None
    return answer, T0 + timedelta(days=death_day), death_day - (day - 0.25)


def test_the_date_band_covers_the_real_death_about_four_times_in_five():
    """Busier summers and each camera's reading offset: the 80 % band must hold the truth."""
    covered = []
    widths = []
    for seed in range(20):
        answer, death, left = half_life_answer(seed)
        earliest, latest = answer.predicted_empty_earliest, answer.predicted_empty_latest
        assert earliest is not None
        assert latest is not None
        covered.append(earliest <= death <= latest)
        widths.append(days_between(latest, earliest) / left)
    assert 0.7 <= sum(covered) / len(covered) <= 0.95
    # Honest, not vacuous: the band is narrower than the time that is left.
    assert sorted(widths)[len(widths) // 2] < 1.0


def test_a_camera_reading_its_cells_high_or_low_still_gets_a_usable_date():
    """0.015 V off is seven points of level on the plateau but hardly any in the first tenth.

    The steep first tenth of the curve must not bend the drain line (it did: the drain came out
    about 9 % wrong and the date about 24 %), so the date stays well within the offset's reach.
    """
    errors = []
    for life, offset, seed in itertools.product((200.0, 400.0), (-0.015, 0.015), (1, 2)):
        death_day = life * depth_at_death()
        death = T0 + timedelta(days=death_day)
        observations = list(
            readings(life, days=death_day / 2, noise=0.006, offset=offset, seed=seed)
        )
        answer = feed(BatteryModel(), iter(observations))[-1]
        assert answer.predicted_empty is not None
        left = days_between(death, observations[-1].at)
        errors.append(abs(days_between(answer.predicted_empty, death)) / left)
    assert sum(errors) / len(errors) <= 0.18


def test_prediction_waits_until_the_drain_shows_through_the_plateau():
    """Two days on the flat part of the curve say nothing yet about a two-year battery."""
    model = BatteryModel()
    answers = feed(model, readings(730.0, days=2, start_depth=0.4, noise=0.008, seed=1))
    assert answers[-1].predicted_empty is None
    assert answers[-1].health is BatteryHealth.GOOD


def test_warns_three_weeks_ahead_and_says_replace_now_at_the_end():
    life = 150.0
    observations = list(readings(life, days=life, noise=0.006, seed=5))
    answers = feed(BatteryModel(), iter(observations))
    death = T0 + timedelta(days=life * depth_at_death())
    soon_at = next(
        observation.at
        for answer, observation in zip(answers, observations, strict=True)
        if answer.health in {BatteryHealth.REPLACE_SOON, BatteryHealth.REPLACE_NOW}
    )
    assert days_between(death, soon_at) >= 21.0
    assert answers[-1].health is BatteryHealth.REPLACE_NOW
    assert answers[-1].low is True


def test_low_threshold_option_applies_at_once():
    model = BatteryModel()
    answer = feed(model, readings(300.0, days=30, start_depth=0.6))[-1]
    assert answer.health is BatteryHealth.GOOD
    model.settings = replace(model.settings, low_threshold_pct=50.0)
    later = model.observe(
        BatteryObservation(at=T0 + timedelta(days=30), voltage=1.55, temperature_f=60.0)
    )
    assert later.health is BatteryHealth.REPLACE_SOON
    assert later.low is True


def test_assessment_moves_towards_replacement_as_time_passes_without_news():
    model = BatteryModel()
    feed(model, readings(100.0, days=60))
    last = model.assessment(T0 + timedelta(days=60))
    assert last.predicted_empty is not None
    assert last.health is BatteryHealth.GOOD
    near = model.assessment(last.predicted_empty - timedelta(days=10))
    assert near.health in {BatteryHealth.REPLACE_SOON, BatteryHealth.REPLACE_NOW}


def test_observations_out_of_order_change_nothing():
    model = BatteryModel()
    answers = feed(model, readings(200.0, days=20))
    before = model.to_dict()
    stale = model.observe(BatteryObservation(at=T0, voltage=1.20, bars=0, blink_state="low"))
    assert model.to_dict() == before
    assert stale.health is answers[-1].health


# --------------------------------------------------------------------------- cold


def frosty_nights(at: datetime) -> float:
    """40 °F afternoons, -5 °F before dawn."""
    return 17.5 - 22.5 * math.cos(2 * math.pi * (at.hour - 5) / 24)


def test_frosty_nights_raise_no_alarm_on_half_full_cells():
    every = timedelta(hours=3)  # sample the night's minimum
    observations = list(
        readings(300.0, days=30, start_depth=0.5, every=every, temperature=frosty_nights)
    )
    assert any(o.bars is not None and o.bars < 3 for o in observations)  # the nights sag
    answers = feed(BatteryModel(), iter(observations))
    assert not any(a.low for a in answers)
    assert all(a.health is BatteryHealth.GOOD for a in answers)
    assert answers[-1].level_pct == pytest.approx(40.0, abs=8.0)


def test_blinks_low_in_the_cold_is_ignored_while_the_corrected_level_is_healthy():
    model = BatteryModel()
    feed(model, readings(300.0, days=10, start_depth=0.6))
    answer = model.observe(
        BatteryObservation(
            at=T0 + timedelta(days=10, hours=1),
            voltage=1.33,
            bars=0,
            blink_state="low",
            temperature_f=-20.0,
        )
    )
    assert answer.low is False
    warm_low = [
        model.observe(
            BatteryObservation(
                at=T0 + timedelta(days=10, hours=hours),
                voltage=1.33,
                blink_state="low",
                temperature_f=60.0,
            )
        )
        for hours in (2, 8, 14)
    ]
    assert warm_low[-1].low is True


def test_one_warm_low_reading_taken_during_a_clip_raises_no_alarm():
    """A reading during a recording dips below Blink's threshold; the next poll is "ok" again."""
    model = BatteryModel()
    feed(model, readings(300.0, days=10, start_depth=0.3))
    at = T0 + timedelta(days=10, hours=1)
    dip = model.observe(
        BatteryObservation(at=at, voltage=1.33, blink_state="low", temperature_f=60)
    )
    after = model.observe(
        BatteryObservation(at=at + SIX_HOURS, voltage=1.57, blink_state="ok", temperature_f=60)
    )
    assert dip.low is False
    # Time alone does not confirm it: only a later poll that still says "low" does.
    assert model.assessment(at + timedelta(hours=5)).low is False
    assert after.low is False


def test_a_warm_blink_low_turns_the_sensor_on_at_the_next_poll_that_still_says_low():
    """Blink's "low" is the user's anchor: it is late by at most one poll, never by half a day.

    One "low" may be a reading taken during a clip (the camera's load dips the cells); the next
    poll that still says "low" rules that out. Bars stay full, so only Blink's word can do it.
    """
    model = BatteryModel()
    feed(model, readings(300.0, days=5, start_depth=0.3, voltage=False))
    start = T0 + timedelta(days=5)
    polls = [
        model.observe(
            BatteryObservation(at=start + hours, bars=3, blink_state="low", temperature_f=60.0)
        )
        for hours in (timedelta(0), timedelta(hours=4))
    ]
    assert [answer.low for answer in polls] == [False, True]


def test_blinks_low_without_a_temperature_counts_once_it_lasts_a_day():
    model = BatteryModel()
    feed(model, readings(300.0, days=5, start_depth=0.3, voltage=False, report_temperature=False))
    start = T0 + timedelta(days=5)
    first = model.observe(BatteryObservation(at=start, bars=3, blink_state="low"))
    assert first.low is False
    later = model.observe(
        BatteryObservation(at=start + timedelta(hours=25), bars=3, blink_state="low")
    )
    assert later.low is True


# --------------------------------------------------------------------------- bars only


def test_bars_only_device_gets_a_coarser_level():
    camera = BatteryModel().observe(BatteryObservation(at=T0, voltage=1.58, bars=3))
    doorbell = BatteryModel().observe(BatteryObservation(at=T0, bars=3, blink_state="ok"))
    assert doorbell.level_source is LevelSource.BARS
    assert doorbell.voltage is None
    assert doorbell.uncertainty_pct is not None
    assert camera.uncertainty_pct is not None
    assert doorbell.uncertainty_pct > 3 * camera.uncertainty_pct


def test_doorbell_falling_to_two_bars_for_a_day_is_replace_soon():
    model = BatteryModel()
    answers = feed(model, readings(120.0, days=120, voltage=False, report_temperature=False))
    healths = [a.health for a in answers]
    assert BatteryHealth.REPLACE_SOON in healths
    soon = healths.index(BatteryHealth.REPLACE_SOON)
    death = 120.0 * depth_at_death()
    assert death - soon * 0.25 >= 10.0  # the 3 -> 2 fall comes well before the end
    assert all(a.level_source is LevelSource.BARS for a in answers)


def test_doorbell_bars_sagging_in_a_frosty_night_are_not_a_fall():
    model = BatteryModel()
    start = T0
    for day in range(10):
        for hour, bars, temperature in ((5, 2, 5.0), (11, 3, 35.0), (17, 3, 38.0), (23, 2, 12.0)):
            answer = model.observe(
                BatteryObservation(
                    at=start + timedelta(days=day, hours=hour),
                    bars=bars,
                    blink_state="ok",
                    temperature_f=temperature,
                )
            )
            assert answer.health is BatteryHealth.GOOD
            assert answer.low is False


# --------------------------------------------------------------------------- replacements


def drained_then_replaced(model: BatteryModel, *, depth: float) -> list[BatteryAssessment]:
    life = 200.0
    days = life * depth
    answers = feed(model, readings(life, days=days))
    answers += feed(model, readings(life, days=5, start=T0 + timedelta(days=days)))
    return answers


def test_new_cells_after_low_ones_are_detected_once():
    model = BatteryModel()
    answers = drained_then_replaced(model, depth=0.9)
    detected = [a for a in answers if a.replacement_detected]
    assert len(detected) == 1
    assert detected[0].last_replaced is not None
    assert detected[0].last_replaced.source is ReplacementSource.DETECTED
    assert answers[-1].health is BatteryHealth.GOOD
    assert answers[-1].level_pct is not None
    assert answers[-1].level_pct > 95.0
    assert answers[-1].last_replaced == detected[0].last_replaced


def test_a_jump_smaller_than_the_option_is_not_a_replacement():
    model = BatteryModel(BatterySettings(replacement_jump_pct=60.0))
    answers = drained_then_replaced(model, depth=0.5)
    assert not any(a.replacement_detected for a in answers)
    default = BatteryModel()
    assert any(a.replacement_detected for a in drained_then_replaced(default, depth=0.5))


def test_manual_record_wins_over_a_detection_of_the_same_change():
    model = BatteryModel()
    answers = drained_then_replaced(model, depth=0.9)
    detected_at = next(a for a in answers if a.replacement_detected).last_replaced
    assert detected_at is not None
    manual_at = detected_at.at - timedelta(hours=5)
    answer = model.record_replacement(manual_at)
    assert answer.last_replaced is not None
    assert answer.last_replaced.source is ReplacementSource.MANUAL
    assert answer.last_replaced.at == manual_at
    assert model.to_dict()["replacements"] == [[round(manual_at.timestamp()), "manual"]]


def test_a_change_recorded_by_hand_first_is_not_announced_again():
    model = BatteryModel()
    life = 200.0
    feed(model, readings(life, days=180))
    model.record_replacement(T0 + timedelta(days=180))
    answers = feed(model, readings(life, days=5, start=T0 + timedelta(days=180, hours=1)))
    assert not any(a.replacement_detected for a in answers)
    assert answers[-1].last_replaced is not None
    assert answers[-1].last_replaced.source is ReplacementSource.MANUAL
    assert answers[-1].health is BatteryHealth.GOOD


def test_previous_battery_life_gives_a_date_right_after_a_replacement():
    life = 120.0
    model = BatteryModel()
    feed(model, readings(life, days=life * 0.95))
    second = T0 + timedelta(days=life * 0.95)
    answers = feed(model, readings(life, days=2, start=second))
    assert any(a.replacement_detected for a in answers)
    answer = answers[-1]
    assert answer.predicted_empty is not None
    expected = second + timedelta(days=life * depth_at_death())
    assert abs(days_between(answer.predicted_empty, expected)) <= 0.2 * life


# --------------------------------------------------------------------------- wrong type, adapter


def test_rechargeable_nimh_cells_are_the_wrong_type():
    model = BatteryModel()
    feed(model, readings(300.0, days=10, start_depth=0.9))
    swap = T0 + timedelta(days=10)
    answers = feed(model, readings(200.0, days=20, chemistry=Chemistry.NIMH, start=swap))
    assert answers[-1].health is BatteryHealth.WRONG_TYPE
    assert answers[-1].level_pct is None
    assert answers[-1].predicted_empty is None


def test_alkaline_cells_after_a_replacement_are_the_wrong_type():
    model = BatteryModel()
    feed(model, readings(300.0, days=10, start_depth=0.95))
    swap = T0 + timedelta(days=10)
    answers = feed(model, readings(150.0, days=30, chemistry=Chemistry.ALKALINE, start=swap))
    assert any(a.replacement_detected for a in answers)
    assert answers[-1].health is BatteryHealth.WRONG_TYPE


def test_fresh_lithium_cells_are_not_taken_for_alkaline_or_an_adapter():
    model = BatteryModel()
    answers = drained_then_replaced(model, depth=0.9)
    answers += feed(model, readings(700.0, days=40, start=T0 + timedelta(days=185)))
    assert BatteryHealth.WRONG_TYPE not in {a.health for a in answers}
    assert BatteryHealth.EXTERNAL_POWER not in {a.health for a in answers}


def test_ac_power_means_external_power_and_no_alarm():
    model = BatteryModel()
    answer = model.observe(
        BatteryObservation(at=T0, voltage=1.71, bars=3, blink_state="low", external_power=True)
    )
    assert answer.health is BatteryHealth.EXTERNAL_POWER
    assert answer.low is False
    assert answer.level_pct is None
    assert answer.predicted_empty is None


def test_a_steady_one_point_seven_one_volts_is_an_adapter():
    model = BatteryModel()
    answers = feed(model, readings(300.0, days=5, chemistry=Chemistry.EXTERNAL, noise=0.003))
    assert answers[0].health is BatteryHealth.GOOD
    assert answers[-1].health is BatteryHealth.EXTERNAL_POWER
    assert not any(a.low for a in answers)


# --------------------------------------------------------------------------- unknown, persistence


def test_nothing_known_is_unknown_and_blinks_word_alone_is_used():
    assert BatteryModel().assessment(T0).health is BatteryHealth.UNKNOWN
    model = BatteryModel()
    answer = model.observe(BatteryObservation(at=T0, blink_state="ok"))
    assert answer.health is BatteryHealth.GOOD
    assert answer.level_pct is None
    low = model.observe(BatteryObservation(at=T0 + timedelta(minutes=2), blink_state="low"))
    assert low.health is BatteryHealth.REPLACE_SOON


def test_state_survives_a_restart():
    model = BatteryModel()
    feed(model, drained_then_replaced_observations())
    restored = BatteryModel.from_dict(json.loads(json.dumps(model.to_dict())), model.settings)
    later = T0 + timedelta(days=175)
    next_reading = BatteryObservation(at=later, voltage=1.62, bars=3, temperature_f=55.0)
    for before, after in (
        (model.assessment(later), restored.assessment(later)),
        (model.observe(next_reading), restored.observe(next_reading)),
    ):
        assert after.health is before.health
        assert after.last_replaced == before.last_replaced
        assert after.level_pct == pytest.approx(before.level_pct, abs=0.2)
        assert before.predicted_empty is not None
        assert after.predicted_empty is not None
        assert abs(after.predicted_empty - before.predicted_empty) < timedelta(hours=2)


def drained_then_replaced_observations() -> Iterator[BatteryObservation]:
    yield from readings(150.0, days=140)
    yield from readings(150.0, days=30, start=T0 + timedelta(days=140))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"version": 1},
        {"version": 99, "cycle": {}},
        {"version": 1, "replacements": "x", "cycle": {"days": [[1, 2]]}, "last": None},
        {"version": 1, "cycle": {"start": "soon", "alert": "panic", "bars": {"falls": [[1]]}}},
        {"version": 1, "cycle_lengths": [float("nan")], "last": {"at": "x", "recent": [[1]]}},
    ],
)
def test_unreadable_history_starts_afresh_without_raising(data):
    model = BatteryModel.from_dict(data, BatterySettings())
    answer = model.observe(BatteryObservation(at=T0, voltage=1.80))
    assert answer.health is BatteryHealth.GOOD


def test_bad_part_of_the_history_does_not_lose_the_replacement_records():
    model = BatteryModel()
    model.record_replacement(T0)
    data = model.to_dict()
    data["cycle"] = {"days": "garbage"}
    restored = BatteryModel.from_dict(data, BatterySettings())
    assert restored.assessment(T0 + timedelta(days=1)).last_replaced == Replacement(
        at=T0, source=ReplacementSource.MANUAL
    )


def test_a_year_at_the_default_poll_stays_small():
    """One observation every 120 s for a year, a voltage every 6 h: at most 64 KB stored."""
    model = BatteryModel()
    rng = random.Random(7)  # noqa: S311 - simulated noise
    poll = timedelta(seconds=120)
    polls = int(timedelta(days=365) / poll)
    life = 400.0
    for i in range(polls):
        at = T0 + i * poll
        depth = (i * poll) / timedelta(days=life)
        temperature = 45.0 + 30.0 * math.sin(2 * math.pi * i / 720)
        volts = cell_voltage(Chemistry.LITHIUM, depth, temperature)
        model.observe(
            BatteryObservation(
                at=at,
                voltage=round(volts + rng.gauss(0.0, 0.006), 2) if i % 180 == 0 else None,
                bars=blink_battery_bars(volts),
                blink_state=blink_battery_state(volts),
                temperature_f=round(temperature),
            )
        )
    stored = json.dumps(model.to_dict())
    assert len(stored) <= 64 * 1024
    answer = model.assessment(T0 + timedelta(days=365))
    assert answer.level_pct == pytest.approx(100 * (1 - 365 / life), abs=8.0)


# --------------------------------------------------------------------------- learning across cycles

LIFE = 200.0


def two_batteries(
    offset: float, seed: int = 0
) -> tuple[list[BatteryObservation], list[BatteryObservation], datetime, datetime]:
    """A camera reading `offset` volts off, through two sets of cells that each run out.

    The camera goes silent when the first set dies and gets new cells three days later.
    Returns both sets' observations, the second set's insertion and its death.
    """
    death_days = LIFE * depth_at_death()
    first = list(readings(LIFE, death_days, offset=offset, noise=0.004, seed=seed))
    start = T0 + timedelta(days=death_days + 3.0)
    second = list(
        readings(LIFE, death_days, start=start, offset=offset, noise=0.004, seed=seed + 1)
    )
    return first, second, start, start + timedelta(days=death_days)


def half_way(observations: list[BatteryObservation], start: datetime, died: datetime):
    middle = start + (died - start) / 2
    return iter([o for o in observations if o.at <= middle]), days_between(died, middle)


def test_second_battery_is_predicted_from_the_first_ones_life_better_than_by_the_curve():
    """A camera reading its cells 0.03 V low fools the curve; its own first battery does not."""
    first, second, start, died = two_batteries(offset=-0.03)
    learned = BatteryModel()
    feed(learned, iter(first))
    curve_only = BatteryModel()
    observations, remaining = half_way(second, start, died)
    answers = [(learned.observe(o), curve_only.observe(o)) for o in observations]
    own, curve = answers[-1]
    assert own.basis is PredictionBasis.OWN_HISTORY
    assert curve.basis is PredictionBasis.CURVE
    own_error = abs(days_between(own.predicted_empty, died))
    curve_error = abs(days_between(curve.predicted_empty, died))
    assert own_error < 0.10 * remaining
    assert curve_error > 2 * own_error
    assert own.predicted_empty_earliest is not None
    assert own.predicted_empty_latest is not None
    assert own.predicted_empty_earliest <= died <= own.predicted_empty_latest


def test_a_camera_without_history_learns_from_the_accounts_same_model_cameras():
    first, second, start, died = two_batteries(offset=-0.03)
    neighbour = BatteryModel()
    feed(neighbour, iter(first))
    feed(neighbour, iter(second[:8]))  # its new cells close the first battery's cycle
    assert len(neighbour.learned_cycles) == 1
    prior = FleetPrior.from_cycles([neighbour.learned_cycles, ()])
    assert prior is not None
    assert prior.cameras == 1
    newcomer, curve_only = BatteryModel(), BatteryModel()
    newcomer.set_fleet_prior(prior)
    observations, _ = half_way(second, start, died)
    answers = [(newcomer.observe(o), curve_only.observe(o)) for o in observations]
    fleet, curve = answers[-1]
    assert fleet.basis is PredictionBasis.FLEET
    assert abs(days_between(fleet.predicted_empty, died)) < abs(
        days_between(curve.predicted_empty, died)
    )
    assert FleetPrior.from_cycles([(), ()]) is None


def test_what_a_battery_taught_survives_a_restart():
    first, second, start, died = two_batteries(offset=0.02, seed=4)
    model = BatteryModel()
    feed(model, iter(first))
    feed(model, iter(second[:40]))
    stored = json.loads(json.dumps(model.to_dict()))
    restored = BatteryModel.from_dict(stored, BatterySettings())
    assert restored.learned_cycles == model.learned_cycles
    assert model.learned_cycles[0].life_days == pytest.approx(LIFE * depth_at_death(), rel=0.05)
    observations, _ = half_way(second[40:], start, died)
    rest = list(observations)
    after_restart, uninterrupted = feed(restored, iter(rest))[-1], feed(model, iter(rest))[-1]
    assert after_restart.basis is uninterrupted.basis is PredictionBasis.OWN_HISTORY
    assert days_between(after_restart.predicted_empty, uninterrupted.predicted_empty) == (
        pytest.approx(0.0, abs=1.0)
    )


def test_history_stored_by_the_previous_version_still_loads_and_predicts():
    """The previous version kept battery lives but no learned map, first-day peak or climate."""
    first, second, start, _ = two_batteries(offset=0.0, seed=2)
    model = BatteryModel()
    feed(model, iter(first))
    feed(model, iter(second[:8]))
    old = json.loads(json.dumps(model.to_dict()))
    del old["learned"]
    del old["cycle"]["first"]
    del old["cycle"]["temperature"]
    restored = BatteryModel.from_dict(old, BatterySettings())
    assert restored.learned_cycles == ()
    answer = restored.observe(replace(second[8], at=second[8].at + timedelta(hours=1)))
    assert answer.level_pct is not None
    assert answer.level_pct > 90
    assert answer.last_replaced is not None
    assert answer.basis is PredictionBasis.OWN_HISTORY
    assert days_between(answer.predicted_empty, start) == pytest.approx(
        LIFE * depth_at_death(), rel=0.1
    )
