"""Blink's sign-in, 2FA and token rotation, driven through blinkpy 0.25.9's own HTTP code."""

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
import time
import uuid

import aiohttp
from blinkpy import api
from blinkpy.auth import (
    Auth,
    BlinkTwoFARequiredError,
    LoginError,
    TokenRefreshFailed,
    UnauthorizedError,
)
from blinkpy.helpers.pkce import generate_pkce_pair
import pytest

from blink_sim import Fault, Fleet, SimCloud
from blink_sim.testing import ManualClock, blinkpy_login, cookie_session, serving

NOW = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
SIGN_IN_REQUESTS = Counter(
    {
        "oauth_authorize": 2,
        "oauth_signin_page": 1,
        "oauth_signin": 1,
        "oauth_token": 1,
        "tier_info": 1,
    }
)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
async def sim(socket_enabled: None, clock: ManualClock) -> AsyncIterator[SimCloud]:
    cloud = SimCloud(Fleet.build(now=NOW, sync_modules=1, battery_cameras=2), clock=clock)
    async with serving(cloud):
        yield cloud


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with cookie_session() as client:
        yield client


@pytest.fixture
async def signed_in(sim: SimCloud, session: aiohttp.ClientSession):
    """A blinkpy `Blink` signed in (no discovery yet), URLs set up for REST calls."""
    blink = blinkpy_login(sim, session)
    await blink.auth.startup()
    blink.setup_urls()
    return blink


async def test_sign_in_without_pin_gives_tokens_bound_to_the_account(sim, session):
    auth = blinkpy_login(sim, session).auth

    await auth.startup()

    assert auth.token == sim.issued_tokens[-1]
    assert (auth.region_id, auth.account_id) == (sim.region, sim.account_id)
    assert auth.expires_in == 14400
    assert sim.hardware_ids_seen == {auth.hardware_id}
    assert sim.requests.by_endpoint == SIGN_IN_REQUESTS


async def test_sign_in_with_pin_completes_after_the_code(sim, session):
    sim.require_pin(True)
    blink = blinkpy_login(sim, session)

    with pytest.raises(BlinkTwoFARequiredError):
        await blink.start()
    assert sim.issued_tokens == []

    assert await blink.send_2fa_code(sim.pin)
    assert blink.auth.token == sim.issued_tokens[-1]
    assert sorted(blink.cameras) == ["Camera 1", "Camera 2"]
    assert sim.requests.by_endpoint["oauth_2fa_verify"] == 1


@pytest.mark.parametrize("refusal", ["wrong code", "WRONG_PIN fault"])
async def test_a_refused_pin_leaves_the_user_signed_out(sim, session, refusal):
    sim.require_pin(True)
    auth = blinkpy_login(sim, session).auth
    with pytest.raises(BlinkTwoFARequiredError):
        await auth.startup()
    code = "000000"
    if refusal == "WRONG_PIN fault":
        sim.faults.inject(Fault.WRONG_PIN)
        code = sim.pin

    assert not await auth.complete_2fa_login(code)
    assert sim.issued_tokens == []


async def test_wrong_password_fails_the_login(sim, session):
    blink = blinkpy_login(sim, session, password="not-the-password")

    assert not await blink.start()
    with pytest.raises(LoginError):
        await blink.auth.startup()
    assert sim.issued_tokens == []
    assert sim.requests.by_endpoint["oauth_authorize"] == 2  # never reached the code step


async def test_sign_in_pages_need_the_session_cookie(sim):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as cookieless:
        auth = Auth(
            {"username": sim.username, "password": sim.password},
            no_prompt=True,
            session=cookieless,
        )
        with pytest.raises(LoginError):
            await auth.startup()
        page = await cookieless.get(f"{sim.base_url}/oauth/v2/signin")
        assert page.status == 400
        assert await page.json() == {"error": "bad_request", "error_cause": "empty_cookies"}


@pytest.mark.parametrize(
    ("verifier_ok", "hardware_ok"), [(True, True), (False, True), (True, False)]
)
async def test_code_exchange_checks_pkce_verifier_and_hardware_id(
    sim, session, verifier_ok, hardware_ok
):
    auth = blinkpy_login(sim, session).auth
    verifier, challenge = generate_pkce_pair()
    assert await api.oauth_authorize_request(auth, auth.hardware_id, challenge)
    csrf = await api.oauth_get_signin_page(auth)
    assert await api.oauth_signin(auth, sim.username, sim.password, csrf) == "SUCCESS"
    code = await api.oauth_get_authorization_code(auth)
    sent_verifier = verifier if verifier_ok else generate_pkce_pair()[0]
    sent_hardware_id = auth.hardware_id if hardware_ok else str(uuid.uuid4()).upper()

    tokens = await api.oauth_exchange_code_for_token(auth, code, sent_verifier, sent_hardware_id)

    if verifier_ok and hardware_ok:
        assert tokens["access_token"] == sim.issued_tokens[-1]
        assert tokens["expires_in"] == 14400
    else:
        assert tokens is None
        assert sim.issued_tokens == []


async def test_authorize_refuses_a_hardware_id_that_is_not_a_uuid(sim, session):
    auth = blinkpy_login(sim, session).auth
    _, challenge = generate_pkce_pair()

    assert not await api.oauth_authorize_request(auth, "Home Assistant", challenge)
    assert "Home Assistant" in sim.hardware_ids_seen


async def test_blink_refusing_the_hardware_id_fails_the_login(sim, session):
    sim.faults.inject(Fault.HTTP_406)
    auth = blinkpy_login(sim, session).auth

    with pytest.raises(LoginError):
        await auth.startup()


async def test_startup_with_saved_tokens_refreshes_and_rotates_them(sim, session, signed_in):
    first = signed_in.auth
    sim.requests.reset()
    second = Auth(dict(first.login_attributes), no_prompt=True, session=session)

    await second.startup()

    assert sim.requests.by_endpoint == Counter({"oauth_token": 1})
    assert second.token == sim.issued_tokens[-1] != first.token
    assert second.refresh_token != first.refresh_token
    # A refresh token works once.
    assert await api.oauth_refresh_token(first, first.refresh_token, first.hardware_id) is None


async def test_in_flight_refresh_rotates_the_token_and_calls_back(sim, signed_in):
    auth = signed_in.auth
    calls = []
    auth.callback = lambda: calls.append("refreshed")
    auth.expiration_date = time.time()  # due: blinkpy refreshes before the next request
    old_token = auth.token

    networks = await api.request_networks(signed_in)

    assert str(sim.fleet.networks[0].network_id) in networks["summary"]
    assert auth.token == sim.issued_tokens[-1] != old_token
    assert calls == ["refreshed"]


async def test_refresh_from_another_hardware_id_is_refused_with_406(sim, session, signed_in):
    auth = signed_in.auth
    answer = await session.post(
        f"{sim.base_url}/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": auth.refresh_token,
            "client_id": "ios",
            "scope": "client",
            "hardware_id": str(uuid.uuid4()).upper(),
        },
    )
    assert answer.status == 406

    auth.hardware_id = str(uuid.uuid4()).upper()
    with pytest.raises(TokenRefreshFailed):
        await auth.refresh_tokens(refresh=True)


async def test_revoked_tokens_are_refused_everywhere(sim, signed_in):
    sim.revoke_tokens()

    with pytest.raises(UnauthorizedError):
        await api.request_networks(signed_in)
    with pytest.raises(UnauthorizedError):
        await signed_in.auth.refresh_tokens(refresh=True)


async def test_access_tokens_expire_after_four_hours_of_simulated_time(sim, clock, signed_in):
    assert await api.request_networks(signed_in) is not None

    clock.advance(timedelta(hours=4, seconds=1))

    with pytest.raises(UnauthorizedError):
        await api.request_networks(signed_in)


async def test_refresh_can_demand_a_pin(sim, signed_in):
    sim.faults.inject(Fault.TWO_FA_ON_REFRESH, times=1)

    with pytest.raises(BlinkTwoFARequiredError):
        await signed_in.auth.refresh_tokens(refresh=True)
    await signed_in.auth.refresh_tokens(refresh=True)
    assert signed_in.auth.token == sim.issued_tokens[-1]
