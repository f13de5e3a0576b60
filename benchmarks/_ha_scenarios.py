"""Benchmark scenarios run inside Home Assistant's test harness (started by `_ha_harness`).

Each `scenario_*` function gets one case (a JSON object from the benchmark), drives the real
blink_care integration in a real Home Assistant against the simulated Blink cloud, and
reports what it measured. Nothing here asserts a target: the benchmark modules judge.

blink_care itself is imported inside the scenarios, not here: Home Assistant must import it
the way it does at a real start (the blocking-call scenario watches that too).
"""

# The repository's package must come before the test harness's own `custom_components`.
import custom_components  # noqa: F401  # isort: skip

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
import cProfile
from datetime import datetime, timedelta
import json
import logging
from typing import Any
from unittest.mock import PropertyMock, patch

import freezegun.api
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from benchmarks._ha_harness import Case, read_cases, report
from blink_sim import Fleet, Listing, SimCloud
from blink_sim.redirect import redirect_blinkpy
from blink_sim.testing import blinkpy_login, cookie_session
from homeassistant import block_async_io
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    CONF_PASSWORD,
    CONF_USERNAME,
    EVENT_STATE_CHANGED,
    STATE_OFF,
    STATE_ON,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

DOMAIN = "blink_care"
HARDWARE_ID = "5B0C1D2E-3F40-4A51-8B62-7C8D9EAFB0C1"
# The core integration's pattern: `Blink.refresh(force=True)` every 300 s.
CORE_REFRESH_INTERVAL = timedelta(seconds=300)
# Time travel step while blink_care runs: blink_care never polls more often than every 60 s.
DAY_STEP = timedelta(seconds=60)
# Time travel step while an installation builds up its history before a measurement.
WARMUP_STEP = timedelta(minutes=30)
# Resolution of the offline-detection measurement.
FINE_STEP = timedelta(seconds=1)
MONTH = timedelta(days=30)
# The year-long feed hands the event loop a turn this often.
YIELD_EVERY_POLLS = 500
BLOCKING_MESSAGE = "Detected blocking call"
# asyncio's debug mode logs callbacks that hold the loop longer than 100 ms like this.
SLOW_CALLBACK_MESSAGE = "Executing <"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One run of the scenario per case the benchmark passed in."""
    if "case" in metafunc.fixturenames:
        cases = read_cases()
        metafunc.parametrize("case", cases, ids=[str(index) for index in range(len(cases))])


@pytest.fixture(autouse=True)
def _load_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load blink_care from the repository."""


@pytest.fixture
def frozen_clock(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    """The frozen clock, on a whole second.

    Home Assistant schedules a coordinator's next poll at a whole second plus a fixed
    jitter under half a second, and the harness fires timers up to half a second early.
    From a fractional start the polls would then run up to a second before their time
    (59 s apart instead of 60), which real Home Assistant never does.
    """
    freezer.move_to(dt_util.utcnow().replace(microsecond=0) + timedelta(seconds=1))
    return freezer


@pytest.fixture
async def sim(case: Case, socket_enabled: None) -> AsyncIterator[SimCloud]:
    """The case's fleet in a simulated Blink cloud on 127.0.0.1, blinkpy pointed at it.

    blinkpy's sleeping throttles are off: the core pattern's request count does not depend
    on them, and with a frozen clock they would sleep forever.
    """
    fleet = Fleet.build(now=dt_util.utcnow(), **case["fleet"])
    cloud = SimCloud(fleet, clock=dt_util.utcnow)
    base_url = await cloud.start(host="127.0.0.1", port=0)
    undo = redirect_blinkpy(base_url, throttle=False)
    try:
        yield cloud
    finally:
        undo()
        await cloud.stop()


async def set_up_blink_care(hass: HomeAssistant, sim: SimCloud) -> MockConfigEntry:
    """Add and load a blink_care entry for the simulated account, at default options."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=sim.username,
        data={
            CONF_USERNAME: sim.username,
            CONF_PASSWORD: sim.password,
            "hardware_id": HARDWARE_ID,
        },
        unique_id=str(sim.account_id),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    require(entry.state is ConfigEntryState.LOADED, f"blink_care did not load: {entry.state}")
    return entry


async def tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory, step: timedelta) -> None:
    """Move the clock one step, fire Home Assistant's timers, wait for the polls they start."""
    freezer.tick(step)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta, step: timedelta
) -> None:
    """Let `delta` pass in steps of `step`."""
    remaining = delta
    while remaining > timedelta(0):
        await tick(hass, freezer, min(step, remaining))
        remaining -= step


async def advance_until(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    done: Callable[[], bool],
    limit: timedelta,
) -> None:
    """Step the clock second by second until `done()` holds (or fail after `limit`)."""
    deadline = dt_util.utcnow() + limit
    while not done():
        if dt_util.utcnow() >= deadline:
            raise AssertionError(f"condition not met within {limit}")
        await tick(hass, freezer, FINE_STEP)


def wall_clock() -> float:
    """Real elapsed seconds, even while freezegun has frozen `time.perf_counter`.

    Read through the module each time: freezegun swaps imported copies of the function.
    """
    return freezegun.api.real_perf_counter()


def require(condition: object, what: str) -> None:
    """Stop the scenario when something it measures through went wrong."""
    if not condition:
        raise AssertionError(what)


def record(**measured: Any) -> None:
    """Report one case's measurements to the benchmark."""
    report(measured)


def quiet_loop() -> None:
    """Leave asyncio's debug mode (the harness turns it on): it slows every callback down."""
    asyncio.get_running_loop().set_debug(False)


# -- requests ---------------------------------------------------------------------------------


class _WriteCounter:
    """Counts the history Store's writes and their size as Home Assistant serialises them."""

    def __init__(self, history: Any, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.writes = 0
        self.bytes = 0
        self._key = key
        self._data_to_write = history.data_to_write
        # The Store asks for this function's result each time it writes the file.
        monkeypatch.setattr(history, "data_to_write", self._counted)

    def _counted(self) -> Any:
        from homeassistant.helpers.json import prepare_save_json  # noqa: PLC0415

        data = self._data_to_write()
        envelope = {"version": 1, "minor_version": 1, "key": self._key, "data": data}
        _, text = prepare_save_json(envelope)
        self.writes += 1
        self.bytes += len(text.encode() if isinstance(text, str) else text)
        return data


async def scenario_requests_day(
    hass: HomeAssistant,
    frozen_clock: FrozenDateTimeFactory,
    sim: SimCloud,
    case: Case,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Requests at the simulated cloud: blink_care at defaults, then the core pattern.

    Both start from a loaded, logged-in state; only the steady-state period is counted.
    blink_care runs in Home Assistant with time travel; the core pattern is blinkpy's
    `start()` once and `refresh(force=True)` every 300 s, on the same fleet and clock.
    """
    quiet_loop()
    period = timedelta(hours=case["hours"])

    entry = await set_up_blink_care(hass, sim)
    coordinator = entry.runtime_data.coordinator
    blink_care_setup = sim.requests.total
    sim.requests.reset()
    history = _WriteCounter(coordinator.history, f"{DOMAIN}.{entry.entry_id}", monkeypatch)
    started = wall_clock()
    await advance(hass, frozen_clock, period, DAY_STEP)
    blink_care_wall_s = wall_clock() - started
    blink_care = dict(sim.requests.by_endpoint)
    history_writes, history_bytes = history.writes, history.bytes
    blink_care_healthy = coordinator.last_update_success and entry.state is ConfigEntryState.LOADED
    require(await hass.config_entries.async_unload(entry.entry_id), "blink_care did not unload")
    await hass.async_block_till_done()

    sim.requests.reset()
    async with cookie_session() as session:
        blink = blinkpy_login(sim, session)
        require(await blink.start(), "blinkpy did not start")
        core_setup = sim.requests.total
        sim.requests.reset()
        refreshes = int(period / CORE_REFRESH_INTERVAL)
        failed = 0
        started = wall_clock()
        for _ in range(refreshes):
            frozen_clock.tick(CORE_REFRESH_INTERVAL)
            if not await blink.refresh(force=True):
                failed += 1
        core_wall_s = wall_clock() - started
    record(
        fleet=case["fleet"],
        hours=case["hours"],
        devices=len(sim.fleet.devices),
        blink_care=blink_care,
        blink_care_setup=blink_care_setup,
        blink_care_healthy=blink_care_healthy,
        blink_care_wall_s=blink_care_wall_s,
        history_writes=history_writes,
        history_bytes=history_bytes,
        core=dict(sim.requests.by_endpoint),
        core_setup=core_setup,
        core_refreshes=refreshes,
        core_failed=failed,
        core_wall_s=core_wall_s,
    )


async def scenario_offline_detection(
    hass: HomeAssistant, frozen_clock: FrozenDateTimeFactory, sim: SimCloud, case: Case
) -> None:
    """Seconds from a camera going offline (simulated truth) to its `online` sensor off.

    For each offset, the camera drops off that many seconds after a regular poll, so the
    worst case over a poll period shows. The clock moves in 1 s steps.
    """
    quiet_loop()
    entry = await set_up_blink_care(hass, sim)
    coordinator = entry.runtime_data.coordinator
    camera = sim.fleet.listed(Listing.CAMERAS)[0].serial
    online = er.async_get(hass).async_get_entity_id("binary_sensor", DOMAIN, f"{camera}_online")
    if online is None:
        raise AssertionError(f"no online sensor for {camera}")
    sensor: str = online
    limit = timedelta(hours=2)

    def state_is(wanted: str) -> Callable[[], bool]:
        return lambda: (state := hass.states.get(sensor)) is not None and state.state == wanted

    def polls() -> int:
        return sim.requests.by_endpoint["homescreen"]

    def regular_poll_after(count: int) -> Callable[[], bool]:
        """A poll came after `count` and scheduled the next one a full interval ahead."""
        return lambda: polls() > count and coordinator.update_interval == coordinator.base_interval

    poll_times: list[datetime] = []
    entry.async_on_unload(
        coordinator.async_add_listener(lambda: poll_times.append(dt_util.utcnow()))
    )
    detections: list[float] = []
    gaps: list[list[float]] = []
    for offset in case["offsets_s"]:
        await advance_until(hass, frozen_clock, regular_poll_after(polls()), limit)
        await advance(hass, frozen_clock, timedelta(seconds=offset), FINE_STEP)
        went_offline = dt_util.utcnow()
        sim.set_online(camera, online=False)
        poll_times.clear()
        await advance_until(hass, frozen_clock, state_is(STATE_OFF), limit)
        detections.append((dt_util.utcnow() - went_offline).total_seconds())
        gaps.append([(t - went_offline).total_seconds() for t in poll_times])
        sim.set_online(camera, online=True)
        await advance_until(hass, frozen_clock, state_is(STATE_ON), limit)
    record(
        offsets_s=case["offsets_s"],
        detections_s=detections,
        polls_after_s=gaps,
        poll_s=coordinator.base_interval.total_seconds(),
        grace_s=coordinator.fleet.connectivity.grace.total_seconds(),
    )


# -- per-poll work ----------------------------------------------------------------------------


class _ReplayClient:
    """Stands in for the HTTP client: each poll parses a homescreen body handed to it.

    The parse is the client's real step after decoding (`parse_homescreen`, and
    `parse_camera_config` when the coordinator asks for a camera's config).
    """

    def __init__(self, account_id: str, config_body: Callable[[str, datetime], Any]) -> None:
        self.account_id = account_id
        self.homescreen: Any = None
        self._config_body = config_body

    async def async_fetch_account(self, now: datetime) -> Any:
        from custom_components.blink_care.client import parse  # noqa: PLC0415

        return parse.parse_homescreen(self.homescreen, self.account_id, now)

    async def async_fetch_camera_config(self, camera: Any, now: datetime) -> Any:
        from custom_components.blink_care.client import parse  # noqa: PLC0415

        return parse.parse_camera_config(self._config_body(camera.serial, now), camera.serial, now)


class _ManualClock:
    """A cheap stand-in for `dt_util.utcnow`, moved by the scenario one poll at a time.

    freezegun's clock would add its own cost to every timestamp taken during a poll.
    """

    def __init__(self) -> None:
        self.now = dt_util.utcnow()

    def __call__(self) -> datetime:
        return self.now


async def replaying_coordinator(
    hass: HomeAssistant,
    sim: SimCloud,
    monkeypatch: pytest.MonkeyPatch,
    config_body: Callable[[str, datetime], Any],
) -> tuple[Any, _ReplayClient, _ManualClock]:
    """Set blink_care up over HTTP, then let its coordinator poll replayed bodies instead."""
    entry = await set_up_blink_care(hass, sim)
    coordinator = entry.runtime_data.coordinator
    clock = _ManualClock()
    monkeypatch.setattr(dt_util, "utcnow", clock)
    client = _ReplayClient(str(sim.account_id), config_body)
    coordinator.client = client
    return coordinator, client, clock


class _Stopwatch:
    """Accumulates the time spent in wrapped callables during one poll."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = wall_clock()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[name] = self.spent.get(name, 0.0) + wall_clock() - started

        return timed

    def take(self) -> dict[str, float]:
        spent, self.spent = self.spent, {}
        return spent


def time_the_stages(coordinator: Any, monkeypatch: pytest.MonkeyPatch) -> _Stopwatch:
    """Wrap each stage of a poll so its share of the time shows (public functions only)."""
    from custom_components.blink_care.client import parse  # noqa: PLC0415

    stopwatch = _Stopwatch()
    stages = {
        "parse": (parse, "parse_homescreen"),
        "assess": (coordinator.fleet, "observe"),
        "issues": (coordinator.issues, "async_update"),
        "entity_writes": (coordinator, "async_update_listeners"),
    }
    for stage, (owner, name) in stages.items():
        monkeypatch.setattr(owner, name, stopwatch.wrap(stage, getattr(owner, name)))
    return stopwatch


async def scenario_work(
    hass: HomeAssistant, sim: SimCloud, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Time each poll's processing in Home Assistant next to a bare `json.loads` of its body.

    Each poll's homescreen is built by the simulated cloud for the poll's time and
    serialised the way the server sends it. Timed apart: `json.loads` of those bytes (the
    floor), and `coordinator.async_refresh()` parsing the decoded body (parse, camera config
    parse, connectivity and battery engines, fleet state, registry, issues, history, entity
    state writes). No HTTP: the camera configs are decoded once beforehand.
    """
    from blink_sim import payloads  # noqa: PLC0415

    quiet_loop()
    start = dt_util.utcnow()
    configs = {
        device.serial: json.loads(json.dumps(payloads.camera_config(sim.fleet, device, start)))
        for device in sim.fleet.listed(Listing.CAMERAS)
    }
    coordinator, client, clock = await replaying_coordinator(
        hass, sim, monkeypatch, lambda serial, _now: configs[serial]
    )
    entry_id = coordinator.config_entry.entry_id
    stopwatch = time_the_stages(coordinator, monkeypatch)
    profiler = cProfile.Profile() if case.get("profile_path") else None

    polls: list[dict[str, float]] = []
    body_bytes = 0
    for index in range(case["warmup"] + case["polls"]):
        clock.now += coordinator.base_interval
        raw = json.dumps(payloads.homescreen(sim.fleet, clock.now)).encode()
        body_bytes = len(raw)
        started = wall_clock()
        client.homescreen = json.loads(raw)
        decode_s = wall_clock() - started
        stopwatch.take()
        if profiler is not None:
            profiler.enable()
        started = wall_clock()
        await coordinator.async_refresh()
        work_s = wall_clock() - started
        if profiler is not None:
            profiler.disable()
        require(coordinator.last_update_success, "a replayed poll failed")
        if index >= case["warmup"]:
            polls.append({"decode": decode_s, "work": work_s, **stopwatch.take()})
    if profiler is not None:
        profiler.dump_stats(case["profile_path"])
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry_id)
    record(
        devices=len(sim.fleet.devices),
        body_bytes=body_bytes,
        entities=len(entities),
        enabled_entities=sum(entity.disabled_by is None for entity in entities),
        polls=polls,
    )


# -- stored history ---------------------------------------------------------------------------


async def scenario_history_year(
    hass: HomeAssistant,
    sim: SimCloud,
    case: Case,
    monkeypatch: pytest.MonkeyPatch,
    hass_storage: dict[str, Any],
) -> None:
    """Feed the coordinator a year of polls; hand back what its history Store then holds.

    The coordinator polls (parse, one staggered camera config, the fleet model, history) at
    the interval it asks for; the entity platforms are unloaded first, so no state is written
    (states store nothing in this file). Whoever has a dead battery for `replace_after_days` gets
    fresh cells, so battery cameras go through replacements as in real life.
    """
    from blink_sim import payloads  # noqa: PLC0415
    from custom_components.blink_care import PLATFORMS  # noqa: PLC0415

    quiet_loop()
    fleet = sim.fleet
    coordinator, client, clock = await replaying_coordinator(
        hass,
        sim,
        monkeypatch,
        lambda serial, now: payloads.camera_config(fleet, fleet.device(serial), now),
    )
    require(
        await hass.config_entries.async_unload_platforms(coordinator.config_entry, PLATFORMS),
        "the entity platforms did not unload",
    )
    end = clock.now + timedelta(days=case["days"])
    replace_after = timedelta(days=case["replace_after_days"])
    observations = 0
    replacements: dict[str, int] = {}
    # blink_care's own time (the update method) and polls, per 30 simulated days.
    months: list[list[float]] = []
    month_ends = clock.now
    profiler = cProfile.Profile() if case.get("profile_path") else None
    started = wall_clock()
    while clock.now < end:
        clock.now += coordinator.update_interval
        if clock.now > month_ends:
            months.append([0, 0.0])
            month_ends += MONTH
        for device in fleet.devices:
            death = device.battery_death()
            if death is not None and clock.now - death >= replace_after:
                device.batteries_installed_at = clock.now
                replacements[device.serial] = replacements.get(device.serial, 0) + 1
        client.homescreen = payloads.homescreen(fleet, clock.now)
        if profiler is not None:
            profiler.enable()
        update_started = wall_clock()
        await coordinator.async_refresh()
        require(coordinator.last_update_success, "a replayed poll failed")
        months[-1][0] += 1
        months[-1][1] += wall_clock() - update_started
        if profiler is not None:
            profiler.disable()
        observations += 1
        if observations % YIELD_EVERY_POLLS == 0:
            await asyncio.sleep(0)  # let the events and issue updates it queued run
    feed_s = wall_clock() - started
    if profiler is not None:
        profiler.dump_stats(case["profile_path"])
    # Back as it was, so the entry unloads cleanly at the end.
    await hass.config_entries.async_forward_entry_setups(coordinator.config_entry, PLATFORMS)
    await coordinator.history.async_save_now()
    stored = hass_storage[f"{DOMAIN}.{coordinator.config_entry.entry_id}"]
    record(
        days=case["days"],
        observations=observations,
        feed_s=feed_s,
        months=months,
        replacements=replacements,
        devices={
            device.serial: {"battery": device.battery_powered, "kind": device.kind.value}
            for device in fleet.devices
        },
        stored=stored,
    )


# -- event loop safety ------------------------------------------------------------------------


@pytest.fixture
def blocking_detection(disable_block_async_io: None) -> Iterator[None]:
    """Home Assistant's blocking-call detection as in production (tests normally skip it)."""
    with patch.object(block_async_io, "_IN_TESTS", new=False):
        block_async_io.enable()
        yield


async def scenario_blocking(
    hass: HomeAssistant,
    sim: SimCloud,
    case: Case,
    caplog: pytest.LogCaptureFixture,
    blocking_detection: None,
) -> None:
    """Setup (login, history, platforms), one poll and an unload, watched for blocking calls.

    The event loop stays in debug mode, so callbacks that hold it over 100 ms are logged too.
    """
    caplog.set_level(logging.WARNING)
    entry = await set_up_blink_care(hass, sim)
    coordinator = entry.runtime_data.coordinator
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    polled = coordinator.last_update_success
    if case["plant"]:
        # On purpose, and through builtins.open, which is what the detector watches.
        with open(__file__, encoding="utf-8"):  # noqa: ASYNC230, PTH123
            pass
    require(await hass.config_entries.async_unload(entry.entry_id), "blink_care did not unload")
    await hass.async_block_till_done()
    messages = [log.getMessage() for log in caplog.records]
    record(
        devices=len(sim.fleet.devices),
        polled=polled,
        requests=sim.requests.total,
        blocking=[m for m in messages if BLOCKING_MESSAGE in m],
        slow_callbacks=[m for m in messages if m.startswith(SLOW_CALLBACK_MESSAGE)],
    )


# -- state writes -----------------------------------------------------------------------------


@pytest.fixture
def every_entity_enabled() -> Iterator[None]:
    """Entities disabled by default (last seen, signals, temperature) enabled as well."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


async def scenario_state_writes(
    hass: HomeAssistant,
    frozen_clock: FrozenDateTimeFactory,
    sim: SimCloud,
    case: Case,
    every_entity_enabled: None,
) -> None:
    """Count blink_care's state writes over a simulated period, by entity kind.

    Each `state_changed` event is a row the recorder writes (attribute-only changes too);
    a write with nothing changed fires `state_reported` instead and stores nothing. The
    count starts after setup and `warmup_days`, so it sees an installation that has learnt
    its batteries: a replacement date is only predicted after weeks of readings. During the
    warm-up the clock moves half an hour at a time, so Home Assistant polls once per step;
    each camera's voltage still comes every 6 hours.
    """
    quiet_loop()
    entry = await set_up_blink_care(hass, sim)
    coordinator = entry.runtime_data.coordinator
    await advance(hass, frozen_clock, timedelta(days=case["warmup_days"]), WARMUP_STEP)
    # Unique ids are "<serial>_<key>" or "account_<id>_<key>"; keys hold "_" themselves.
    owners = [f"{device.serial}_" for device in sim.fleet.devices]
    owners.append(f"{coordinator.account_identifier}_")
    kinds: dict[str, str] = {}
    for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id):
        require(entity.disabled_by is None, f"{entity.entity_id} is disabled")
        owner = next(o for o in owners if entity.unique_id.startswith(o))
        kinds[entity.entity_id] = entity.unique_id.removeprefix(owner)
    writes: dict[str, int] = dict.fromkeys(sorted(set(kinds.values())), 0)

    @callback
    def count(event: Event[EventStateChangedData]) -> None:
        kind = kinds.get(event.data["entity_id"])
        if kind is not None:
            writes[kind] += 1

    unsubscribe = hass.bus.async_listen(EVENT_STATE_CHANGED, count)
    await advance(hass, frozen_clock, timedelta(hours=case["hours"]), DAY_STEP)
    unsubscribe()
    require(coordinator.last_update_success, "the last poll failed")
    record(
        hours=case["hours"],
        warmup_days=case["warmup_days"],
        devices=len(sim.fleet.devices),
        entities={kind: sum(k == kind for k in kinds.values()) for kind in writes},
        writes=writes,
    )
