"""Tests for the Blink client's parser, on real captures and on generated hostile input.

The JSON in `fixtures/` is public, anonymised Blink data (docs: shared reference §2.8):
`homescreen.json` and `camera_config_xt2.json` are the captures as published;
`camera_config_white_low.json` holds only the values a 2022 report gave for an original
"white" camera with a low battery (133 hundredths of a volt, Wi-Fi -255), in the same shape.
"""

from datetime import UTC, datetime
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
ACCOUNT_ID = "1000001"
# When the poll happened; the parser copies it, it never reads the clock.
TAKEN_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def load_fixture(name: str) -> Any:
    """One capture, parsed afresh so a test may change it."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))
