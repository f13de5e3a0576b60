"""Point an already-imported blinkpy at the simulated cloud.

Test, dev-server and benchmark tooling only: the shipped integration never imports
blink_sim. blinkpy binds its URLs in three ways, and all of them are rewritten:
module globals (`blinkpy.api.OAUTH_*_URL`, `blinkpy.helpers.constants`), default arguments
(`Auth.login(login_url=...)`, `Auth.get_tier_info(tier_url=...)`), and the REST base URL
built by `blinkpy.helpers.util.BlinkURLHandler` for the account's region.
"""

from __future__ import annotations

from collections.abc import Callable
import functools
import inspect
from typing import Any

_OAUTH_PATHS = {
    "OAUTH_AUTHORIZE_URL": "/oauth/v2/authorize",
    "OAUTH_SIGNIN_URL": "/oauth/v2/signin",
    "OAUTH_2FA_VERIFY_URL": "/oauth/v2/2fa/verify",
    "OAUTH_TOKEN_URL": "/oauth/token",
    "LOGIN_ENDPOINT": "/oauth/token",
    "TIER_ENDPOINT": "/api/v1/users/tier_info",
    "OAUTH_BASE_URL": "",
    "BASE_URL": "",
}


class _Patcher:
    """Applies changes and remembers how to take each one back."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []

    def set(self, owner: Any, name: str, value: Any) -> None:
        self._undo.append(functools.partial(setattr, owner, name, getattr(owner, name)))
        setattr(owner, name, value)

    def set_default(self, function: Any, parameter: str, value: Any) -> None:
        """Change the default of one positional parameter of a plain function."""
        with_defaults = [
            p.name
            for p in inspect.signature(function).parameters.values()
            if p.kind in {p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD} and p.default is not p.empty
        ]
        defaults = list(function.__defaults__)
        defaults[with_defaults.index(parameter)] = value
        self.set(function, "__defaults__", tuple(defaults))

    def undo(self) -> None:
        while self._undo:
            self._undo.pop()()


def _throttled(function: Any) -> bool:
    """Whether `function` is wrapped by blinkpy's sleeping `util.Throttle`."""
    from blinkpy.helpers.util import Throttle  # noqa: PLC0415 - blinkpy is imported lazily

    cells = getattr(function, "__closure__", None) or ()
    return hasattr(function, "__wrapped__") and any(
        isinstance(cell.cell_contents, Throttle) for cell in cells
    )


def redirect_blinkpy(
    base_url: str, *, timeout: float | None = None, throttle: bool = True
) -> Callable[[], None]:
    """Send every blinkpy request to `base_url`; return the function that undoes it.

    `timeout` replaces blinkpy's 10 s timeout of REST requests (`Auth.query`), so a
    simulated hang fails fast in tests. `throttle=False` removes blinkpy's throttles, which
    otherwise sleep up to 5 s between homescreen requests (their state is process-global).
    """
    import blinkpy.api  # noqa: PLC0415 - imported here so importing blink_sim stays light
    from blinkpy.auth import Auth  # noqa: PLC0415
    from blinkpy.blinkpy import Blink  # noqa: PLC0415
    import blinkpy.helpers.constants  # noqa: PLC0415

    base = base_url.rstrip("/")
    patcher = _Patcher()
    for module in (blinkpy.api, blinkpy.helpers.constants):
        for name, path in _OAUTH_PATHS.items():
            if hasattr(module, name):
                patcher.set(module, name, base + path)
    patcher.set_default(Auth.login, "login_url", base + _OAUTH_PATHS["LOGIN_ENDPOINT"])
    patcher.set_default(Auth.get_tier_info, "tier_url", base + _OAUTH_PATHS["TIER_ENDPOINT"])
    if timeout is not None:
        patcher.set_default(Auth.query, "timeout", timeout)
    _redirect_regional_urls(patcher, base)
    if not throttle:
        for owner in (blinkpy.api, Blink):
            _remove_throttles(patcher, owner)
    return patcher.undo


def _redirect_regional_urls(patcher: _Patcher, base: str) -> None:
    """Make every URL `BlinkURLHandler` builds for a region start with `base` instead."""
    from blinkpy.helpers.util import BlinkURLHandler  # noqa: PLC0415

    regional_init = BlinkURLHandler.__init__

    def simulated_init(handler: Any, region_id: Any) -> None:
        regional_init(handler, region_id)
        regional = handler.base_url
        for name, value in list(vars(handler).items()):
            if isinstance(value, str) and value.startswith(regional):
                setattr(handler, name, base + value[len(regional) :])

    patcher.set(BlinkURLHandler, "__init__", simulated_init)


def _remove_throttles(patcher: _Patcher, owner: Any) -> None:
    """Replace every throttled function of a module or class by the function it wraps."""
    for name, function in list(vars(owner).items()):
        if _throttled(function):
            patcher.set(owner, name, function.__wrapped__)
