"""Run the simulated Blink cloud on its own, for the dev server or a person poking at it.

    python -m blink_sim --host 127.0.0.1 --port 8124 --fleet showcase [--speed 1]

`--speed 60` makes one real second one simulated minute (batteries drain 60 times faster).
Change the simulated truth at runtime through the control API, e.g.
`curl -X POST http://127.0.0.1:8124/_sim/devices/SIM-SYNC-001/offline`.

For the dev server's demo (blink_sim.demo): `--history-days 365` (or `--clock-start ISO`)
starts the clock a year ago (jump it with `POST /_sim/clock {"now": "..."}`), and
`--second-account` adds a second account that asks for a PIN, behind the same address (its
control API under `/_sim/accounts/2/`).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
import contextlib
from datetime import UTC, datetime, timedelta
import logging
from pathlib import Path
import signal
import sys

from blink_sim.demo import (
    AccountRouter,
    Credentials,
    MultiAccountOAuth,
    SteerableClock,
    add_clock_control,
    load_grants,
    save_grants,
    second_account_fleet,
)
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
    parser.add_argument(
        "--history-days",
        type=float,
        default=0.0,
        help="start the clock this many days ago (then move it with POST /_sim/clock)",
    )
    parser.add_argument(
        "--clock-start",
        type=datetime.fromisoformat,
        help="start the clock at this ISO time instead (e.g. 2025-12-01T00:00:00+00:00)",
    )
    parser.add_argument(
        "--tokens-file",
        type=Path,
        help="keep issued tokens across restarts in this file (read at start, written at stop)",
    )
    parser.add_argument(
        "--second-account",
        action="store_true",
        help=f"serve a second account too: {SECOND_ACCOUNT.username} / "
        f"{SECOND_ACCOUNT.password}, PIN {SECOND_ACCOUNT.pin} (always asked for)",
    )
    return parser.parse_args(argv)


# The dev server's second simulated account; it always asks for its PIN.
SECOND_ACCOUNT = Credentials(
    username="lake@example.com",
    password="lake-house",
    pin="246810",
    require_pin=True,
)


def accelerated_clock(speed: float, start: datetime | None = None) -> Callable[[], datetime]:
    """Return a clock that starts at `start` (now) and runs `speed` times faster than real."""
    return SteerableClock(start, speed)


async def run(
    options: argparse.Namespace, stop: asyncio.Event, ready: Callable[[SimCloud], None]
) -> None:
    """Serve until `stop` is set; call `ready` once the server listens."""
    start = options.clock_start or datetime.now(UTC) - timedelta(days=options.history_days)
    clock = SteerableClock(start, options.speed)
    sim = SimCloud(
        FLEETS[options.fleet](clock()),
        clock=clock,
        username=options.username,
        password=options.password,
        pin=options.pin,
    )
    sim.require_pin(options.require_pin)
    add_clock_control(sim, clock)
    access_log = logging.getLogger("blink_sim.access")
    server: SimCloud | AccountRouter = sim
    if options.second_account:
        second = SimCloud(second_account_fleet(clock()), clock=clock)
        oauth = MultiAccountOAuth(
            clock,
            {
                sim.account_id: Credentials(options.username, options.password, options.pin),
                second.account_id: SECOND_ACCOUNT,
            },
        )
        router = AccountRouter({sim.account_id: sim, second.account_id: second}, oauth)
        await router.start(options.host, options.port, access_log=access_log)
        server = router
    else:
        await sim.start(options.host, options.port, access_log=access_log)
    if options.tokens_file is not None:
        load_grants(sim.oauth, options.tokens_file)
    try:
        ready(sim)
        await stop.wait()
    finally:
        await server.stop()
        if options.tokens_file is not None:
            save_grants(sim.oauth, options.tokens_file)


def _announcer(options: argparse.Namespace) -> Callable[[SimCloud], None]:
    """What to print once serving (with a second account, `sim.base_url` is a private port)."""

    def announce(sim: SimCloud) -> None:
        base_url = f"http://{options.host}:{options.port}" if options.second_account else None
        base_url = base_url or sim.base_url
        lines = [
            base_url,
            f"  sign in as {sim.username} / {sim.password} (PIN {sim.pin})",
            f"  truth and counters: {base_url}/_sim/state",
        ]
        if options.second_account:
            second = SECOND_ACCOUNT
            lines.append(
                f"  second account: {second.username} / {second.password} (PIN {second.pin}), "
                f"control API under {base_url}/_sim/accounts/2/"
            )
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()

    return announce


async def _serve_until_interrupted(options: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await run(options, stop, _announcer(options))


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of `python -m blink_sim`."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(_serve_until_interrupted(parse_args(argv)))


if __name__ == "__main__":
    main()
