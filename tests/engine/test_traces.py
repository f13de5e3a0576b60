"""The discharge-trace generator: realistic, deterministic, and readable back."""

from collections.abc import Sequence
import csv
from datetime import timedelta
import itertools
from pathlib import Path
import statistics

import pytest

from blink_sim.battery_truth import EXTERNAL_POWER_VOLTS, Chemistry
from blink_sim.trace_families import FAMILIES, generate_family
from blink_sim.traces import (
    TRACE_HEADER,
    DeviceTrace,
    batteries_path,
    generate,
    read_traces,
    write_traces,
)


@pytest.fixture(scope="module")
def traces() -> list[DeviceTrace]:
    return generate(seed=11, devices=22)


def by_category(traces: Sequence[DeviceTrace], category: str) -> list[DeviceTrace]:
    found = [trace for trace in traces if trace.category == category]
    assert found, category
    return found


def test_same_seed_same_traces_other_seed_other_traces(traces):
    again = generate(seed=11, devices=22)
    assert again == traces
    other = generate(seed=12, devices=22)
    assert [t.rows for t in other] != [t.rows for t in traces]


def test_every_category_is_present_and_named_by_its_category(traces):
    names = [trace.device for trace in traces]
    assert len(names) == len(set(names)) == 22
    categories = {trace.category for trace in traces}
    assert {"mild", "cold", "bell-cold", "swap-mild", "nimh", "alkaline", "external"} <= categories
    assert all(trace.cold_weather == ("cold" in trace.category) for trace in traces)


def test_rows_are_in_time_order_and_stop_at_death(traces):
    for trace in traces:
        times = [row.at for row in trace.rows]
        assert times == sorted(times)
        if trace.died_at is not None:
            assert times[-1] < trace.died_at
            assert trace.batteries[-1].empty_at == trace.died_at


def test_cold_climates_have_frosty_nights_and_readings_blink_rounds(traces):
    temperatures = [
        row.temperature_f
        for trace in by_category(traces, "cold")
        for row in trace.rows
        if row.temperature_f is not None
    ]
    assert min(temperatures) < 0.0
    assert max(temperatures) > 60.0
    volts = [row.voltage for trace in traces for row in trace.rows if row.voltage is not None]
    assert all(round(v, 2) == v for v in volts)


def test_doorbells_report_bars_but_no_voltage(traces):
    for trace in by_category(traces, "bell-mild") + by_category(traces, "bell-cold"):
        assert all(row.voltage is None for row in trace.rows)
        assert all(row.bars is not None for row in trace.rows)


def test_external_power_reads_steady_and_never_dies(traces):
    for trace in by_category(traces, "external"):
        assert trace.died_at is None
        volts = [row.voltage for row in trace.rows if row.voltage is not None]
        assert max(abs(v - EXTERNAL_POWER_VOLTS) for v in volts) <= 0.03
        assert trace.batteries[0].chemistry is Chemistry.EXTERNAL


@pytest.mark.parametrize(
    ("category", "second"),
    [("swap-mild", Chemistry.LITHIUM), ("nimh", Chemistry.NIMH), ("alkaline", Chemistry.ALKALINE)],
)
def test_replacement_traces_change_cells_part_way(traces, category, second):
    for trace in by_category(traces, category):
        first, last = trace.batteries[0], trace.batteries[-1]
        assert len(trace.batteries) == 2
        assert first.chemistry is Chemistry.LITHIUM
        assert last.chemistry is second
        assert first.removed_at == last.inserted_at
        assert trace.rows[0].at < last.inserted_at < trace.rows[-1].at
        assert first.empty_at is not None
        assert first.empty_at >= first.removed_at  # replaced before (or as) it would have died


def test_missing_values_and_outages_occur(traces):
    cameras = by_category(traces, "mild") + by_category(traces, "cold")
    rows = [row for trace in cameras for row in trace.rows]
    assert any(row.voltage is None for row in rows)
    assert any(row.temperature_f is None for row in rows)
    gaps = [
        (b.at - a.at).total_seconds() / 3600
        for trace in cameras
        for a, b in zip(trace.rows, trace.rows[1:], strict=False)
    ]
    assert max(gaps) > 24.0


def test_written_file_has_the_benchmark_format_and_reads_back(traces, tmp_path: Path):
    path = tmp_path / "set.csv"
    write_traces(traces, path)
    with path.open(encoding="utf-8") as handle:
        records = list(csv.reader(handle))
    assert tuple(records[0]) == TRACE_HEADER
    died: dict[str, str] = {}
    for device, timestamp, volts, bars, state, temperature, died_at in records[1:]:
        assert timestamp.endswith("Z")
        assert died.setdefault(device, died_at) == died_at  # the same on every row
        assert volts == "" or 1.0 < float(volts) < 2.0
        assert bars in {"", "0", "1", "2", "3"}
        assert state in {"", "ok", "low"}
        assert temperature == "" or float(temperature) == int(float(temperature))
    assert batteries_path(path).exists()
    back = read_traces(path)
    assert [t.device for t in back] == [t.device for t in traces]
    for original, read in zip(traces, back, strict=True):
        assert read.died_at == (
            None if original.died_at is None else original.died_at.replace(second=0)
        )
        assert len(read.rows) == len(original.rows)
        assert [r.voltage for r in read.rows] == [r.voltage for r in original.rows]
        assert [b.chemistry for b in read.batteries] == [b.chemistry for b in original.batteries]


def test_a_trace_file_without_sidecar_reads_and_a_wrong_header_is_refused(tmp_path: Path):
    path = tmp_path / "mine.csv"
    path.write_text(
        ",".join(TRACE_HEADER) + "\n"
        "cam-1,2026-01-01T00:00:00+00:00,1.62,3,ok,50,\n"
        "cam-1,2026-01-01T06:00:00+00:00,,3,ok,,\n",
        encoding="utf-8",
    )
    (trace,) = read_traces(path)
    assert trace.batteries == ()
    assert trace.died_at is None
    assert [row.voltage for row in trace.rows] == [1.62, None]
    bad = tmp_path / "bad.csv"
    bad.write_text("device,timestamp,voltage\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        read_traces(bad)


# --------------------------------------------------------------------------- independent families

FAMILY_DEVICES = 10


@pytest.fixture(scope="module", params=sorted(FAMILIES))
def family(request) -> tuple[str, list[DeviceTrace]]:
    return request.param, generate_family(request.param, seed=5, devices=FAMILY_DEVICES)


def test_a_family_is_the_same_for_a_seed_and_another_for_another_seed(family):
    name, traces = family
    assert generate_family(name, seed=5, devices=FAMILY_DEVICES) == traces
    other = generate_family(name, seed=6, devices=FAMILY_DEVICES)
    assert [t.rows for t in other] != [t.rows for t in traces]


def test_family_cameras_go_through_several_sets_and_the_sidecar_keeps_them(family, tmp_path):
    name, traces = family
    for trace in traces:
        sets = trace.batteries
        assert len(sets) >= 2, trace.device  # learning needs a finished set
        assert all(s.chemistry is Chemistry.LITHIUM for s in sets)
        starts = [s.inserted_at for s in sets]
        assert starts == sorted(starts)
        for finished, following in itertools.pairwise(sets):
            assert finished.removed_at == following.inserted_at
            assert finished.empty_at is not None
    path = tmp_path / f"{name}.csv"
    write_traces(traces, path)
    assert batteries_path(path).exists()
    read_back = [t.batteries for t in read_traces(path)]
    assert [len(sets) for sets in read_back] == [len(t.batteries) for t in traces]
    for written, read in zip(
        (s for t in traces for s in t.batteries), itertools.chain(*read_back), strict=True
    ):
        assert read.chemistry is written.chemistry
        assert abs(read.inserted_at - written.inserted_at) < timedelta(minutes=1)
        assert (read.empty_at is None) == (written.empty_at is None)
        if read.empty_at is not None and written.empty_at is not None:
            assert abs(read.empty_at - written.empty_at) < timedelta(minutes=1)


def test_family_readings_are_whole_hundredths_of_a_volt_as_blink_reports_them(family):
    _, traces = family
    volts = [row.voltage for trace in traces for row in trace.rows if row.voltage is not None]
    assert volts
    assert all(abs(v * 100 - round(v * 100)) < 1e-6 for v in volts)


def test_family_cells_behave_like_lithium_aa_cells_in_a_camera(family):
    """Fresh near 1.8 V, a plateau of 1.45-1.7 V, Blink's "low" shortly before the end."""
    _, traces = family
    fresh, middle, low_leads, lives = [], [], [], []
    for trace in traces:
        for cells in trace.batteries:
            assert cells.empty_at is not None
            life = cells.empty_at - cells.inserted_at
            end = cells.removed_at or trace.died_at or cells.empty_at
            rows = [r for r in trace.rows if cells.inserted_at <= r.at < end]
            volts = [(r.at, r.voltage) for r in rows if r.voltage is not None]
            first_day = [v for at, v in volts if at - cells.inserted_at < timedelta(days=1)]
            if first_day:
                fresh.append(max(first_day))
            halfway = cells.inserted_at + life / 2
            middle += [v for at, v in volts if abs(at - halfway) < timedelta(days=3)]
            if cells.empty_at <= end:  # ran out in the camera: how long Blink warned first
                lives.append(life / timedelta(days=1))
                lows = [r.at for r in rows if r.state == "low" and r.at > halfway]
                if lows:
                    low_leads.append((cells.empty_at - lows[0]) / timedelta(days=1))
    assert fresh
    assert middle
    assert low_leads
    assert 1.70 <= statistics.median(fresh) <= 1.85
    assert all(1.35 <= v <= 1.72 for v in middle)
    assert 1.45 <= statistics.median(middle) <= 1.68
    # The knee is the last few percent of the capacity: days to a few weeks, not months.
    assert 1.0 <= statistics.median(low_leads) <= 30.0
    assert all(20.0 <= days <= 900.0 for days in lives)
    everything = [r.voltage for t in traces for r in t.rows if r.voltage is not None]
    assert 1.0 <= min(everything) <= max(everything) <= 1.9
