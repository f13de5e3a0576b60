"""The dev server's demo additions: a clock that jumps, and a second account behind one address."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
from blinkpy.auth import BlinkTwoFARequiredError
import pytest

from blink_sim import Fleet, SimCloud
from blink_sim.__main__ import SECOND_ACCOUNT
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
from blink_sim.redirect import redirect_blinkpy
from blink_sim.testing import ManualClock, blinkpy_login, cookie_session

NOW = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)


def test_steerable_clock_jumps_forward_and_keeps_running_at_its_speed():
    clock = SteerableClock(NOW - timedelta(days=365), speed=3600.0)
    assert abs(clock() - (NOW - timedelta(days=365))) < timedelta(hours=1)

    clock.set(NOW)
    first = clock()
    assert NOW <= first < NOW + timedelta(hours=1)
    assert clock() >= first  # an hour per real second, never backwards
    clock.set(NOW)  # the same moment again: what ran since the jump is redone
    with pytest.raises(ValueError, match="before"):
        clock.set(NOW - timedelta(days=1))


async def test_the_clock_control_moves_the_simulated_time(socket_enabled):
    clock = SteerableClock(NOW - timedelta(days=30))
    sim = SimCloud(Fleet.build(now=clock(), sync_modules=1, battery_cameras=1), clock=clock)
    add_clock_control(sim, clock)
    base_url = await sim.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{base_url}/_sim/clock", json={"now": NOW.isoformat()}) as r:
                assert r.status == 200
            async with session.get(f"{base_url}/_sim/state") as response:
                state = await response.json()
            async with session.post(f"{base_url}/_sim/clock", json={"now": "yesterday"}) as r:
                assert r.status == 400
            async with session.post(
                f"{base_url}/_sim/clock", json={"now": (NOW - timedelta(days=1)).isoformat()}
            ) as response:
                assert response.status == 400
    finally:
        await sim.stop()
    assert datetime.fromisoformat(state["now"]) - NOW < timedelta(minutes=1)


def test_the_second_account_shares_no_id_with_the_showcase():
    showcase, second = Fleet.showcase(NOW), second_account_fleet(NOW)
    assert second.account_id != showcase.account_id
    for attribute in ("serial", "device_id", "network_id"):
        ours = {getattr(device, attribute) for device in second.devices}
        theirs = {getattr(device, attribute) for device in showcase.devices}
        assert not ours & theirs, attribute
    assert {network.network_id for network in second.networks}.isdisjoint(
        network.network_id for network in showcase.networks
    )


@pytest.fixture
async def router(socket_enabled) -> AsyncIterator[AccountRouter]:
    clock = ManualClock(NOW)
    first = SimCloud(Fleet.build(now=NOW, sync_modules=1, battery_cameras=2), clock=clock)
    second = SimCloud(second_account_fleet(NOW), clock=clock)
    oauth = MultiAccountOAuth(
        clock,
        {
            first.account_id: Credentials(first.username, first.password, first.pin),
            second.account_id: SECOND_ACCOUNT,
        },
    )
    accounts = AccountRouter({first.account_id: first, second.account_id: second}, oauth)
    base_url = await accounts.start("127.0.0.1", 0)
    undo = redirect_blinkpy(base_url, timeout=2.0, throttle=False)
    try:
        yield accounts
    finally:
        undo()
        await accounts.stop()


async def test_each_account_signs_in_at_one_address_and_sees_only_its_devices(router):
    first, second = router.clouds.values()
    async with cookie_session() as session:
        blink = blinkpy_login(first, session)
        assert await blink.start()
        assert blink.auth.account_id == first.account_id
        assert sorted(blink.cameras) == ["Camera 1", "Camera 2"]

    async with cookie_session() as session:
        blink = blinkpy_login(
            first, session, username=SECOND_ACCOUNT.username, password=SECOND_ACCOUNT.password
        )
        with pytest.raises(BlinkTwoFARequiredError):
            await blink.start()
        assert not await blink.auth.complete_2fa_login(first.pin)  # the other account's PIN
        assert await blink.send_2fa_code(SECOND_ACCOUNT.pin)
        assert (blink.auth.account_id, blink.auth.region_id) == (second.account_id, "u035")
        assert sorted(blink.cameras) == ["Boathouse", "Jetty"]
        assert second.requests.by_endpoint["homescreen"] >= 1


async def test_the_second_accounts_control_api_has_its_own_prefix(router):
    _first, second = router.clouds.values()
    serial = second.fleet.devices[1].serial
    async with aiohttp.ClientSession() as session:
        url = f"{router.base_url}/_sim/accounts/2/devices/{serial}/offline"
        async with session.post(url) as response:
            assert response.status == 200
        async with session.get(f"{router.base_url}/_sim/accounts/2/state") as response:
            devices = {device["serial"]: device for device in (await response.json())["devices"]}
        async with session.get(f"{router.base_url}/_sim/accounts/9/state") as response:
            assert response.status == 404
    assert devices[serial]["online"] is False


def test_issued_tokens_survive_a_restart_with_their_account(tmp_path):
    clock = ManualClock(NOW)
    accounts = {
        1000001: Credentials("user@example.com", "correct-horse", "123456"),
        1000002: SECOND_ACCOUNT,
    }
    before = MultiAccountOAuth(clock, accounts)
    grant = before.grant_directly("0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D")
    before._token_account[grant.access_token] = 1000002
    save_grants(before, tmp_path / "tokens.json")

    after = MultiAccountOAuth(clock, accounts)
    assert load_grants(after, tmp_path / "tokens.json") == 1
    clock.advance(timedelta(days=2))  # the access token has expired; the refresh token works
    assert after.bearer(f"Bearer {grant.access_token}") is None
    fresh = after.refresh(
        {
            "client_id": "ios",
            "refresh_token": grant.refresh_token,
            "hardware_id": grant.hardware_id,
        },
        None,
    )
    assert after.account_of(f"Bearer {fresh.access_token}") == 1000002
    assert load_grants(MultiAccountOAuth(clock, accounts), tmp_path / "missing.json") == 0
