"""Run a benchmark scenario inside Home Assistant's test harness and collect its measurements.

The scenarios in `_ha_scenarios.py` drive the real integration in a real `HomeAssistant`
built by pytest-homeassistant-custom-component: its clock freezing and time travel, mocked
storage and socket rules only exist inside pytest. So each scenario runs in a pytest
subprocess (which also keeps process-wide switches such as the blocking-call detector out of
the benchmark process). The cases go in as JSON in an environment variable; the scenario
appends one JSON object per case to a results file, which comes back here.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import os
from pathlib import Path
import subprocess
import sys
import tempfile
import time
from typing import Any, Final, NamedTuple

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
SCENARIOS: Final = Path(__file__).with_name("_ha_scenarios.py")
CASES_ENV: Final = "BLINK_CARE_BENCH_CASES"
RESULTS_ENV: Final = "BLINK_CARE_BENCH_RESULTS"
# Lines of pytest output shown when a scenario fails.
_FAILURE_TAIL: Final = 60

type Case = dict[str, Any]
type Measurement = dict[str, Any]


class FleetSpec(NamedTuple):
    """A fleet as the issue writes it: (S sync modules, C battery cameras, M Minis, D doorbells)."""

    sync_modules: int
    battery_cameras: int
    minis: int
    doorbells: int

    @classmethod
    def parse(cls, text: str) -> FleetSpec:
        """Read `S,C,M,D` (the argparse type of every fleet option)."""
        try:
            numbers = [int(part) for part in text.split(",")]
            spec = cls(*numbers)
        except (TypeError, ValueError) as err:
            raise ValueError(f"expected S,C,M,D (four counts), got {text!r}") from err
        if min(spec) < 0 or spec.sync_modules < 1:
            raise ValueError(f"counts must be >= 0 with at least one sync module: {text!r}")
        return spec

    @property
    def label(self) -> str:
        """`S,C,M,D`, as in tables."""
        return ",".join(str(count) for count in self)

    @property
    def devices(self) -> int:
        """How many Blink devices the account has."""
        return sum(self)

    def build(self, *, attach_to_sync: bool) -> dict[str, Any]:
        """Keyword arguments of `Fleet.build`.

        Minis and doorbells go on the first sync module's network when `attach_to_sync`,
        otherwise on networks of their own.
        """
        return {**self._asdict(), "attach_to_sync": attach_to_sync}


class ScenarioError(RuntimeError):
    """A scenario failed: its measurements would not be trustworthy."""


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    """What one scenario run measured, and how long the whole run took (pytest included)."""

    results: list[Measurement]
    wall_s: float


def run_scenario(scenario: str, cases: list[Case]) -> ScenarioRun:
    """Run `scenario` (a `scenario_*` function of `_ha_scenarios.py`) once per case."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="blink_care_bench_") as scratch:
        results_path = Path(scratch) / "results.jsonl"
        environment = {
            **os.environ,
            CASES_ENV: json.dumps(cases),
            RESULTS_ENV: str(results_path),
        }
        command = [
            sys.executable,
            "-m",
            "pytest",
            f"{SCENARIOS}::{scenario}",
            "-q",
            "-p",
            "no:cacheprovider",
            # The scenarios are not tests: only this file's scenario_* functions are collected.
            "-o",
            "python_functions=scenario_*",
            # A simulated day of the biggest fleet takes minutes, more than the test timeout.
            "-o",
            "timeout=0",
        ]
        completed = subprocess.run(  # noqa: S603 - our own interpreter on our own file
            command,
            cwd=REPO_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            tail = "\n".join(completed.stdout.splitlines()[-_FAILURE_TAIL:])
            raise ScenarioError(f"{scenario} failed (pytest exit {completed.returncode}):\n{tail}")
        lines = results_path.read_text(encoding="utf-8").splitlines()
    results = [json.loads(line) for line in lines if line.strip()]
    if len(results) != len(cases):
        raise ScenarioError(f"{scenario}: {len(results)} results for {len(cases)} cases")
    return ScenarioRun(results=results, wall_s=time.perf_counter() - started)


def read_cases() -> list[Case]:
    """The cases the benchmark passed in (inside the scenario process)."""
    cases: list[Case] = json.loads(os.environ.get(CASES_ENV, "[]"))
    return cases


def report(measurement: Measurement) -> None:
    """Hand one case's measurements back to the benchmark (inside the scenario process)."""
    with Path(os.environ[RESULTS_ENV]).open("a", encoding="utf-8") as results:
        results.write(json.dumps(measurement) + "\n")
