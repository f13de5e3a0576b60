"""Run the dev server: the simulated Blink cloud plus Home Assistant with blink_care, provisioned.

Started by scripts/develop inside the dev environment (see scripts/_env.sh). It owns both
server processes: it starts them in their own sessions (so a Ctrl+C reaches only this
supervisor), stops Home Assistant before the cloud it talks to, and restarts Home Assistant when
the UI's "Restart" asks for it (exit code 100) so code changes can be picked up from the browser.

    python scripts/dev/devserver.py            # serve until Ctrl+C / SIGTERM
    python scripts/dev/devserver.py --check    # start, provision, verify, stop; exit 0 or 1
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import ctypes
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import os
from pathlib import Path
import shutil
import signal
import socket
import sys
import time
from typing import IO, Any

import aiohttp

# Run as a script: its own directory is on sys.path, the repository root is not (on purpose,
# see site/sitecustomize.py), so the sibling modules are imported by their plain names.
from fleet_check import DemoReport, FleetReport, check_demo, check_fleet
from provision import (
    DEMO,
    BlinkAccount,
    CoreConfig,
    HomeAssistantApi,
    Owner,
    ProvisionError,
    provision,
)
from sim_history import SimControl, SimHistory, replay

DEV_DIR = Path(__file__).resolve().parent
REPO_ROOT = DEV_DIR.parents[1]
HOST = "127.0.0.1"
HA_PORT = 8123
SIM_PORT = 8124
RESTART_EXIT_CODE = 100  # homeassistant.const.RESTART_EXIT_CODE
READY_FILE_NAME = ".devserver-ready"
DASHBOARD_FILE_NAME = "blink_care_dashboard.yaml"  # named in configuration.yaml
DASHBOARD_CARD = REPO_ROOT / "docs" / "dashboard.yaml"
STARTUP_TIMEOUT_S = 300.0
FLEET_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0
# The simulator keeps the tokens it issued here across restarts (as Blink would).
SIM_TOKENS_FILE_NAME = "blink_sim_tokens.json"
# A fresh config dir starts with this much simulated history (seed_history.py).
HISTORY_DAYS = 365.0
# Dev-only integrations (scripts/dev/dev_integrations/) linked into config/custom_components;
# not in a folder named custom_components, which would shadow Home Assistant's when a script
# here imports it.
DEV_INTEGRATIONS = ("sim_plug",)
# The simulator's second account (blink_sim/__main__.py SECOND_ACCOUNT), shown in the banner.
SECOND_ACCOUNT = BlinkAccount(username="lake@example.com", password="lake-house", pin="246810")  # noqa: S106
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Settings:
    """Where things live and listen; derived from the command line."""

    config_dir: Path
    check: bool
    time_zone: str
    sim_speed: float
    history_days: float = HISTORY_DAYS

    @property
    def ha_url(self) -> str:
        """The URL the UI is served on."""
        return f"http://{HOST}:{HA_PORT}"

    @property
    def sim_url(self) -> str:
        """The simulated Blink cloud's base URL."""
        return f"http://{HOST}:{SIM_PORT}"

    @property
    def log_file(self) -> Path:
        """Home Assistant's log."""
        return self.config_dir / "home-assistant.log"

    @property
    def fresh(self) -> bool:
        """Whether Home Assistant has never run here (onboarding not even stored)."""
        return not (self.config_dir / ".storage" / "onboarding").exists()

    @property
    def ready_file(self) -> Path:
        """Exists while the server is provisioned and serving (scripts/screenshots waits on it)."""
        return self.config_dir / READY_FILE_NAME


def shown(path: Path) -> str:
    """A path as the developer knows it: relative to the repository when inside it.

    (Inside the Debian root the repository is at /src, which means nothing on the host.)
    """
    return str(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path)


def prepare_config_dir(config_dir: Path) -> list[str]:
    """Create the Home Assistant config dir on first run; refresh what derives from the repo.

    configuration.yaml is copied once and then left to the developer; the integration (and the
    dev-only simulated plug) are symlinks, so edits in the repository are what Home Assistant
    loads; the dashboard file is rewritten every time.
    """
    actions: list[str] = []
    config_dir.mkdir(parents=True, exist_ok=True)
    configuration = config_dir / "configuration.yaml"
    if not configuration.exists():
        shutil.copyfile(DEV_DIR / "configuration.yaml", configuration)
        actions.append(f"created {shown(configuration)}")
    sources = {"blink_care": REPO_ROOT / "custom_components" / "blink_care"}
    sources |= {name: DEV_DIR / "dev_integrations" / name for name in DEV_INTEGRATIONS}
    for name, source in sources.items():
        link = config_dir / "custom_components" / name
        target = Path(os.path.relpath(source, link.parent))
        if not link.is_symlink() or link.readlink() != target:
            link.parent.mkdir(exist_ok=True)
            link.unlink(missing_ok=True)
            link.symlink_to(target, target_is_directory=True)
            actions.append(f"linked {shown(link)} -> {target}")
    scripts = config_dir / "scripts.yaml"  # configuration.yaml includes it
    if not scripts.exists():
        scripts.write_text("", encoding="utf-8")
    (config_dir / DASHBOARD_FILE_NAME).write_text(dashboard_yaml(DASHBOARD_CARD), encoding="utf-8")
    return actions


def dashboard_yaml(card_file: Path) -> str:
    """The dev server's YAML dashboard: one view holding the README's card, included live.

    Home Assistant only accepts dashboard files inside the config dir, so this small file is
    written there on every start and pulls the card in from the repository.
    """
    return (
        "# Written by scripts/dev/devserver.py on every start; edit docs/dashboard.yaml instead.\n"
        "views:\n"
        "  - title: Blink Care\n"
        "    path: '0'\n"
        "    cards:\n"
        f"      - !include {card_file}\n"
    )


def port_is_taken(port: int) -> bool:
    """Whether something already listens on HOST:port (a dev server left running?)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex((HOST, port)) == 0


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the supervisor dies without cleaning up."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Server:
    """One child process, started in its own session and stopped with SIGTERM."""

    def __init__(  # noqa: D107 - the arguments are the attributes
        self,
        name: str,
        argv: Sequence[str],
        env: dict[str, str],
        log: IO[Any],
        *,
        restartable: bool = False,
    ) -> None:
        self.name = name
        self._argv = list(argv)
        self._env = env
        self._log = log
        self._restartable = restartable
        self._stopping = False
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the process, sending its output to the log stream."""
        self.process = await asyncio.create_subprocess_exec(
            *self._argv,
            cwd=REPO_ROOT,
            env=self._env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )

    async def exited(self) -> int:
        """Wait until the process ends for good (restarting it when it asks); its exit code."""
        while True:
            process = self.process
            if process is None:
                raise RuntimeError(f"{self.name} was never started")
            code = await process.wait()
            if self._stopping or not self._restartable or code != RESTART_EXIT_CODE:
                return code
            _say(f"{self.name} asked for a restart; starting it again")
            await self.start()

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_S."""
        self._stopping = True
        process = self.process
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            _say(f"{self.name} did not stop within {STOP_TIMEOUT_S:.0f} s; killing it")
            process.kill()
            await process.wait()


def _say(message: str) -> None:
    sys.stdout.write(f"[develop] {message}\n")
    sys.stdout.flush()


def build_servers(
    settings: Settings, console: IO[Any], sim_log: IO[Any], clock_start: datetime | None
) -> tuple[Server, Server]:
    """The simulated cloud (its clock from `clock_start`, else now) and Home Assistant."""
    python = sys.executable
    sim = Server(
        "simulated Blink cloud",
        [
            *(python, "-m", "blink_sim", "--fleet", "showcase", "--speed", str(settings.sim_speed)),
            *("--host", HOST, "--port", str(SIM_PORT), "--second-account"),
            *("--tokens-file", str(settings.config_dir / SIM_TOKENS_FILE_NAME)),
            *(("--clock-start", clock_start.isoformat()) if clock_start else ()),
        ],
        dict(os.environ),
        sim_log,
    )
    ha_env = dict(os.environ)
    # site/sitecustomize.py redirects blinkpy to the simulator when BLINK_SIM_URL is set.
    site_dir = str(DEV_DIR / "site")
    ha_env["PYTHONPATH"] = os.pathsep.join(filter(None, [site_dir, ha_env.get("PYTHONPATH")]))
    ha_env["BLINK_SIM_URL"] = settings.sim_url
    # `hass`, not `python -m homeassistant`: -m would put the repository root on sys.path.
    hass = str(Path(python).with_name("hass"))
    # --skip-pip: everything is installed from requirements/dev.txt; nothing is fetched at start.
    home_assistant = Server(
        "Home Assistant",
        [hass, "--config", str(settings.config_dir), "--skip-pip"],
        ha_env,
        console,
        restartable=True,
    )
    return sim, home_assistant


async def wait_for_port(port: int, server: Server, wait_s: float) -> None:
    """Wait until the server listens, failing early if its process has already exited."""
    deadline = time.monotonic() + wait_s
    while not port_is_taken(port):
        process = server.process
        if process is not None and process.returncode is not None:
            raise RuntimeError(f"{server.name} exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{server.name} did not listen on port {port}")
        await asyncio.sleep(0.2)


async def fleet_report(api: HomeAssistantApi, sim_url: str, wait_s: float) -> FleetReport:
    """Compare Home Assistant with the simulator until they agree or `wait_s` passes."""
    deadline = time.monotonic() + wait_s
    while True:
        async with api.session.get(f"{sim_url}/_sim/state") as response:
            truth = await response.json()
        (registry,) = await api.websocket([{"type": "config/entity_registry/list"}])
        report = check_fleet(truth, registry, await api.states())
        if report.ok or time.monotonic() > deadline:
            return report
        await asyncio.sleep(2)


def log_errors(log_file: Path) -> list[str]:
    """ERROR lines in Home Assistant's log: the console must start clean."""
    if not log_file.exists():
        return []
    lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line for line in lines if " ERROR " in line]


def banner(settings: Settings, owner: Owner, account: BlinkAccount) -> str:
    """What a developer needs to open the UI and to play with the simulated cloud."""
    sim = settings.sim_url
    second = SECOND_ACCOUNT
    rows = [
        ("Home Assistant with blink_care", settings.ha_url),
        ("log in as", f"{owner.username} / {owner.password}"),
        ("Blink Care dashboard", f"{settings.ha_url}/blink-care/0"),
        ("Blink account (added)", f"{account.username} / {account.password} (PIN {account.pin})"),
        (
            "2nd Blink account (asks PIN)",
            f"{second.username} / {second.password}, PIN {second.pin}",
        ),
        ("simulated Blink cloud", f"{sim}/_sim/state"),
        ("  e.g.", f"curl -X POST {sim}/_sim/devices/SIM-CAM-001/offline"),
        ("Home Assistant log", shown(settings.log_file)),
    ]
    lines = [f"  {label + ':':<32}{value}" for label, value in rows]
    return "\n".join(["", *lines, "  Ctrl+C stops both servers.", ""])


async def run(settings: Settings, stop: asyncio.Event) -> int:
    """Start, provision, then check and leave (`--check`) or serve until `stop` is set."""
    for port in (HA_PORT, SIM_PORT):
        if port_is_taken(port):
            _say(f"port {port} is already in use (another dev server?); stop it first")
            return 1
    for action in prepare_config_dir(settings.config_dir):
        _say(action)
    settings.ready_file.unlink(missing_ok=True)
    with (
        (settings.config_dir / "blink_sim.log").open("w", encoding="utf-8") as sim_log,
        (settings.config_dir / "devserver-console.log").open("w", encoding="utf-8") as console_log,
    ):
        # While serving, Home Assistant's own console output is the developer's live log.
        console = console_log if settings.check else sys.stdout
        history = SimHistory.load(settings.config_dir)
        seeding = settings.fresh and settings.history_days > 0
        clock_start = (
            history.start
            if history is not None
            else datetime.now(UTC) - timedelta(days=settings.history_days)
            if seeding
            else None
        )
        sim, home_assistant = build_servers(settings, console, sim_log, clock_start)
        try:
            await sim.start()
            await wait_for_port(SIM_PORT, sim, 30)
            if seeding:
                if not await _seed_history(settings, console, stop):
                    return 1
            elif history is not None:
                await _replay_history(settings, history)
            await home_assistant.start()
            _say(
                f"starting Home Assistant on {settings.ha_url} (simulated cloud {settings.sim_url})"
            )
            return await _run_until_done(settings, home_assistant, stop)
        finally:
            settings.ready_file.unlink(missing_ok=True)
            await home_assistant.stop()
            await sim.stop()
            _say("both servers stopped")


async def _seed_history(settings: Settings, console: IO[Any], stop: asyncio.Event) -> bool:
    """Run seed_history.py (a year of blink_care polls) on the fresh config dir; whether it did."""
    _say(f"a fresh config dir: simulating {settings.history_days:.0f} days of history first")
    seeder = Server(
        "history seeding",
        [
            *(sys.executable, str(DEV_DIR / "seed_history.py")),
            *("--config", str(settings.config_dir), "--sim-url", settings.sim_url),
            *("--time-zone", settings.time_zone),
        ],
        dict(os.environ),
        console,
    )
    await seeder.start()
    done = asyncio.ensure_future(seeder.exited())
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({done, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if not done.done():
        await seeder.stop()
        done.cancel()
        return False
    if code := done.result():
        _say(f"history seeding failed (exit code {code}); see config/seed-history.log")
        return False
    return True


async def _replay_history(settings: Settings, history: SimHistory) -> None:
    """Put the restarted simulator back where the stored history left it."""
    async with aiohttp.ClientSession() as session:
        calls = await replay(SimControl(session, settings.sim_url), history, datetime.now(UTC))
    _say(f"simulator replayed {calls} recorded events since {history.start:%Y-%m-%d}")


async def _run_until_done(settings: Settings, home_assistant: Server, stop: asyncio.Event) -> int:
    """Provision while watching for Ctrl+C and for Home Assistant dying; then serve."""
    ha_exited = asyncio.ensure_future(home_assistant.exited())
    stopping = asyncio.ensure_future(stop.wait())
    starting = asyncio.ensure_future(_provision_and_check(settings))
    try:
        await asyncio.wait({starting, ha_exited, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            starting.cancel()
            if ha_exited.done():
                _say(f"Home Assistant exited with code {ha_exited.result()} while starting")
                _say(f"see {shown(settings.log_file)}")
                return 1
            _say("interrupted while starting")
            return 130
        try:
            healthy = starting.result()
        except (ProvisionError, RuntimeError, aiohttp.ClientError) as err:
            _say(f"could not start: {err}")
            _say(f"see {shown(settings.log_file)}")
            return 1
        if settings.check:
            return 0 if healthy else 1
        # A failed comparison is printed above; keep serving so it can be looked into.
        settings.ready_file.write_text(settings.ha_url, encoding="utf-8")
        print(banner(settings, Owner(), BlinkAccount()), flush=True)
        await asyncio.wait({ha_exited, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            return 0
        _say(f"Home Assistant exited with code {ha_exited.result()}")
        return 1
    finally:
        for task in (starting, ha_exited, stopping):
            task.cancel()


async def _provision_and_check(settings: Settings) -> bool:
    """Provision, then compare with the simulator; with --check, try the demo too.

    Whether all is well: the fleet as the simulator has it, no ERROR in the log, and (checking)
    the history and the plug in place and a power cycle of the Mini through its plug.
    """
    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        api = HomeAssistantApi(session, settings.ha_url)
        core = CoreConfig(time_zone=settings.time_zone)
        actions = await provision(api, Owner(), core, BlinkAccount(), wait_s=STARTUP_TIMEOUT_S)
        for action in actions:
            _say(f"provisioned: {action}")
        report = await fleet_report(api, settings.sim_url, FLEET_TIMEOUT_S)
        _say(f"provisioned and checked in {time.monotonic() - started:.0f} s")
        print(report.summary(), flush=True)
        demo_ok = True
        if settings.check and settings.history_days > 0:
            demo_ok = await _check_demo(api, settings)
    errors = log_errors(settings.log_file)
    print(f"{len(errors)} ERROR line(s) in {shown(settings.log_file)}", flush=True)
    for line in errors:
        _say(f"log: {line}")
    return report.ok and demo_ok and not errors


async def _check_demo(api: HomeAssistantApi, settings: Settings) -> bool:
    """The seeded past shows, the plug is mapped, and a power cycle through it works."""
    async with api.session.get(f"{settings.sim_url}/_sim/state") as response:
        truth = await response.json()
    (registry,) = await api.websocket([{"type": "config/entity_registry/list"}])
    demo: DemoReport = check_demo(truth, registry, await api.states(), DEMO.plug_entity_id)
    print(demo.summary(), flush=True)
    mapped = await api.mapped_plug(DEMO.mini_label)
    if mapped != DEMO.plug_entity_id:
        _say(f"the {DEMO.mini_label} Mini's plug in blink_care's options is {mapped}")
        return False
    started = time.monotonic()
    result = await api.power_cycle(DEMO.mini_serial, off_seconds=5)
    _say(
        f"power cycle of the {DEMO.mini_label} Mini through {mapped}: {result.get('result')} "
        f"in {time.monotonic() - started:.0f} s"
    )
    return demo.ok and result.get("result") == "back_online"


def parse_args(argv: Sequence[str] | None = None) -> Settings:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="start, provision, verify the entities, stop"
    )
    parser.add_argument("--config", type=Path, default=REPO_ROOT / "config")
    parser.add_argument("--time-zone", default=os.environ.get("BLINK_CARE_DEV_TIME_ZONE") or "UTC")
    parser.add_argument(
        "--speed", type=float, default=1.0, help="simulated seconds per real second"
    )
    parser.add_argument(
        "--no-history",
        action="store_true",
        help="on a fresh config dir, start without the simulated year of history",
    )
    options = parser.parse_args(argv)
    return Settings(
        options.config.resolve(),
        options.check,
        options.time_zone,
        options.speed,
        0.0 if options.no_history else HISTORY_DAYS,
    )


async def _main(settings: Settings) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    return await run(settings, stop)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    return asyncio.run(_main(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
