"""The `/_sim/` control API and the standalone server (`python -m blink_sim`)."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from blink_sim import Fleet, Listing, SimCloud
from blink_sim.__main__ import accelerated_clock, parse_args, run
from blink_sim.testing import ManualClock

NOW = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[SimCloud]:
    cloud = SimCloud(Fleet.showcase(NOW), clock=ManualClock(NOW))
    await cloud.start()
    try:
        yield cloud
    finally:
        await cloud.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


def device_state(state: dict[str, Any], serial: str) -> dict[str, Any]:
    return next(device for device in state["devices"] if device["serial"] == serial)


async def control(session, sim, method: str, path: str, **options: Any) -> Any:
    return await session.request(method, f"{sim.base_url}/_sim/{path}", json=options or None)


async def test_state_shows_the_truth_without_counting_itself(sim, session):
    answer = await control(session, sim, "GET", "state")
    state = await answer.json()

    porch = device_state(state, "SIM-CAM-005")
    assert porch["battery"]["state"] == "low"
    assert device_state(state, "SIM-CAM-004")["online"] is False
    assert device_state(state, "SIM-MINI-001")["battery"] is None
    assert state["requests"]["total"] == sim.requests.total == 0


async def test_devices_go_offline_and_online(sim, session):
    sync_serial = sim.fleet.listed(Listing.SYNC_MODULES)[0].serial

    offline = await (await control(session, sim, "POST", f"devices/{sync_serial}/offline")).json()
    online = await (await control(session, sim, "POST", f"devices/{sync_serial}/online")).json()

    assert device_state(offline, sync_serial)["online"] is False
    assert device_state(offline, "SIM-CAM-001")["online"] is False  # a camera behind it
    assert device_state(online, sync_serial)["online"] is True


async def test_batteries_are_drained_and_replaced(sim, session):
    drained = await control(
        session, sim, "POST", "devices/SIM-CAM-001/battery", depth_of_discharge=0.99
    )
    replaced = await control(
        session, sim, "POST", "devices/SIM-CAM-001/replace_batteries", chemistry="nimh"
    )

    assert device_state(await drained.json(), "SIM-CAM-001")["battery"]["state"] == "low"
    battery = device_state(await replaced.json(), "SIM-CAM-001")["battery"]
    assert (battery["chemistry"], battery["depth_of_discharge"]) == ("nimh", 0.0)


async def test_faults_are_armed_and_cleared(sim, session):
    armed = await control(
        session, sim, "POST", "faults/HTTP_429", times=2, endpoints=["homescreen"]
    )
    hit = await session.get(f"{sim.base_url}/api/v3/accounts/{sim.account_id}/homescreen")
    cleared = await control(session, sim, "DELETE", "faults")

    assert (await armed.json())["faults"] == [
        {
            "fault": "http_429",
            "endpoints": ["homescreen"],
            "remaining": 2,
            "retry_after": None,
            "delay": None,
        }
    ]
    assert hit.status == 429
    assert (await cleared.json())["faults"] == []


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("POST", "devices/NO-SUCH-SERIAL/offline", 404),
        ("POST", "faults/no_such_fault", 404),
        ("POST", "devices/SIM-MINI-001/replace_batteries", 400),  # mains powered
        ("POST", "devices/SIM-CAM-001/battery", 400),  # no depth given
    ],
)
async def test_bad_control_requests_are_refused(sim, session, method, path, status):
    answer = await control(session, sim, method, path)

    assert answer.status == status


async def test_unusable_control_options_are_refused(sim, session):
    chemistry = await control(
        session, sim, "POST", "devices/SIM-CAM-001/replace_batteries", chemistry="plutonium"
    )
    times = await control(session, sim, "POST", "faults/http_500", times=0)

    assert (chemistry.status, times.status) == (400, 400)
    assert sim.faults.active == ()


async def test_pin_requirement_and_token_revocation(sim, session):
    grant = sim.issue_token()

    required = await control(session, sim, "POST", "require_pin", required=True)
    await control(session, sim, "POST", "revoke_tokens")
    refused = await session.get(
        f"{sim.base_url}/networks", headers={"Authorization": f"Bearer {grant.access_token}"}
    )

    assert (await required.json())["require_pin"] is True
    assert refused.status == 401


async def test_the_standalone_server_serves_until_stopped(socket_enabled, session):
    options = parse_args(["--port", "0", "--fleet", "small", "--speed", "60"])
    stop = asyncio.Event()
    started: asyncio.Future[SimCloud] = asyncio.get_running_loop().create_future()
    server = asyncio.create_task(run(options, stop, started.set_result))
    sim = await started
    base_url = sim.base_url

    state = await (await session.get(f"{base_url}/_sim/state")).json()
    stop.set()
    await server

    assert len(state["devices"]) == len(sim.fleet.devices) == 5
    with pytest.raises(aiohttp.ClientConnectionError):
        await session.get(f"{base_url}/_sim/state")


async def test_the_accelerated_clock_runs_faster_than_real_time():
    clock = accelerated_clock(3600.0)
    first = clock()
    await asyncio.sleep(0.05)

    assert (clock() - first).total_seconds() >= 0.05 * 3600
