"""Give a fresh dev server a year of blink_care history, made by blink_care itself.

scripts/develop runs this once, on a fresh config dir, after starting the simulator with its
clock a year in the past and before starting Home Assistant. It boots Home Assistant in this
process on that config dir, with Home Assistant's clock following the simulator's:

1. the owner account is created and onboarding marked done, as onboarding's own first step
   does it (so onboarding never starts the integrations that need the internet: met,
   radio_browser, google_translate), and the location and time zone are set;
2. the Blink account is added through blink_care's config flow;
3. as a user would on day one: the Nursery Mini's smart plug (the dev-only sim_plug switch)
   is mapped in blink_care's options and a script that power-cycles it added;
4. a year passes: once a simulated day the clock jumps and blink_care polls the simulated
   cloud a few times, two minutes apart, as its timer would; a simulated household
   (`Household`) lives with the cameras through the simulator's control API: it replaces
   batteries when Blink says they are low (once, too late: the camera died first), its Wi-Fi
   drops out now and then, and the Garage camera is left off the network three hours before
   the end;
5. Home Assistant stops, and every Store (blink_care's history with its learned batteries,
   the registries, the config entry) is written as at any shutdown.

Nothing here reads or writes blink_care's files: what the dev server then shows is what
blink_care learned from a year of its own polls. The household's calls are saved
(sim_history.py) so that later starts can put the simulator back where the year left it.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import importlib.util
import logging
from pathlib import Path
import random
import sys
import time
from typing import Any
from unittest.mock import patch

import aiohttp

# Run as a script from scripts/dev: its siblings import by plain name.
from provision import DEMO, DOMAIN, BlinkAccount, CoreConfig, Demo, Owner
from sim_history import SimControl, SimHistory

from homeassistant import loader
from homeassistant.auth import auth_manager_from_config
from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.auth.providers.homeassistant import HassAuthProvider
from homeassistant.bootstrap import async_load_base_functionality
from homeassistant.components.onboarding import STORAGE_KEY, STORAGE_VERSION
from homeassistant.components.onboarding.const import STEPS
from homeassistant.config_entries import SOURCE_USER, ConfigEntries, ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util, yaml as yaml_util

LOGGER = logging.getLogger("blink_care.dev.seed")
# Polls come in bursts, once a simulated day: as many polls, POLL_INTERVAL apart (blink_care's
# default), as it takes to fetch every camera's config (voltage) once, since a poll fetches at
# most one camera's. The burst's hour moves by BURST_HOUR_STEP a day, so readings cover every
# time of day (and the night's cold sag) over a week. A day of polls every two minutes would
# take minutes to replay; the bursts take seconds and give the engine the readings it keeps.
POLL_INTERVAL = timedelta(minutes=2)
BURST_HOUR_STEP = 7
# The household's habits (days): how long after Blink says "low" it replaces the batteries.
REPLACE_AFTER_DAYS = (0.5, 4.0)
# Alerts from the last weeks are not acted on yet, so the present has something to show.
UNHEEDED_LAST_DAYS = 21.0
# A Wi-Fi drop (until the next day's polls) about once a month somewhere in the fleet.
OUTAGE_EVERY_DAYS = 30.0
# The showcase's Garage camera dropped off Wi-Fi this long before the present.
GARAGE_OFFLINE_FOR = timedelta(hours=3)
SEED = 2026


@dataclass
class Household:
    """What the people living with the simulated cameras do over the year (deterministic)."""

    start: datetime
    end: datetime
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    # serial -> when the batteries get replaced (planned once Blink first says low).
    replace_at: dict[str, datetime] = field(default_factory=dict)
    # serial -> when an outage in progress ends.
    back_at: dict[str, datetime] = field(default_factory=dict)
    waiting_for_death: set[str] = field(default_factory=set)
    late_replacement_done: bool = False
    garage_dropped: bool = False
    log: list[str] = field(default_factory=list)

    def act(self, now: datetime, truth: dict[str, Any]) -> list[tuple[str, str]]:
        """The control API calls (method-less paths, POSTed) to make at `now`."""
        calls: list[tuple[str, str]] = []
        devices = {device["serial"]: device for device in truth["devices"]}
        for serial, device in devices.items():
            calls += self._batteries(now, serial, device)
            if serial in self.back_at and now >= self.back_at[serial]:
                del self.back_at[serial]
                calls.append((serial, "online"))
        calls += self._wifi(now, devices)
        return calls

    def _batteries(
        self, now: datetime, serial: str, device: dict[str, Any]
    ) -> list[tuple[str, str]]:
        battery = device["battery"]
        if battery is None:
            return []
        dead = battery["depth_of_discharge"] >= 1.0
        if serial in self.waiting_for_death:
            if dead:  # back from holiday three days after it died
                self.waiting_for_death.discard(serial)
                self.replace_at[serial] = now + timedelta(days=3)
        elif serial not in self.replace_at:
            self._plan_replacement(now, serial, low=battery["state"] != "ok" or dead)
        elif now >= self.replace_at[serial]:
            del self.replace_at[serial]
            self.log.append(f"{now:%Y-%m-%d}: new batteries in {device['name']}")
            return [(serial, "replace_batteries")]
        return []

    def _plan_replacement(self, now: datetime, serial: str, *, low: bool) -> None:
        """Blink says low: replace in a few days (once in the year: only after it died)."""
        if not low or now > self.end - timedelta(days=UNHEEDED_LAST_DAYS):
            return
        if not self.late_replacement_done and now > self.start + timedelta(days=120):
            self.late_replacement_done = True
            self.waiting_for_death.add(serial)
            return
        self.replace_at[serial] = now + timedelta(days=self.rng.uniform(*REPLACE_AFTER_DAYS))

    def _wifi(self, now: datetime, devices: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
        calls: list[tuple[str, str]] = []
        garage = next((s for s, d in devices.items() if d["name"] == "Garage"), None)
        if garage is not None and now < self.end - GARAGE_OFFLINE_FOR:
            if not devices[garage]["online"] and garage not in self.back_at:
                calls.append((garage, "online"))  # it starts the year offline (showcase)
        elif garage is not None and not self.garage_dropped:
            self.garage_dropped = True
            self.back_at.pop(garage, None)
            calls.append((garage, "offline"))
        chance = 1.0 / OUTAGE_EVERY_DAYS  # act() runs once a simulated day
        if now < self.end - timedelta(days=2) and self.rng.random() < chance:
            candidates = sorted(
                serial
                for serial, device in devices.items()
                if device["online"] and serial not in self.back_at and serial != garage
            )
            if candidates:
                serial = self.rng.choice(candidates)
                self.back_at[serial] = now + timedelta(hours=self.rng.uniform(20.0, 30.0))
                self.log.append(f"{now:%Y-%m-%d}: {devices[serial]['name']} off Wi-Fi for a day")
                calls.append((serial, "offline"))
        return calls


class SeedClock:
    """Home Assistant's clock in this process: wherever the seeder has moved it."""

    def __init__(self, now: datetime) -> None:  # noqa: D107
        self.now = now

    def __call__(self) -> datetime:
        """What dt_util.utcnow() answers."""
        return self.now


async def create_owner(hass: HomeAssistant, owner: Owner) -> None:
    """Onboarding's user step: the owner with a password login, and onboarding marked done."""
    hass.auth = await auth_manager_from_config(hass, [{"type": "homeassistant"}], [])
    provider = hass.auth.auth_providers[0]
    if not isinstance(provider, HassAuthProvider):
        raise TypeError(f"unexpected auth provider {provider!r}")
    await provider.async_initialize()
    await provider.async_add_auth(owner.username, owner.password)
    user = await hass.auth.async_create_user(owner.name, group_ids=[GROUP_ID_ADMIN])
    credentials = await provider.async_get_or_create_credentials({"username": owner.username})
    await hass.auth.async_link_user(user, credentials)
    onboarding: Store[dict[str, list[str]]] = Store(
        hass, STORAGE_VERSION, STORAGE_KEY, private=True
    )
    await onboarding.async_save({"done": list(STEPS)})


async def boot(config_dir: Path, core: CoreConfig) -> HomeAssistant:
    """Home Assistant with its registries and config entries loaded, nothing else set up."""
    hass = HomeAssistant(str(config_dir))
    loader.async_setup(hass)
    hass.config.skip_pip = True
    await hass.config.async_load()
    hass.config_entries = ConfigEntries(hass, {})
    await loader.async_get_custom_components(hass)
    if not await async_load_base_functionality(hass):
        raise RuntimeError("Home Assistant's registries did not load")
    await hass.config.async_update(**core.as_update())
    # What blink_care's HTTP session needs from Home Assistant (its source address).
    if not await async_setup_component(hass, "network", {}):
        raise RuntimeError("Home Assistant's network integration did not set up")
    await hass.async_start()
    return hass


async def add_blink_account(hass: HomeAssistant, account: BlinkAccount) -> ConfigEntry:
    """blink_care's config flow, as the Add integration dialog runs it."""
    result: Any = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    answers = {
        "user": {"username": account.username, "password": account.password},
        "2fa": {"pin": account.pin},
    }
    while result["type"] == "form" and not result.get("errors"):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], answers[result["step_id"]]
        )
    if result["type"] != "create_entry":
        raise RuntimeError(f"blink_care config flow stopped: {result}")
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    return entry


async def set_up_demo(hass: HomeAssistant, entry: ConfigEntry, demo: Demo) -> None:
    """Map the Mini's smart plug for power_cycle and add a script that power-cycles it.

    (A Mini reports no Wi-Fi strength to Blink's cloud; its page shows whether it is online.)
    """
    result: Any = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "power_plugs"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {demo.mini_label: demo.plug_entity_id}
    )
    if result["type"] != "create_entry":
        raise RuntimeError(f"blink_care's plug mapping stopped: {result}")
    await hass.async_block_till_done()
    device = next(
        device
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        if (DOMAIN, demo.mini_serial) in device.identifiers
    )
    script = {
        demo.script_id: {
            "alias": f"Power-cycle the {demo.mini_label} Mini",
            "icon": "mdi:power-cycle",
            "description": "Cuts the Mini's power at its plug, restores it, and waits until "
            "Blink sees the Mini again (blink_care.power_cycle).",
            "sequence": [{"action": f"{DOMAIN}.power_cycle", "data": {"device_id": device.id}}],
        }
    }
    scripts_file = Path(hass.config.path("scripts.yaml"))
    await hass.async_add_executor_job(scripts_file.write_text, yaml_util.dump(script), "utf-8")


def coordinators_of(entry: ConfigEntry) -> list[DataUpdateCoordinator[Any]]:
    """The entry's coordinators, wherever its runtime data keeps them."""
    data = entry.runtime_data
    if isinstance(data, DataUpdateCoordinator):
        return [data]
    values = [getattr(data, name) for name in getattr(data, "__slots__", ())]
    values += list(getattr(data, "__dict__", {}).values())
    found = [value for value in values if isinstance(value, DataUpdateCoordinator)]
    if not found:
        raise RuntimeError("blink_care's entry holds no coordinator to poll")
    return found


async def live_a_year(
    *,
    hass: HomeAssistant,
    entry: ConfigEntry,
    sim: SimControl,
    clock: SeedClock,
    end: datetime,
    history: SimHistory,
    progress: Callable[[str], None],
) -> Household:
    """A burst of polls a day from the clock's start to `end`; the household acts before each.

    Every control call is also noted in `history`, for later starts to replay.
    """
    start = clock.now
    household = Household(start=start, end=end)
    started = time.monotonic()

    async def burst(at: datetime) -> None:
        await move_clocks(at)
        truth = await sim.truth()
        polls = 1 + sum(
            1 for device in truth["devices"] if device["battery"] and device["list"] == "cameras"
        )
        await act(at, truth)
        for index in range(polls):
            await move_clocks(at + index * POLL_INTERVAL)
            for coordinator in coordinators_of(entry):
                await coordinator.async_refresh()
            await hass.async_block_till_done()

    async def act(at: datetime, truth: dict[str, Any]) -> None:
        for serial, action in household.act(at, truth):
            await sim.device(serial, action)
            history.record(at, serial, action)

    async def move_clocks(moment: datetime) -> None:
        clock.now = moment
        await sim.set_clock(moment)

    last_daily = end - GARAGE_OFFLINE_FOR - timedelta(hours=1)
    day = 1
    while (at := start + timedelta(days=day, hours=day * BURST_HOUR_STEP % 24)) < last_daily:
        await burst(at)
        if day % 100 == 0:
            progress(f"{at:%Y-%m-%d}, {time.monotonic() - started:.0f} s")
        day += 1
    # The Garage camera drops off Wi-Fi; the last burst ends at the present, so Home
    # Assistant starts where the history stops.
    await move_clocks(end - GARAGE_OFFLINE_FOR)
    await act(clock.now, await sim.truth())
    await burst(end - 10 * POLL_INTERVAL)
    await move_clocks(max(clock.now, end))
    return household


async def seed(
    *,
    config_dir: Path,
    sim_url: str,
    core: CoreConfig,
    owner: Owner,
    account: BlinkAccount,
    progress: Callable[[str], None],
) -> list[str]:
    """Run the whole history and save it; what happened, one line per event worth telling."""
    async with aiohttp.ClientSession() as session:
        sim = SimControl(session, sim_url)
        start = datetime.fromisoformat((await sim.truth())["now"]).replace(microsecond=0)
        end = datetime.now(UTC).replace(microsecond=0)
        clock = SeedClock(start)
        history = SimHistory(start)
        # Home Assistant's clock (and so blink_care's) follows the seed's.
        with patch.object(dt_util, "utcnow", clock):
            hass = await boot(config_dir, core)
            try:
                await create_owner(hass, owner)
                entry = await add_blink_account(hass, account)
                await set_up_demo(hass, entry, DEMO)
                progress(f"signed in as {account.username} on {start:%Y-%m-%d}; a year of polls")
                household = await live_a_year(
                    hass=hass,
                    entry=entry,
                    sim=sim,
                    clock=clock,
                    end=end,
                    history=history,
                    progress=progress,
                )
                await hass.config_entries.async_unload(entry.entry_id)
            finally:
                await hass.async_stop()
    history.save(config_dir)
    return household.log


def redirect_blinkpy_to(sim_url: str) -> None:
    """Point this process's blinkpy at the simulator, without blinkpy's sleeping throttles.

    (The dev server's Home Assistant gets the same redirect from site/sitecustomize.py.)
    """
    spec = importlib.util.spec_from_file_location(
        "blink_care_dev_site", Path(__file__).resolve().parent / "site" / "sitecustomize.py"
    )
    if spec is None or spec.loader is None:
        raise ImportError("scripts/dev/site/sitecustomize.py is missing")
    site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(site)
    site.import_blink_sim()
    from blink_sim.redirect import redirect_blinkpy  # noqa: PLC0415 - imported just above

    redirect_blinkpy(sim_url, throttle=False)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--sim-url", required=True)
    parser.add_argument("--time-zone", default="UTC")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point (scripts/dev/devserver.py runs it on a fresh config dir)."""
    options = parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING,
        filename=options.config / "seed-history.log",
        format="%(asctime)s %(levelname)s [%(name)s] %(message)s",
    )

    def progress(message: str) -> None:
        sys.stdout.write(f"[develop] history: {message}\n")
        sys.stdout.flush()

    redirect_blinkpy_to(options.sim_url)
    started = time.monotonic()
    events = asyncio.run(
        seed(
            config_dir=options.config.resolve(),
            sim_url=options.sim_url,
            core=CoreConfig(time_zone=options.time_zone),
            owner=Owner(),
            account=BlinkAccount(),
            progress=progress,
        )
    )
    for line in events:
        LOGGER.warning("%s", line)
    progress(f"{len(events)} household events, done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
