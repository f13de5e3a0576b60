"""The simulated Blink cloud: one aiohttp server for the OAuth host and the REST host.

blinkpy talks to it over real HTTP once `blink_sim.redirect.redirect_blinkpy` points its
URLs here. Requests are counted per endpoint, faults can be injected, and a small control
API under `/_sim/` changes the simulated truth at runtime.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
import json
import logging
from typing import Any
import uuid

from aiohttp import web

from blink_sim import payloads
from blink_sim.battery_truth import Chemistry
from blink_sim.faults import (
    DEFAULT_TIMEOUT_DELAY,
    UNAUTHORIZED_BODY,
    Fault,
    FaultInjector,
    Stage,
    error_answer,
    rewrite_body,
)
from blink_sim.fleet import Fleet, Listing, OfflineWindow, SimDevice, SimNetwork
from blink_sim.oauth import REDIRECT_URI, OAuthServer, Refusal, TokenGrant

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SESSION_COOKIE = "blink_oauth_session"
CONTROL_PREFIX = "/_sim/"
UNKNOWN_ENDPOINT = "unknown"
# A 1x1 JPEG: blinkpy only caches the bytes.
THUMBNAIL_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c"
    "1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0"
    "000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bff"
    "da0008010100003f00d2cf20ffd9"
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RequestCounter:
    """Requests the server received, per endpoint name, faulted or not."""

    def __init__(self) -> None:
        """Start from zero."""
        self.by_endpoint: Counter[str] = Counter()

    @property
    def total(self) -> int:
        """All counted requests."""
        return self.by_endpoint.total()

    def record(self, endpoint: str) -> None:
        """Count one request."""
        self.by_endpoint[endpoint] += 1

    def reset(self) -> None:
        """Start counting again from zero."""
        self.by_endpoint.clear()


def _not_found(what: str) -> Refusal:
    return Refusal(404, {"message": f"{what} not found", "error": None, "code": 404})


class SimCloud:
    """A Blink account in the cloud: sign-in, tokens, REST data, faults, counters."""

    def __init__(
        self,
        fleet: Fleet,
        clock: Callable[[], datetime] = _utc_now,
        username: str = "user@example.com",
        password: str = "correct-horse",  # noqa: S107 - a simulated account's password
        pin: str = "123456",
    ) -> None:
        """Serve `fleet`; every time-dependent value is computed from `clock()`."""
        self.fleet = fleet
        self.clock = clock
        self.oauth = OAuthServer(clock, username, password, pin)
        self.requests = RequestCounter()
        self.faults = FaultInjector()
        self._commands: dict[int, int] = {}  # command id -> network id
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self.app = self._build_app()

    # -- identity --------------------------------------------------------------------------

    @property
    def account_id(self) -> int:
        """The account id `tier_info` hands out."""
        return self.fleet.account_id

    @property
    def region(self) -> str:
        """The account's tier, e.g. "u034"."""
        return self.fleet.region

    @property
    def username(self) -> str:
        """The e-mail address sign-in accepts."""
        return self.oauth.username

    @property
    def password(self) -> str:
        """The password sign-in accepts."""
        return self.oauth.password

    @password.setter
    def password(self, new_password: str) -> None:
        """The user changed the password in the Blink app."""
        self.oauth.password = new_password

    @property
    def pin(self) -> str:
        """The 2FA code verification accepts."""
        return self.oauth.pin

    @property
    def base_url(self) -> str:
        """Where the running server listens (after `start`)."""
        if self._base_url is None:
            raise RuntimeError("the simulated cloud is not running")
        return self._base_url

    @property
    def hardware_ids_seen(self) -> set[str]:
        """Every hardware id sent to authorize or token requests, valid or not."""
        return self.oauth.hardware_ids_seen

    @property
    def issued_tokens(self) -> list[str]:
        """Access tokens in the order they were issued (sign-ins and refreshes)."""
        return [grant.access_token for grant in self.oauth.grants]

    @property
    def grants(self) -> list[TokenGrant]:
        """Every token grant with its refresh token, hardware id and state."""
        return list(self.oauth.grants)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, *, access_log: logging.Logger | None = None
    ) -> str:
        """Listen on `host:port` (0: any free port); return the base URL."""
        runner = web.AppRunner(
            self.app,
            access_log=access_log,
            handler_cancellation=True,
            shutdown_timeout=1.0,
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        self._base_url = f"http://{host}:{bound_port}"
        return self._base_url

    async def stop(self) -> None:
        """Close every connection and stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None
        self._base_url = None

    # -- the simulated truth -----------------------------------------------------------------

    def device(self, serial: str) -> SimDevice:
        """Return the device with this serial (KeyError if none)."""
        return self.fleet.device(serial)

    def require_pin(self, required: bool = True) -> None:  # noqa: FBT001, FBT002 - interface
        """Make sign-in ask for the PIN (`sim.pin`) before it completes."""
        self.oauth.require_pin = required

    def set_online(self, serial: str, online: bool) -> None:  # noqa: FBT001 - interface
        """Take a device off the network from now on, or bring it back now.

        Bringing it back also ends any declared offline window it is in; a device whose
        batteries are dead stays offline. A sync module takes its cameras with it.
        """
        device = self.device(serial)
        now = self.clock()
        if online:
            device.forced_offline_since = None
            device.offline_windows = tuple(
                OfflineWindow(window.start, now) if window.covers(now) else window
                for window in device.offline_windows
            )
        elif device.forced_offline_since is None:
            device.forced_offline_since = now

    def set_battery(self, serial: str, depth_of_discharge: float) -> None:
        """Make the cells `depth_of_discharge` flat now (0 fresh, 1 dead); they keep draining."""
        self.device(serial).set_depth_of_discharge(depth_of_discharge, self.clock())

    def replace_batteries(self, serial: str, chemistry: Chemistry = Chemistry.LITHIUM) -> None:
        """Put fresh cells in now (of the wrong type too, or a USB adapter: EXTERNAL)."""
        device = self.device(serial)
        if not device.battery_powered:
            raise ValueError(f"{serial} is mains powered")
        device.chemistry = chemistry
        device.batteries_installed_at = self.clock()

    def add_device(self, device: SimDevice) -> None:
        """Add a device to the account now (its network must exist)."""
        if any(existing.serial == device.serial for existing in self.fleet.devices):
            raise ValueError(f"duplicate serial {device.serial}")
        self.fleet.network(device.network_id)
        now = self.clock()
        device.created_at = device.created_at or now
        if device.battery_powered and device.batteries_installed_at is None:
            device.batteries_installed_at = now
        self.fleet.devices.append(device)

    def remove_device(self, serial: str) -> None:
        """Delete a device from the account."""
        self.fleet.devices.remove(self.device(serial))

    def issue_token(self, hardware_id: str | None = None) -> TokenGrant:
        """Sign in out of band (no HTTP): a grant as if the app had just logged in."""
        return self.oauth.grant_directly(hardware_id or str(uuid.uuid4()).upper())

    def revoke_tokens(self) -> None:
        """Invalidate every issued token: REST answers 401 and refresh answers 401."""
        self.oauth.revoke_all()

    def state(self) -> dict[str, Any]:
        """Describe the true state of every device, the counters and the armed faults."""
        now = self.clock()
        devices = []
        for device in self.fleet.devices:
            state = self.fleet.state(device, now)
            battery = state.battery
            devices.append(
                {
                    "serial": device.serial,
                    "name": device.name,
                    "type": device.product_code,
                    "subtype": device.subtype,
                    "list": device.kind.value,
                    "network_id": device.network_id,
                    "online": state.online,
                    "seen_at": payloads.iso(state.seen_at),
                    "temperature_f": state.temperature_f,
                    "battery": None
                    if battery is None
                    else {
                        "chemistry": battery.chemistry.value,
                        "depth_of_discharge": round(battery.depth_of_discharge, 4),
                        "volts": battery.volts,
                        "state": battery.state,
                        "bars": battery.bars,
                    },
                }
            )
        return {
            "now": payloads.iso(now),
            "account_id": self.account_id,
            "region": self.region,
            "require_pin": self.oauth.require_pin,
            "devices": devices,
            "requests": {
                "total": self.requests.total,
                "by_endpoint": dict(self.requests.by_endpoint),
            },
            "faults": [injection.describe() for injection in self.faults.active],
            "tokens_issued": len(self.oauth.grants),
        }

    # -- HTTP plumbing ---------------------------------------------------------------------

    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        routes: list[tuple[str, str, str, Handler]] = [
            ("GET", "/oauth/v2/authorize", "oauth_authorize", self._oauth_authorize),
            ("GET", "/oauth/v2/signin", "oauth_signin_page", self._oauth_signin_page),
            ("POST", "/oauth/v2/signin", "oauth_signin", self._oauth_signin),
            ("POST", "/oauth/v2/2fa/verify", "oauth_2fa_verify", self._oauth_2fa_verify),
            ("POST", "/oauth/token", "oauth_token", self._oauth_token),
            ("GET", "/api/v1/users/tier_info", "tier_info", self._tier_info),
            ("GET", "/api/v3/accounts/{account}/homescreen", "homescreen", self._homescreen),
            ("GET", "/networks", "networks", self._networks),
            ("GET", "/api/v1/camera/usage", "camera_usage", self._camera_usage),
            ("GET", "/network/{network}/syncmodules", "syncmodules", self._syncmodules),
            ("POST", "/network/{network}/update", "network_update", self._network_update),
            ("GET", "/network/{network}/camera/{device}/config", "camera_config", self._config),
            ("GET", "/network/{network}/camera/{device}/signals", "camera_signals", self._signals),
            ("GET", "/network/{network}/command/{command}", "command", self._command),
            ("GET", "/api/v1/accounts/{account}/media/changed", "media_changed", self._media),
            (
                "GET",
                (
                    "/api/v3/media/accounts/{account}/networks/{network}/{product}/{device}"
                    "/thumbnail/thumbnail.jpg"
                ),
                "thumbnail",
                self._thumbnail,
            ),
            (
                "POST",
                "/api/v1/accounts/{account}/networks/{network}/state/{action:arm|disarm}",
                "arm",
                self._arm,
            ),
            (
                "GET",
                "/api/v1/accounts/{account}/networks/{network}/owls/{device}/config",
                "owl_config",
                self._owl_config,
            ),
            (
                "GET",
                "/api/v1/accounts/{account}/networks/{network}/doorbells/{device}/config",
                "doorbell_config",
                self._doorbell_config,
            ),
            ("GET", "/_sim/state", "sim-state", self._control_state),
            (
                "POST",
                "/_sim/devices/{serial}/{action:online|offline}",
                "sim-online",
                self._control_online,
            ),
            (
                "POST",
                "/_sim/devices/{serial}/replace_batteries",
                "sim-replace-batteries",
                self._control_replace_batteries,
            ),
            ("POST", "/_sim/devices/{serial}/battery", "sim-battery", self._control_battery),
            ("POST", "/_sim/faults/{fault}", "sim-fault", self._control_inject),
            ("DELETE", "/_sim/faults", "sim-faults-clear", self._control_clear_faults),
            ("POST", "/_sim/require_pin", "sim-require-pin", self._control_require_pin),
            ("POST", "/_sim/revoke_tokens", "sim-revoke", self._control_revoke),
            ("DELETE", "/_sim/requests", "sim-requests-reset", self._control_reset_requests),
        ]
        for method, path, name, handler in routes:
            app.router.add_route(method, path, handler, name=name)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Serve one request per connection.

        Tests move the clock forward in jumps, and each jump fires the server's keep-alive
        timers; a pooled connection could then be closed just as a client reuses it. Closing
        after every answer keeps runs deterministic (Blink itself keeps connections open).
        """
        response = await self._serve(request, handler)
        response.force_close()
        return response

    async def _serve(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Count the request, apply armed faults, and turn refusals into JSON answers."""
        if request.path.startswith(CONTROL_PREFIX):
            return await self._answer(request, handler)
        endpoint = request.match_info.route.name or UNKNOWN_ENDPOINT
        self.requests.record(endpoint)
        early = self.faults.take(endpoint, Stage.BEFORE)
        if early is not None:
            if early.fault is Fault.TIMEOUT:
                delay = early.delay if early.delay is not None else DEFAULT_TIMEOUT_DELAY
                await asyncio.sleep(delay)
            elif early.fault is Fault.DISCONNECT:
                return _drop_connection(request)
            else:
                answer = error_answer(early)
                if answer is not None:
                    return answer
        response = await self._answer(request, handler)
        if (
            isinstance(response, web.Response)
            and response.content_type == "application/json"
            and response.status < 300  # noqa: PLR2004 - success statuses
            and isinstance(response.body, bytes)
        ):
            late = self.faults.take(endpoint, Stage.AFTER)
            if late is not None:
                response.body = rewrite_body(late.fault, response.body)
        return response

    @staticmethod
    async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except Refusal as refusal:
            return web.json_response(refusal.body, status=refusal.status)

    def _grant(self, request: web.Request) -> TokenGrant:
        grant = self.oauth.bearer(request.headers.get("Authorization"))
        if grant is None:
            raise Refusal(401, UNAUTHORIZED_BODY)
        return grant

    def _check_account(self, request: web.Request) -> None:
        if request.match_info.get("account") != str(self.account_id):
            raise _not_found("Account")

    def _find(self, request: web.Request, *listings: Listing) -> SimDevice:
        """Return the device a REST path names by network and device id."""
        network_id, device_id = request.match_info["network"], request.match_info["device"]
        for device in self.fleet.devices:
            if (
                device.kind in listings
                and str(device.device_id) == device_id
                and str(device.network_id) == network_id
            ):
                return device
        raise _not_found("Device")

    def _network(self, request: web.Request) -> SimNetwork:
        network_id = request.match_info["network"]
        for network in self.fleet.networks:
            if str(network.network_id) == network_id:
                return network
        raise _not_found("Network")

    # -- OAuth host ------------------------------------------------------------------------

    async def _oauth_authorize(self, request: web.Request) -> web.StreamResponse:
        """With the app's query: open a sign-in session. Without: hand out the code."""
        if request.query:
            session_id, _ = self.oauth.authorize(request.query)
            response = web.Response(text=_AUTHORIZE_PAGE, content_type="text/html")
            response.set_cookie(SESSION_COOKIE, session_id, httponly=True, path="/")
            return response
        session = self.oauth.session(request.cookies.get(SESSION_COOKIE))
        code = self.oauth.issue_code(session)
        location = f"{REDIRECT_URI}?code={code}" if code else "/oauth/v2/signin"
        return web.Response(status=302, headers={"Location": location})

    async def _oauth_signin_page(self, request: web.Request) -> web.StreamResponse:
        session = self.oauth.session(request.cookies.get(SESSION_COOKIE))
        args = json.dumps({"csrf-token": session.csrf_token})  # url-safe token: nothing to escape
        return web.Response(text=_SIGNIN_PAGE.format(args=args), content_type="text/html")

    async def _oauth_signin(self, request: web.Request) -> web.StreamResponse:
        session = self.oauth.session(request.cookies.get(SESSION_COOKIE))
        if self.oauth.sign_in(session, await _form(request)):
            return web.Response(status=302, headers={"Location": "/oauth/v2/authorize"})
        body = {
            "next_time_in_secs": 60,
            "phone": "+1*******0123",
            "tsv_methods": ["sms", "whatsapp", "voice"],
            "tsv_state": "sms",
            "user_id": self.fleet.user_id,
        }
        return web.json_response(body, status=202)

    async def _oauth_2fa_verify(self, request: web.Request) -> web.StreamResponse:
        session = self.oauth.session(request.cookies.get(SESSION_COOKIE))
        refuse = self.faults.take("oauth_2fa_verify", Stage.INSIDE, Fault.WRONG_PIN)
        self.oauth.verify_pin(session, await _form(request), refuse=refuse is not None)
        return web.json_response({"status": "auth-completed"}, status=201)

    async def _oauth_token(self, request: web.Request) -> web.StreamResponse:
        form = await _form(request)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            grant = self.oauth.exchange_code(form)
        elif grant_type == "refresh_token":
            if self.faults.take("oauth_token", Stage.INSIDE, Fault.TWO_FA_ON_REFRESH):
                raise Refusal(412, {"error": "unauthorized_client", "error_cause": "2fa_required"})
            if self.faults.take("oauth_token", Stage.INSIDE, Fault.REFRESH_REFUSED):
                # What OAuth answers for an expired or withdrawn refresh token (RFC 6749 5.2).
                raise Refusal(400, {"error": "invalid_grant", "error_cause": "refresh_token"})
            grant = self.oauth.refresh(form, request.headers.get("hardware_id"))
        else:
            raise Refusal(400, {"error": "unsupported_grant_type", "error_cause": grant_type})
        return web.json_response(grant.answer())

    # -- REST host -------------------------------------------------------------------------

    async def _tier_info(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        return web.json_response({"tier": self.region, "account_id": self.account_id})

    async def _homescreen(self, request: web.Request) -> web.StreamResponse:
        grant = self._grant(request)
        self._check_account(request)
        headers = {"Client-Id": str(grant.client_id), "User-Id": str(self.fleet.user_id)}
        body = payloads.homescreen(self.fleet, self.clock())
        return web.json_response(body, headers=headers)

    async def _networks(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        return web.json_response(payloads.networks(self.fleet, self.clock()))

    async def _camera_usage(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        return web.json_response(payloads.camera_usage(self.fleet))

    async def _syncmodules(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        sync_module = self.fleet.sync_module_of(self._network(request).network_id)
        if sync_module is None:
            raise _not_found("Sync module")
        return web.json_response(payloads.sync_module_detail(self.fleet, sync_module, self.clock()))

    async def _network_update(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        network = self._network(request)
        return web.json_response(
            {"network": payloads.network_info(self.fleet, network, self.clock())}
        )

    async def _config(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        device = self._find(request, Listing.CAMERAS)
        return web.json_response(payloads.camera_config(self.fleet, device, self.clock()))

    async def _signals(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        device = self._find(request, Listing.CAMERAS)
        return web.json_response(payloads.camera_signals(self.fleet, device, self.clock()))

    async def _owl_config(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        self._check_account(request)
        device = self._find(request, Listing.OWLS)
        return web.json_response(payloads.owl_config(self.fleet, device, self.clock()))

    async def _doorbell_config(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        self._check_account(request)
        device = self._find(request, Listing.DOORBELLS)
        return web.json_response(payloads.doorbell_config(self.fleet, device, self.clock()))

    async def _media(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        self._check_account(request)
        return web.json_response(payloads.media_changed(self.fleet))

    async def _thumbnail(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        self._check_account(request)
        device = self._find(request, Listing.CAMERAS, Listing.OWLS, Listing.DOORBELLS)
        if device.product_code != request.match_info["product"]:
            raise _not_found("Thumbnail")
        return web.Response(body=THUMBNAIL_JPEG, content_type="image/jpeg")

    async def _arm(self, request: web.Request) -> web.StreamResponse:
        """Arm or disarm a system; the answer is a command blinkpy then polls."""
        self._grant(request)
        self._check_account(request)
        network = self._network(request)
        network.armed = request.match_info["action"] == "arm"
        network.updated_at = self.clock()
        command_id = 700000001 + len(self._commands)
        self._commands[command_id] = network.network_id
        body = {"id": command_id, "network_id": network.network_id, "state": "new"}
        return web.json_response(body)

    async def _command(self, request: web.Request) -> web.StreamResponse:
        self._grant(request)
        command_id = int(request.match_info["command"])
        network_id = self._commands.get(command_id)
        if network_id is None or str(network_id) != request.match_info["network"]:
            raise _not_found("Command")
        body = {"id": command_id, "network_id": network_id, "complete": True, "status_code": 908}
        return web.json_response(body)

    # -- control API (not Blink's; no auth, not counted) ----------------------------------

    async def _control_state(self, _request: web.Request) -> web.StreamResponse:
        return web.json_response(self.state())

    async def _control_device(
        self, request: web.Request, change: Callable[[str], None]
    ) -> web.StreamResponse:
        try:
            change(request.match_info["serial"])
        except KeyError as error:
            raise _not_found("Device") from error
        except ValueError as error:
            raise Refusal(400, {"message": str(error)}) from error
        return web.json_response(self.state())

    async def _control_online(self, request: web.Request) -> web.StreamResponse:
        online = request.match_info["action"] == "online"
        return await self._control_device(request, lambda serial: self.set_online(serial, online))

    async def _control_replace_batteries(self, request: web.Request) -> web.StreamResponse:
        options = await _json_options(request)
        chemistry = _option(options, "chemistry", Chemistry, default=Chemistry.LITHIUM)
        return await self._control_device(
            request, lambda serial: self.replace_batteries(serial, chemistry)
        )

    async def _control_battery(self, request: web.Request) -> web.StreamResponse:
        depth = _option(await _json_options(request), "depth_of_discharge", float)
        return await self._control_device(request, lambda serial: self.set_battery(serial, depth))

    async def _control_inject(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["fault"].lower()
        if name not in {fault.value for fault in Fault}:
            raise _not_found(f"Fault {name!r}")
        options = await _json_options(request)
        endpoints = options.get("endpoints")
        try:
            self.faults.inject(
                Fault(name),
                times=options.get("times"),
                endpoints=set(endpoints) if endpoints is not None else None,
                retry_after=options.get("retry_after"),
                delay=options.get("delay"),
            )
        except (TypeError, ValueError) as error:
            raise Refusal(400, {"message": str(error)}) from error
        return web.json_response(self.state())

    async def _control_clear_faults(self, _request: web.Request) -> web.StreamResponse:
        self.faults.clear()
        return web.json_response(self.state())

    async def _control_require_pin(self, request: web.Request) -> web.StreamResponse:
        self.require_pin(bool((await _json_options(request)).get("required", True)))
        return web.json_response(self.state())

    async def _control_revoke(self, _request: web.Request) -> web.StreamResponse:
        self.revoke_tokens()
        return web.json_response(self.state())

    async def _control_reset_requests(self, _request: web.Request) -> web.StreamResponse:
        self.requests.reset()
        return web.json_response(self.state())


async def _form(request: web.Request) -> dict[str, str]:
    """Return the url-encoded form fields of a POST."""
    return {key: value for key, value in (await request.post()).items() if isinstance(value, str)}


async def _json_options(request: web.Request) -> Mapping[str, Any]:
    """Return the optional JSON object a control request carries."""
    if not request.can_read_body:
        return {}
    try:
        options = await request.json()
    except json.JSONDecodeError as error:
        raise Refusal(400, {"message": f"invalid JSON: {error}"}) from error
    if not isinstance(options, dict):
        raise Refusal(400, {"message": "expected a JSON object"})
    return options


def _option[T](
    options: Mapping[str, Any], key: str, convert: Callable[[Any], T], default: T | None = None
) -> T:
    """Return one control option converted, or answer 400 when it is missing or unusable."""
    if key not in options and default is not None:
        return default
    try:
        return convert(options[key])
    except (KeyError, TypeError, ValueError) as error:
        raise Refusal(400, {"message": f"missing or unusable {key!r}"}) from error


def _drop_connection(request: web.Request) -> web.StreamResponse:
    """Close the socket without a byte of answer (the client sees a disconnect)."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response()


_AUTHORIZE_PAGE = """<!DOCTYPE html>
<html><head><title>Blink</title></head>
<body><p>Continue to <a href="/oauth/v2/signin">sign in</a>.</p></body></html>
"""

_SIGNIN_PAGE = """<!DOCTYPE html>
<html><head><title>Sign in to Blink</title>
<script id="oauth-args" type="application/json">{args}</script>
</head><body>
<form method="post" action="/oauth/v2/signin">
<input name="username" type="email"><input name="password" type="password">
</form></body></html>
"""
