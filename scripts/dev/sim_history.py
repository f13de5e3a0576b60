"""The simulated year behind the dev server: written once, replayed into the simulator later.

The simulator keeps its state in memory only. seed_history.py records when its clock started and
every control call the simulated household made (new batteries, Wi-Fi drops); on later starts
the dev server starts the simulator's clock at the same moment and replays those calls at their
times, so the batteries stand where blink_care's stored history left them and drain on from
there, instead of jumping back to the showcase's starting charge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import json
from pathlib import Path
from typing import Any

import aiohttp

HISTORY_FILE_NAME = "blink_sim_history.json"


@dataclass
class SimHistory:
    """When the simulated clock started, and the control calls made since, in order."""

    start: datetime
    calls: list[tuple[datetime, str, str]] = field(default_factory=list)

    def record(self, at: datetime, serial: str, action: str) -> None:
        """Note one `POST /_sim/devices/{serial}/{action}` made at simulated time `at`."""
        self.calls.append((at, serial, action))

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        return {
            "start": self.start.isoformat(),
            "calls": [[at.isoformat(), serial, action] for at, serial, action in self.calls],
        }

    @classmethod
    def from_json(cls, raw: Any) -> SimHistory:
        """Read the file's content back (ValueError if it is not a history)."""
        try:
            return cls(
                start=datetime.fromisoformat(raw["start"]),
                calls=[
                    (datetime.fromisoformat(at), str(serial), str(action))
                    for at, serial, action in raw["calls"]
                ],
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"not a simulated history: {err}") from err

    def save(self, config_dir: Path) -> None:
        """Write it into the config dir."""
        (config_dir / HISTORY_FILE_NAME).write_text(
            json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8"
        )

    @classmethod
    def load(cls, config_dir: Path) -> SimHistory | None:
        """The config dir's history, or None if it has none."""
        path = config_dir / HISTORY_FILE_NAME
        if not path.exists():
            return None
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


class SimControl:
    """The simulator's control API (see blink_sim/server.py and blink_sim/demo.py)."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Talk to the simulator at `base_url`."""
        self._session = session
        self._base = base_url.rstrip("/")

    async def truth(self) -> dict[str, Any]:
        """`GET /_sim/state`: every device as it really is."""
        async with self._session.get(f"{self._base}/_sim/state") as response:
            response.raise_for_status()
            state: dict[str, Any] = await response.json()
        return state

    async def set_clock(self, moment: datetime) -> None:
        """`POST /_sim/clock`: jump the simulated time."""
        async with self._session.post(
            f"{self._base}/_sim/clock", json={"now": moment.isoformat()}
        ) as response:
            response.raise_for_status()

    async def device(self, serial: str, action: str) -> None:
        """`POST /_sim/devices/{serial}/{action}`."""
        async with self._session.post(f"{self._base}/_sim/devices/{serial}/{action}") as response:
            response.raise_for_status()


async def replay(sim: SimControl, history: SimHistory, present: datetime) -> int:
    """Make the simulator (its clock started at `history.start`) live the recorded calls again.

    Returns how many calls were replayed; the clock is left at `present`.
    """
    for at, serial, action in history.calls:
        await sim.set_clock(at)
        await sim.device(serial, action)
    await sim.set_clock(present)
    return len(history.calls)
