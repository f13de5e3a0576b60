"""Run the simulated Blink cloud on its own, for the dev server or a person poking at it.

    python -m blink_sim --host 127.0.0.1 --port 8124 --fleet showcase [--speed 1]

`--speed 60` makes one real second one simulated minute (batteries drain 60 times faster).
Change the simulated truth at runtime through the control API, e.g.
`curl -X POST http://127.0.0.1:8124/_sim/devices/SIM-SYNC-001/offline`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
import contextlib
from datetime import UTC, datetime
import logging
import signal
import sys

from blink_sim.fleet import Fleet
from blink_sim.server import SimCloud

FLEETS: dict[str, Callable[[datetime], Fleet]] = {
    "showcase": Fleet.showcase,
    "small": lambda now: Fleet.build(now=now, sync_modules=1, battery_cameras=3, minis=1),
    "large": lambda now: Fleet.build(
        now=now, sync_modules=3, battery_cameras=24, minis=4, doorbells=2, floodlights=1
    ),
}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m blink_sim", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8124)
    parser.add_argument("--fleet", choices=sorted(FLEETS), default="showcase")
    parser.add_argument("--speed", type=float, default=1.0, help="simulated seconds per second")
    parser.add_argument("--username", default="user@example.com")
    parser.add_argument("--password", default="correct-horse")
    parser.add_argument("--pin", default="123456")
    parser.add_argument("--require-pin", action="store_true", help="ask for the PIN at sign-in")
    return parser.parse_args(argv)


def accelerated_clock(speed: float, start: datetime | None = None) -> Callable[[], datetime]:
    """Return a clock that starts at `start` (now) and runs `speed` times faster than real."""
    origin = start or datetime.now(UTC)

    def clock() -> datetime:
        return origin + (datetime.now(UTC) - origin) * speed

    return clock


async def run(
    options: argparse.Namespace, stop: asyncio.Event, ready: Callable[[SimCloud], None]
) -> None:
    """Serve until `stop` is set; call `ready` once the server listens."""
    clock = accelerated_clock(options.speed)
    sim = SimCloud(
        FLEETS[options.fleet](clock()),
        clock=clock,
        username=options.username,
        password=options.password,
        pin=options.pin,
    )
    sim.require_pin(options.require_pin)
    await sim.start(options.host, options.port, access_log=logging.getLogger("blink_sim.access"))
    try:
        ready(sim)
        await stop.wait()
    finally:
        await sim.stop()


def _announce(sim: SimCloud) -> None:
    sys.stdout.write(
        f"{sim.base_url}\n"
        f"  sign in as {sim.username} / {sim.password} (PIN {sim.pin})\n"
        f"  truth and counters: {sim.base_url}/_sim/state\n"
    )
    sys.stdout.flush()


async def _serve_until_interrupted(options: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await run(options, stop, _announce)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of `python -m blink_sim`."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(_serve_until_interrupted(parse_args(argv)))


if __name__ == "__main__":
    main()
