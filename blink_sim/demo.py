"""What the dev server's demo adds to one simulated account: a clock it can jump, a second account.

* `SteerableClock` runs at `speed` from wherever it was last set; `scripts/develop` starts it a
  year in the past, jumps it forward while it seeds the history, then leaves it at the present.
* `AccountRouter` serves several simulated accounts behind one address (blinkpy is pointed at
  one base URL): each `SimCloud` listens on a private port, a small front server forwards every
  request to the account it belongs to. Sign-in is shared (`MultiAccountOAuth` knows every
  account's e-mail, password and PIN), so a token says which account a REST request is for.

Nothing here changes how a single `SimCloud` behaves; tests keep using it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
import json
import logging
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

from blink_sim.fleet import Fleet
from blink_sim.oauth import OAuthServer, Refusal, TokenGrant, WebSession
from blink_sim.server import CONTROL_PREFIX, SimCloud

# The second account's prefix on the control API: /_sim/accounts/2/devices/... etc.
ACCOUNT_CONTROL_PREFIX = f"{CONTROL_PREFIX}accounts/"
# Headers that describe one hop, not the message (RFC 9110 §7.6.1), plus what aiohttp sets.
_HOP_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
        "content-encoding",
        "host",
        "upgrade",
    }
)


class SteerableClock:
    """Simulated time: runs `speed` times faster than real time from the last `set`."""

    def __init__(self, start: datetime | None = None, speed: float = 1.0) -> None:
        """Start at `start` (now if None)."""
        self.speed = speed
        self._set_at = datetime.now(UTC)
        self._origin = start or self._set_at

    def __call__(self) -> datetime:
        """The simulated time now."""
        return self._origin + (datetime.now(UTC) - self._set_at) * self.speed

    def set(self, moment: datetime) -> None:
        """Jump to `moment`: never before the last jump (the time run since then may be redone)."""
        if moment < self._origin:
            raise ValueError(f"{moment.isoformat()} is before the last jump, {self._origin}")
        self._set_at = datetime.now(UTC)
        self._origin = moment


def add_clock_control(sim: SimCloud, clock: SteerableClock) -> None:
    """`POST /_sim/clock {"now": iso}` jumps the clock; `GET` reads it. Call before `start`."""

    async def read(_request: web.Request) -> web.StreamResponse:
        return web.json_response({"now": clock().isoformat()})

    async def jump(request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
            moment = datetime.fromisoformat(str(body["now"]))
            if moment.tzinfo is None:
                raise ValueError("the time needs a UTC offset")  # noqa: TRY301 - one answer
            clock.set(moment)
        except (ValueError, KeyError, TypeError) as err:
            return web.json_response({"error": str(err)}, status=400)
        return web.json_response({"now": clock().isoformat()})

    sim.app.router.add_get(f"{CONTROL_PREFIX}clock", read)
    sim.app.router.add_post(f"{CONTROL_PREFIX}clock", jump)


@dataclass(frozen=True, slots=True)
class Credentials:
    """One account's sign-in: e-mail, password, PIN, and whether it asks for the PIN."""

    username: str
    password: str
    pin: str
    require_pin: bool = False


class MultiAccountOAuth(OAuthServer):
    """Blink's sign-in for several accounts; remembers which account each token belongs to."""

    def __init__(self, clock: Callable[[], datetime], accounts: Mapping[int, Credentials]) -> None:
        """`accounts` by account id; the first is the default (`grant_directly`)."""
        first = next(iter(accounts.values()))
        super().__init__(clock, first.username, first.password, first.pin)
        self.accounts = dict(accounts)
        self.default_account = next(iter(accounts))
        self._session_account: dict[int, int] = {}
        self._code_account: dict[str, int] = {}
        self._token_account: dict[str, int] = {}

    def _credentials_for(self, username: str | None) -> tuple[int, Credentials]:
        for account_id, credentials in self.accounts.items():
            if credentials.username == username:
                return account_id, credentials
        raise Refusal(401, {"error": "invalid_credentials", "error_cause": "username_or_password"})

    def sign_in(self, session: WebSession, form: Mapping[str, str]) -> bool:
        """Check the e-mail and password against every account; ask for that account's PIN."""
        self._check_csrf(session, form)
        account_id, credentials = self._credentials_for(form.get("username"))
        if form.get("password") != credentials.password:
            raise Refusal(
                401, {"error": "invalid_credentials", "error_cause": "username_or_password"}
            )
        self._session_account[id(session)] = account_id
        if credentials.require_pin or (account_id == self.default_account and self.require_pin):
            session.awaiting_pin = True
            return False
        session.signed_in = True
        return True

    def verify_pin(self, session: WebSession, form: Mapping[str, str], *, refuse: bool) -> None:
        """Check the PIN of the account this session signed in to."""
        account_id = self._session_account.get(id(session), self.default_account)
        self.pin = self.accounts[account_id].pin
        try:
            super().verify_pin(session, form, refuse=refuse)
        finally:
            self.pin = self.accounts[self.default_account].pin

    def issue_code(self, session: WebSession) -> str | None:
        """Hand out a code, remembering the account it signs in to."""
        code = super().issue_code(session)
        if code is not None:
            self._code_account[code] = self._session_account.get(id(session), self.default_account)
        return code

    def exchange_code(self, form: Mapping[str, str]) -> TokenGrant:
        """Tokens for the account the code was issued to."""
        account_id = self._code_account.pop(form.get("code", ""), self.default_account)
        grant = super().exchange_code(form)
        self._token_account[grant.access_token] = account_id
        self._token_account[grant.refresh_token] = account_id
        return grant

    def refresh(self, form: Mapping[str, str], header_hardware_id: str | None) -> TokenGrant:
        """Rotated tokens stay with the account of the refresh token."""
        account_id = self._token_account.get(form.get("refresh_token", ""), self.default_account)
        grant = super().refresh(form, header_hardware_id)
        self._token_account[grant.access_token] = account_id
        self._token_account[grant.refresh_token] = account_id
        return grant

    def account_of(self, authorization: str | None) -> int:
        """The account an `Authorization: Bearer` header belongs to (default: the first)."""
        _scheme, _, token = (authorization or "").partition(" ")
        return self._token_account.get(token, self.default_account)


def save_grants(oauth: OAuthServer, path: Path) -> None:
    """Write the tokens issued so far (and their accounts) to `path`, for `load_grants`.

    A real Blink cloud does not forget its tokens when the dev server restarts; with this the
    simulated one does not either, so blink_care's stored refresh token keeps working.
    """
    accounts = oauth._token_account if isinstance(oauth, MultiAccountOAuth) else {}  # noqa: SLF001
    grants = [
        {
            "access_token": grant.access_token,
            "refresh_token": grant.refresh_token,
            "hardware_id": grant.hardware_id,
            "client_id": grant.client_id,
            "issued_at": grant.issued_at.isoformat(),
            "revoked": grant.revoked,
            "refreshed": grant.refreshed,
            "account_id": accounts.get(grant.access_token),
        }
        for grant in oauth.grants
    ]
    path.write_text(json.dumps({"grants": grants}, indent=1) + "\n", encoding="utf-8")


def load_grants(oauth: OAuthServer, path: Path) -> int:
    """Accept again the tokens `save_grants` wrote (none if the file is missing or damaged)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))["grants"]
        grants = [
            (
                TokenGrant(
                    access_token=str(item["access_token"]),
                    refresh_token=str(item["refresh_token"]),
                    hardware_id=str(item["hardware_id"]),
                    client_id=int(item["client_id"]),
                    issued_at=datetime.fromisoformat(item["issued_at"]),
                    revoked=bool(item["revoked"]),
                    refreshed=bool(item["refreshed"]),
                ),
                item.get("account_id"),
            )
            for item in raw
        ]
    except OSError, ValueError, KeyError, TypeError:
        return 0
    for grant, account_id in grants:
        oauth.grants.append(grant)
        if isinstance(oauth, MultiAccountOAuth) and account_id is not None:
            oauth._token_account[grant.access_token] = int(account_id)  # noqa: SLF001
            oauth._token_account[grant.refresh_token] = int(account_id)  # noqa: SLF001
    return len(grants)


def second_account_fleet(now: datetime) -> Fleet:
    """A small second account ("Lake house": a sync module, two cameras) with its own ids.

    Serials, device, network and account ids all differ from the showcase's, as two real Blink
    accounts' would.
    """
    fleet = Fleet.build(now=now, sync_modules=1, battery_cameras=2)
    fleet.account_id, fleet.user_id, fleet.region = 1000002, 1888002, "u035"
    offset = 50000
    for network in fleet.networks:
        network.network_id += offset
        network.name = "Lake house"
    for device in fleet.devices:
        device.serial = device.serial.replace("SIM-", "SIM2-", 1)
        device.device_id += offset
        device.network_id += offset
    fleet.devices[0].name = "Lake Sync"
    for index, device in enumerate(fleet.devices[1:], start=1):
        device.name = ("Jetty", "Boathouse")[(index - 1) % 2]
    return fleet


class AccountRouter:
    """Several simulated accounts behind one base URL, each a `SimCloud` on a private port."""

    def __init__(self, clouds: Mapping[int, SimCloud], oauth: MultiAccountOAuth) -> None:
        """`clouds` by account id; every cloud signs in through `oauth`."""
        self.clouds = dict(clouds)
        self.oauth = oauth
        for cloud in self.clouds.values():
            cloud.oauth = oauth
        self.primary = next(iter(self.clouds.values()))
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.base_url: str | None = None

    @property
    def account_numbers(self) -> dict[int, SimCloud]:
        """Accounts by their number on the control API (1 = the primary account)."""
        return dict(enumerate(self.clouds.values(), start=1))

    async def start(self, host: str, port: int, *, access_log: logging.Logger | None = None) -> str:
        """Start every account's cloud privately and the front server on host:port."""
        for cloud in self.clouds.values():
            await cloud.start("127.0.0.1", 0)
        self._session = aiohttp.ClientSession(auto_decompress=False)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=access_log, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        self.base_url = f"http://{host}:{self._runner.addresses[0][1]}"
        return self.base_url

    async def stop(self) -> None:
        """Stop the front server and every account's cloud."""
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()
        for cloud in self.clouds.values():
            await cloud.stop()
        self._runner = self._session = self.base_url = None

    def route(self, path: str, authorization: str | None) -> tuple[SimCloud, str]:
        """Which account's cloud answers this request, and the path it sees there.

        `/_sim/accounts/N/...` is account N's control API; the rest of the control API is the
        primary account's. Sign-in pages are shared; REST calls go where their token belongs.
        """
        if path.startswith(ACCOUNT_CONTROL_PREFIX):
            number, _, rest = path[len(ACCOUNT_CONTROL_PREFIX) :].partition("/")
            cloud = self.account_numbers.get(int(number)) if number.isdigit() else None
            if cloud is None:
                raise web.HTTPNotFound(text=f"no simulated account {number}")
            return cloud, f"{CONTROL_PREFIX}{rest}"
        if path.startswith(CONTROL_PREFIX):
            return self.primary, path
        return self.clouds.get(self.oauth.account_of(authorization), self.primary), path

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        if self._session is None:
            raise web.HTTPServiceUnavailable
        cloud, path = self.route(request.path, request.headers.get("Authorization"))
        headers = _end_to_end(request.headers)
        async with self._session.request(
            request.method,
            cloud.base_url + path + (f"?{request.query_string}" if request.query_string else ""),
            headers=headers,
            data=await request.read(),
            allow_redirects=False,
        ) as answer:
            body = await answer.read()
            return web.Response(
                status=answer.status, headers=_end_to_end(answer.headers), body=body
            )


def _end_to_end(headers: Mapping[str, Any]) -> CIMultiDict[str]:
    """The headers a proxy passes on (every Set-Cookie kept)."""
    kept: CIMultiDict[str] = CIMultiDict()
    items = headers.items()
    for name, value in items:
        if name.lower() not in _HOP_HEADERS:
            kept.add(name, str(value))
    return kept
