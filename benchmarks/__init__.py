"""Benchmarks run with `scripts/bench [NAME] [options]`.

Each benchmark is a module of this package that defines `NAME`, `HELP`, `add_arguments(parser)`
and `run(args) -> Summary`; it is found by itself (no list to edit). `run` prints whatever
table it likes and returns its headline figures, which the dispatcher prints as the last line,
`NAME key=value ...`, so other tools can read them. `scripts/bench` alone runs every
benchmark with its defaults and ends with one line holding all their figures.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping

# Headline figures in print order; None when there was nothing to measure.
type Summary = dict[str, float | int | None]


@runtime_checkable
class Benchmark(Protocol):
    """What a benchmark module provides."""

    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Declare the benchmark's own options."""

    def run(self, args: argparse.Namespace) -> Summary:
        """Run, print the detail, return the headline figures."""


def discover() -> list[Benchmark]:
    """Every benchmark module in this package, by name."""
    found: list[Benchmark] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if isinstance(module, Benchmark):
            found.append(cast("Benchmark", module))
    return sorted(found, key=lambda bench: bench.NAME)


def format_value(value: float | None) -> str:
    """Integers as they are, other numbers with two decimals, nothing measured as `nan`."""
    if value is None:
        return "nan"
    if isinstance(value, int):
        return str(value)
    return f"{value:.2f}"


def summary_line(prefix: str, figures: Mapping[str, float | None]) -> str:
    """`prefix key=value key=value ...`."""
    return " ".join([prefix, *(f"{key}={format_value(value)}" for key, value in figures.items())])
