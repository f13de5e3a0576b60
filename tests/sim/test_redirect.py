"""`redirect_blinkpy` points every URL blinkpy binds at the simulated cloud, and undoes it."""

import blinkpy.api
from blinkpy.auth import Auth
from blinkpy.blinkpy import Blink
import blinkpy.helpers.constants
from blinkpy.helpers.util import BlinkURLHandler

from blink_sim.redirect import redirect_blinkpy

BASE = "http://127.0.0.1:9"


def blinkpy_bindings() -> dict[str, object]:
    return {
        "authorize": blinkpy.api.OAUTH_AUTHORIZE_URL,
        "signin": blinkpy.api.OAUTH_SIGNIN_URL,
        "verify": blinkpy.api.OAUTH_2FA_VERIFY_URL,
        "token": blinkpy.api.OAUTH_TOKEN_URL,
        "constants token": blinkpy.helpers.constants.OAUTH_TOKEN_URL,
        "login default": Auth.login.__defaults__,
        "tier default": Auth.get_tier_info.__defaults__,
        "query default": Auth.query.__defaults__,
        "rest base": BlinkURLHandler("u034").base_url,
        "homescreen request": blinkpy.api.request_homescreen,
        "refresh": Blink.refresh,
    }


def test_every_binding_points_at_the_sim_while_redirected():
    undo = redirect_blinkpy(BASE + "/", timeout=0.5)
    try:
        urls = BlinkURLHandler("e006")
        assert f"{BASE}/oauth/v2/authorize" == blinkpy.api.OAUTH_AUTHORIZE_URL
        assert f"{BASE}/oauth/v2/signin" == blinkpy.api.OAUTH_SIGNIN_URL
        assert f"{BASE}/oauth/v2/2fa/verify" == blinkpy.api.OAUTH_2FA_VERIFY_URL
        assert f"{BASE}/oauth/token" == blinkpy.api.OAUTH_TOKEN_URL
        assert Auth.login.__defaults__[0] == f"{BASE}/oauth/token"
        assert Auth.get_tier_info.__defaults__[0] == f"{BASE}/api/v1/users/tier_info"
        assert 0.5 in Auth.query.__defaults__
        assert (urls.base_url, urls.networks_url) == (BASE, f"{BASE}/networks")
    finally:
        undo()


def test_undo_restores_everything():
    before = blinkpy_bindings()

    redirect_blinkpy(BASE, timeout=0.5, throttle=False)()

    assert blinkpy_bindings() == before
    assert before["rest base"] == "https://rest-u034.immedia-semi.com"


def test_throttles_stay_unless_asked_to_go():
    throttled = blinkpy.api.request_homescreen

    undo_kept = redirect_blinkpy(BASE)
    kept = blinkpy.api.request_homescreen
    undo_kept()
    undo_removed = redirect_blinkpy(BASE, throttle=False)
    removed_homescreen, removed_refresh = blinkpy.api.request_homescreen, Blink.refresh
    undo_removed()

    assert kept is throttled
    assert removed_homescreen is throttled.__wrapped__
    assert removed_refresh is Blink.refresh.__wrapped__
