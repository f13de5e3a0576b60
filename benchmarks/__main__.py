"""`python -m benchmarks [NAME] [options]`: run one benchmark, or all with their defaults."""

from __future__ import annotations

import argparse
import sys

from benchmarks import discover, format_value, summary_line

# Where each benchmark's headline figures go in the last line of a full run (issue order).
HEADLINE_ORDER = ("requests", "work", "writes", "store", "blocking", "battery")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run what it names."""
    benches = discover()
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Measure blink_care against simulated data. Without a name, run them all.",
    )
    commands = parser.add_subparsers(dest="bench", metavar="NAME")
    sub_parsers = {}
    for bench in benches:
        sub_parsers[bench.NAME] = commands.add_parser(bench.NAME, help=bench.HELP)
        bench.add_arguments(sub_parsers[bench.NAME])
    args = parser.parse_args(argv)
    if args.bench is not None:
        bench = next(b for b in benches if args.bench == b.NAME)
        sys.stdout.write(summary_line(bench.NAME, bench.run(args)) + "\n")
        return 0
    headline: dict[str, dict[str, float | int | None]] = {}
    for bench in benches:
        figures = bench.run(sub_parsers[bench.NAME].parse_args([]))
        sys.stdout.write(summary_line(bench.NAME, figures) + "\n")
        wanted = getattr(bench, "HEADLINE", tuple(figures))
        headline[bench.NAME] = {key: figures[key] for key in wanted if key in figures}
    ranked = sorted(headline, key=lambda name: (*HEADLINE_ORDER, name).index(name))
    pairs = [
        f"{key}={format_value(value)}" for name in ranked for key, value in headline[name].items()
    ]
    sys.stdout.write(" ".join(pairs) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
