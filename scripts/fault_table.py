"""Print the README's fault matrix, generated from the rows the tests run (tests/test_faults.py).

    scripts/fault_table.py                  # print the Markdown table
    scripts/fault_table.py --write README.md  # replace the table between the README's markers

The README keeps the table between `<!-- fault-matrix -->` and `<!-- /fault-matrix -->`;
tests/test_faults.py::test_readme_carries_the_fault_matrix fails when the two differ.
Run it where the tests run (it imports Home Assistant's test helpers), e.g.
`source scripts/_env.sh && in_env python scripts/fault_table.py`.
"""

import argparse
from pathlib import Path
import sys

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.test_faults import (  # noqa: E402 - needs the repository on the path first
    README_END_MARKER,
    README_MARKER,
    markdown_table,
)


def with_table(readme: str, table: str) -> str:
    """The README text with the block between the markers replaced by `table`."""
    start = readme.index(README_MARKER) + len(README_MARKER)
    end = readme.index(README_END_MARKER, start)
    return f"{readme[:start]}\n{table}\n{readme[end:]}"


def main() -> int:
    """Print the table, or write it into a README between its markers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, metavar="README", help="update this file in place")
    args = parser.parse_args()
    table = markdown_table()
    if args.write is None:
        print(table)
        return 0
    readme = args.write.read_text()
    if README_MARKER not in readme or README_END_MARKER not in readme:
        print(f"{args.write} needs {README_MARKER} and {README_END_MARKER}", file=sys.stderr)
        return 1
    args.write.write_text(with_table(readme, table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
