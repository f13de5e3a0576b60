"""`scripts/bench battery` through its command line, on a small generated trace set."""

import contextlib
import io
from pathlib import Path
import re
import subprocess

import pytest

from benchmarks import __main__ as bench_cli, battery

LAST_LINE = re.compile(
    r"^battery traces=(?P<traces>\d+) warned_14d=(?P<warned>[0-9.]+|nan)"
    r" lead_p05_days=(?P<p05>[0-9.]+|nan) lead_median_days=(?P<median>[0-9.]+|nan)"
    r" false_alerts_per_device_year=(?P<false>[0-9.]+|nan)"
    r" mae50_pct=(?P<mae50>[0-9.]+|nan) mae25_pct=(?P<mae25>[0-9.]+|nan)"
    r" mae10_pct=(?P<mae10>[0-9.]+|nan) band80_cover=(?P<band>[0-9.]+|nan)"
    r" mae50_first_pct=(?P<first>[0-9.]+|nan) mae50_last_pct=(?P<last>[0-9.]+|nan)"
    r" blink_low_lead_median_days=(?P<blink>[0-9.]+|nan)$"
)


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Generate a 14-device set once through the CLI; keep what it printed."""
    path = tmp_path_factory.mktemp("traces") / "small.csv"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = bench_cli.main(
            ["battery", "--generate", str(path), "--seed", "5", "--devices", "14"]
        )
    assert code == 0
    return path, out.getvalue()


def test_generate_writes_the_set_and_ends_with_the_summary_line(small_set):
    path, printed = small_set
    assert path.exists()
    last = printed.strip().splitlines()[-1]
    match = LAST_LINE.match(last)
    assert match, last
    assert int(match["traces"]) == 14
    # The figures are computed, not placeholders: the set has battery deaths.
    assert 0.0 <= float(match["warned"]) <= 1.0
    assert float(match["median"]) > 0.0
    assert float(match["blink"]) >= 0.0
    assert float(match["p05"]) <= float(match["median"])


def test_replaying_the_written_file_gives_the_same_figures_and_a_table(small_set, capsys):
    path, printed = small_set
    assert bench_cli.main(["battery", "--traces", str(path)]) == 0
    replayed = capsys.readouterr().out.strip().splitlines()
    assert replayed[-1] == printed.strip().splitlines()[-1]
    header = replayed[0].split()
    assert header[:4] == ["category", "traces", "deaths", "dev-yr"]
    rows = {line.split()[0] for line in replayed[1:] if line.strip()}
    assert {"all", "cold-weather", "external"} <= rows
    assert any(line.startswith("replacements:") for line in replayed)


def test_no_name_runs_every_benchmark_and_prints_a_combined_line(small_set, capsys, monkeypatch):
    """A full run prints each benchmark's line, then one line of headline figures only."""
    path, printed = small_set
    monkeypatch.setattr(battery, "DEFAULT_TRACES", path)
    # The other benchmarks take minutes at their defaults; the dispatch is what is tested here.
    monkeypatch.setattr(bench_cli, "discover", lambda: [battery])
    assert bench_cli.main([]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    single = dict(pair.split("=") for pair in printed.strip().splitlines()[-1].split()[1:])
    assert lines[-2].startswith("battery traces=")
    assert lines[-1].split() == [f"{key}={single[key]}" for key in battery.HEADLINE]


def test_the_shipped_trace_set_fits_the_size_budget_and_format():
    shipped = battery.DEFAULT_TRACES
    assert shipped.suffix == ".csv"
    assert shipped.stat().st_size < 8 * 1024 * 1024
    with shipped.open(encoding="utf-8") as handle:
        assert handle.readline().strip() == (
            "device,timestamp,battery_voltage,battery_bars,battery_state,temperature_f,died_at"
        )


def _write_trace(path: Path, volts: str) -> None:
    path.write_text(
        "device,timestamp,battery_voltage,battery_bars,battery_state,temperature_f,died_at\n"
        + "".join(f"mild-001,2025-01-{day:02d}T06:00Z,{volts},3,ok,50,\n" for day in range(1, 11)),
        encoding="utf-8",
    )


def test_a_file_in_hundredths_of_a_volt_is_refused_with_a_message(tmp_path: Path):
    """Blink's own unit would replay with every reading dropped and print nan; it is refused."""
    path = tmp_path / "hundredths.csv"
    _write_trace(path, "158")
    with pytest.raises(SystemExit) as refused:
        bench_cli.main(["battery", "--traces", str(path)])
    assert "hundredths" in str(refused.value)
    assert "1.58" in str(refused.value)


def test_readings_no_cell_gives_are_refused_and_volts_are_accepted(tmp_path: Path, capsys):
    path = tmp_path / "odd.csv"
    _write_trace(path, "7.5")
    with pytest.raises(SystemExit) as refused:
        bench_cli.main(["battery", "--traces", str(path)])
    assert "outside" in str(refused.value)
    _write_trace(path, "1.58")
    assert bench_cli.main(["battery", "--traces", str(path)]) == 0
    assert "band80_cover=" in capsys.readouterr().out


def test_a_trace_file_outside_the_repository_is_staged_inside_it(tmp_path: Path):
    """In the Debian root only the repository is visible: the file and its sidecar go in."""
    repo = tmp_path / "repo"
    repo.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.csv").write_text("t\n", encoding="utf-8")
    (outside / "x.batteries.csv").write_text("b\n", encoding="utf-8")
    script = Path(__file__).parents[1] / "scripts" / "_bench_paths.sh"
    shell = (
        f'REPO_DIR="{repo}" BLINK_CARE_MODE=sid CHROOT_REPO=/src; source "{script}";'
        f' bench_map_paths battery --traces "{outside}/x.csv" --seed 2;'
        ' printf "%s\\n" "${BENCH_ARGS[@]}"; ls "$BENCH_TMP"; bench_cleanup'
    )
    out = subprocess.run(  # noqa: S603 - our own script, with paths of this test
        ["/bin/bash", "-c", shell], check=True, capture_output=True, text=True
    ).stdout.split()
    assert out[:2] == ["battery", "--traces"]
    assert out[2].startswith("/src/.bench-files.")
    assert out[2].endswith("/x.csv")
    assert out[3:5] == ["--seed", "2"]
    assert set(out[5:]) == {"x.csv", "x.batteries.csv"}
    assert not list(repo.iterdir())  # cleaned up


def test_an_independent_family_replays_with_first_and_last_cycle_figures(capsys):
    assert bench_cli.main(["battery", "--family", "flat-late", "--devices", "4"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    figures = dict(pair.split("=") for pair in last.split()[1:])
    assert figures["mae50_first_pct"] != "nan"
    assert 0.0 <= float(figures["band80_cover"]) <= 1.0
