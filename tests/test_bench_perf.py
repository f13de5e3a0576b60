"""`scripts/bench requests|work|writes|store|blocking` through their command line, on tiny settings.

Each runs the same code path as the full benchmark (a real Home Assistant in a pytest
subprocess, the simulated cloud) on a small fleet and a short period. The checks are about
the output and about the figures coming from what was measured, never about speed.
"""

import contextlib
import io
import re

import pytest

from benchmarks import __main__ as bench_cli

NUMBER = r"[0-9]+(?:\.[0-9]+)?"
FIGURE = re.compile(rf"(\w+)=({NUMBER}|nan)")


def run_bench(*argv: str) -> tuple[list[str], dict[str, float]]:
    """Run `scripts/bench ARGV`; return the printed lines and the last line's figures."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert bench_cli.main(list(argv)) == 0
    lines = out.getvalue().strip().splitlines()
    name, *pairs = lines[-1].split(" ")
    assert name == argv[0]
    figures = {}
    for pair in pairs:
        match = FIGURE.fullmatch(pair)
        assert match, f"not key=number: {pair!r}"
        figures[match[1]] = float(match[2])
    return lines, figures


def table_row(lines: list[str], first: str) -> list[str]:
    """The whitespace-separated cells of the table row starting with `first`."""
    rows = [line.split() for line in lines if line.startswith(f"{first} ")]
    assert len(rows) == 1, f"expected one row {first!r}"
    return rows[0]


def test_requests_are_counted_at_the_cloud_for_both_patterns():
    """Half an hour, S=1 C=2 M=1: 15 blink_care polls, 6 core refreshes of 1+2S+3C+M each."""
    lines, figures = run_bench(
        "requests",
        *("--fleets", "1,2,1,0", "--hours", "0.5"),
        *("--detection-fleet", "1,1,0,0", "--offset-step", "60"),
    )
    cells = table_row(lines, "1,2,1,0")
    # fleet devices | polls per-poll per-day | refreshes per-poll per-day | ratio
    assert cells[1] == "4"
    polls, per_poll = int(cells[3]), float(cells[4])
    refreshes, core_per_poll = int(cells[7]), float(cells[8])
    assert polls == 15  # 30 min / 120 s
    assert 1.0 <= per_poll <= 2.0  # one homescreen, at most one camera config
    assert refreshes == 6  # 30 min / 300 s
    assert core_per_poll == 1 + 2 * 1 + 3 * 2 + 1
    ratio = figures["requests_ratio_1_2"]
    assert ratio == pytest.approx((refreshes * core_per_poll) / (polls * per_poll), rel=0.01)
    assert figures["detect_target_s"] == 600 + 120  # grace + poll, defaults
    # Never before the grace period; polled often enough to notice soon after it.
    assert 600 < figures["detect_offline_s"] <= 600 + 2 * 120
    assert any(line.startswith("Offline detection") for line in lines)


def test_work_times_each_poll_against_the_json_decode():
    lines, figures = run_bench(
        "work", *("--fleet", "1,2,1,0", "--polls", "6", "--warmup", "1", "--profile", "3")
    )
    assert figures["devices"] == 4
    assert figures["decode_median_ms"] > 0
    # A poll parses what the decode produced and more: it cannot be cheaper than the decode.
    assert figures["work_vs_decode"] > figures["work_without_writes_vs_decode"] > 1
    stages = {line.split()[0] for line in lines if line.startswith("    ")}
    assert {"parse", "assess", "entity_writes"} <= stages
    profiled = [line for line in lines if line.startswith("cProfile of the timed polls")]
    assert len(profiled) == 2  # by own time, by cumulative time


def test_store_measures_the_history_written_by_home_assistant():
    lines, figures = run_bench("store", *("--fleet", "1,1,1,0", "--days", "0.5"))
    assert any("(360 polls fed in" in line for line in lines)  # 12 h / 120 s
    battery = figures["battery_camera_bytes"]
    mains = figures["mains_device_bytes"]
    # A battery camera keeps its battery model on top of what every device keeps.
    assert battery > mains > 0
    assert figures["bytes_per_device_year"] == battery
    assert figures["store_file_bytes"] > battery + mains


def test_blocking_calls_are_counted_from_home_assistants_detector():
    _, clean = run_bench("blocking", "--fleet", "1,1,0,0")
    _, planted = run_bench("blocking", "--fleet", "1,1,0,0", "--plant-blocking-call")
    assert clean["devices"] == 2
    assert planted["blocking_calls"] == clean["blocking_calls"] + 1


def test_state_writes_are_counted_by_entity_kind_with_every_entity_enabled():
    """Two hours, S=1 C=1: a sync module, a camera and the account, every entity enabled."""
    lines, figures = run_bench(
        "writes", *("--fleet", "1,1,0,0", "--hours", "2", "--warmup-days", "0.5")
    )
    assert figures["devices"] == 3
    # Disabled by default, yet counted: one per Blink device, one camera with a temperature.
    assert table_row(lines, "last_seen")[1] == "2"
    assert table_row(lines, "temperature")[1] == "1"
    start = lines.index(next(line for line in lines if line.startswith("entity kind")))
    end = lines.index(next(line for line in lines if line.startswith("total ")))
    kinds = [line.split() for line in lines[start + 1 : end]]
    total = table_row(lines, "total")
    assert sum(int(cells[1]) for cells in kinds) == int(total[1])
    assert sum(float(cells[2]) for cells in kinds) == pytest.approx(float(total[2]), abs=0.5)
    assert figures["state_writes_per_day"] == pytest.approx(float(total[2]), abs=0.05)
    assert figures["state_writes_per_device_day"] == pytest.approx(
        figures["state_writes_per_day"] / 3
    )
    assert any(line.startswith("Target: <= 24 state writes") for line in lines)
