"""Each injected fault answers the way it is documented, and blinkpy feels it."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
import json
from typing import Any

import aiohttp
from blinkpy import api
from blinkpy.auth import UnauthorizedError
import pytest

from blink_sim import Fault, Fleet, Listing, SimCloud
from blink_sim.fleet import MODELS
from blink_sim.testing import ManualClock, blinkpy_login, cookie_session, serving

NOW = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
# blinkpy's REST timeout during these tests; TIMEOUT faults wait longer than this.
REQUEST_TIMEOUT = 0.2


@pytest.fixture
async def sim(socket_enabled: None) -> AsyncIterator[SimCloud]:
    fleet = Fleet.build(now=NOW, sync_modules=1, battery_cameras=2, minis=1)
    cloud = SimCloud(fleet, clock=ManualClock(NOW))
    async with serving(cloud, request_timeout=REQUEST_TIMEOUT):
        yield cloud


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with cookie_session() as client:
        yield client


@pytest.fixture
def bearer(sim: SimCloud) -> dict[str, str]:
    return {"Authorization": f"Bearer {sim.issue_token().access_token}"}


@pytest.fixture
async def blink(sim: SimCloud, session: aiohttp.ClientSession):
    client = blinkpy_login(sim, session)
    await client.auth.startup()
    client.setup_urls()
    return client


def homescreen_url(sim: SimCloud) -> str:
    return f"{sim.base_url}/api/v3/accounts/{sim.account_id}/homescreen"


def config_url(sim: SimCloud, index: int = 0) -> str:
    camera = sim.fleet.listed(Listing.CAMERAS)[index]
    return f"{sim.base_url}/network/{camera.network_id}/camera/{camera.device_id}/config"


@pytest.mark.parametrize(
    ("fault", "status", "content_type", "code"),
    [
        (Fault.HTTP_401, 401, "application/json", 101),
        (Fault.CODE_101, 200, "application/json", 101),
        (Fault.HTTP_429, 429, "application/json", 429),
        (Fault.CODE_307, 200, "application/json", 307),
        (Fault.HTTP_500, 500, "application/json", 500),
        (Fault.HTTP_502, 502, "application/json", 502),
        (Fault.HTTP_503, 503, "application/json", 503),
        (Fault.HTML_ERROR, 503, "text/html", None),
    ],
)
async def test_error_faults_replace_the_answer(
    sim, session, bearer, fault, status, content_type, code
):
    sim.faults.inject(fault)

    answer = await session.get(homescreen_url(sim), headers=bearer)

    assert (answer.status, answer.content_type) == (status, content_type)
    if code is not None:
        assert (await answer.json())["code"] == code
    else:
        assert "<html>" in await answer.text()


async def test_rate_limit_carries_retry_after_when_given(sim, session, bearer):
    sim.faults.inject(Fault.HTTP_429, times=1, retry_after=30)
    sim.faults.inject(Fault.HTTP_429, times=1)

    hinted = await session.get(homescreen_url(sim), headers=bearer)
    bare = await session.get(homescreen_url(sim), headers=bearer)

    assert (hinted.status, hinted.headers.get("Retry-After")) == (429, "30")
    assert (bare.status, bare.headers.get("Retry-After")) == (429, None)


async def test_hardware_id_refusal_hits_only_the_oauth_endpoints(sim, session, bearer):
    sim.faults.inject(Fault.HTTP_406)

    token = await session.post(f"{sim.base_url}/oauth/token", data={"grant_type": "x"})
    rest = await session.get(homescreen_url(sim), headers=bearer)

    assert (token.status, rest.status) == (406, 200)


async def homescreen_after(sim, session, bearer, fault: Fault) -> Any:
    sim.faults.inject(fault)
    answer = await session.get(homescreen_url(sim), headers=bearer)
    assert answer.status == 200
    return await answer.json()


async def test_truncated_json_does_not_parse(sim, session, bearer):
    sim.faults.inject(Fault.TRUNCATED_JSON)

    answer = await session.get(homescreen_url(sim), headers=bearer)

    assert answer.content_type == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(await answer.text())


async def test_wrong_shape_lists_put_lists_where_objects_belong(sim, session, bearer):
    screen = await homescreen_after(sim, session, bearer, Fault.WRONG_SHAPE_LISTS)

    assert isinstance(screen["account"], list)
    assert all(isinstance(camera, list) for camera in screen["cameras"])


async def test_wrong_shape_nulls_put_nulls_where_values_belong(sim, session, bearer):
    screen = await homescreen_after(sim, session, bearer, Fault.WRONG_SHAPE_NULLS)

    assert len(screen["cameras"]) == 2
    for camera in screen["cameras"]:
        assert (camera["serial"], camera["battery"], camera["signals"]) == (None, None, None)
    assert screen["account"] is None


async def test_missing_cameras_drops_the_list(sim, session, bearer):
    screen = await homescreen_after(sim, session, bearer, Fault.MISSING_CAMERAS)

    assert "cameras" not in screen
    assert screen["owls"]


async def test_string_numbers_quote_every_number(sim, session, bearer):
    screen = await homescreen_after(sim, session, bearer, Fault.STRING_NUMBERS)

    assert screen["account"]["id"] == str(sim.account_id)
    camera = screen["cameras"][0]
    assert isinstance(camera["signals"]["battery"], str)
    assert camera["enabled"] is True  # booleans stay booleans


async def test_unknown_products_add_new_codes_and_a_new_list(sim, session, bearer):
    plain = await (await session.get(homescreen_url(sim), headers=bearer)).json()
    screen = await homescreen_after(sim, session, bearer, Fault.UNKNOWN_PRODUCTS)

    known = {model.code for model in MODELS}
    assert {c["type"] for c in screen["cameras"]} - known
    new_lists = set(screen) - set(plain)
    assert new_lists
    assert all(item["type"] not in known for key in new_lists for item in screen[key])


async def test_bad_signals_corrupt_the_camera_config(sim, session, bearer):
    sim.faults.inject(Fault.BAD_SIGNALS)

    voltages = set()
    for index in range(2):
        camera = (await (await session.get(config_url(sim, index), headers=bearer)).json())[
            "camera"
        ][0]
        assert camera["wifi_strength"] == camera["last_connect"]["wifi_strength"] == -255
        voltages.add(camera["battery_voltage"])

    assert voltages == {0, 900}


async def test_timeout_answers_only_after_the_delay(sim, session, bearer, blink):
    sim.faults.inject(Fault.TIMEOUT, times=1, delay=REQUEST_TIMEOUT * 2)
    assert await api.request_networks(blink) is None  # blinkpy gave up first

    sim.faults.inject(Fault.TIMEOUT, times=1, delay=REQUEST_TIMEOUT / 2)
    assert await api.request_networks(blink) is not None


async def test_disconnect_drops_the_connection(sim, session, bearer):
    # aiohttp retries an idempotent request once after a dropped connection: arm it for good.
    sim.faults.inject(Fault.DISCONNECT, endpoints={"networks"})

    with pytest.raises(aiohttp.ServerDisconnectedError):
        await session.get(f"{sim.base_url}/networks", headers=bearer)
    assert sim.requests.by_endpoint["networks"] == 2


@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [
        (Fault.TWO_FA_ON_REFRESH, 412, "unauthorized_client"),
        (Fault.REFRESH_REFUSED, 400, "invalid_grant"),
    ],
)
async def test_refresh_faults_refuse_the_refresh_token(sim, session, blink, fault, status, error):
    sim.faults.inject(fault)
    auth = blink.auth

    answer = await session.post(
        f"{sim.base_url}/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": auth.refresh_token,
            "client_id": "ios",
            "hardware_id": auth.hardware_id,
        },
    )

    assert answer.status == status
    assert (await answer.json())["error"] == error


async def test_faults_hit_only_their_endpoints_and_only_so_many_times(sim, session, bearer):
    sim.faults.inject(Fault.HTTP_503, times=2, endpoints={"networks"})
    networks_url = f"{sim.base_url}/networks"

    home = await session.get(homescreen_url(sim), headers=bearer)
    statuses = [(await session.get(networks_url, headers=bearer)).status for _ in range(3)]

    assert home.status == 200
    assert statuses == [503, 503, 200]
    assert sim.requests.by_endpoint["networks"] == 3  # faulted requests count too
    assert sim.faults.active == ()


async def test_discarding_one_fault_keeps_the_others(sim, session, bearer):
    discarded = sim.faults.inject(Fault.HTTP_500, endpoints={"homescreen"})
    kept = sim.faults.inject(Fault.HTTP_502, endpoints={"networks"})

    sim.faults.discard(discarded)
    sim.faults.discard(discarded)  # already gone: nothing happens

    assert (await session.get(homescreen_url(sim), headers=bearer)).status == 200
    assert (await session.get(f"{sim.base_url}/networks", headers=bearer)).status == 502
    assert sim.faults.active == (kept,)


async def test_clearing_faults_restores_normal_answers(sim, session, bearer):
    sim.faults.inject(Fault.HTTP_500)
    sim.faults.inject(Fault.MISSING_CAMERAS)

    sim.faults.clear()

    answer = await session.get(homescreen_url(sim), headers=bearer)
    assert answer.status == 200
    assert "cameras" in await answer.json()


async def test_blinkpy_raises_on_unauthorized_and_html_errors(sim, blink):
    sim.faults.inject(Fault.HTTP_401, times=1, endpoints={"networks"})
    with pytest.raises(UnauthorizedError):
        await api.request_networks(blink)

    sim.faults.inject(Fault.HTML_ERROR, times=1, endpoints={"homescreen"})
    with pytest.raises(aiohttp.ContentTypeError):
        await blink.get_homescreen()


async def test_blinkpy_stores_a_code_101_body_as_the_homescreen(sim, blink):
    sim.faults.inject(Fault.CODE_101, times=1)

    await blink.get_homescreen()

    assert blink.homescreen["code"] == 101
    assert "cameras" not in blink.homescreen
