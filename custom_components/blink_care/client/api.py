"""The Blink cloud client: blinkpy's login and requests, with faults turned into typed errors.

Why not `Blink.start()` / `Blink.refresh()`: they rediscover the whole account and download
thumbnails, 1 + 2S + 3C + M + 2O requests per refresh. blink_care needs one homescreen request
per poll and, now and then, one camera config. blinkpy still does the OAuth login, the token
refresh and every HTTP request; this class only chooses which requests to make.

blinkpy swallows most HTTP statuses (a 406 on login becomes "login failed", a 429 becomes None),
so the aiohttp session carries a trace that records each status; faults are classified from it.
"""

import asyncio
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
import json
import logging
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode, urlsplit
import uuid

import aiohttp
from blinkpy import api as blink_api
from blinkpy.auth import (
    Auth,
    BlinkTwoFARequiredError,
    LoginError,
    TokenRefreshFailed,
    UnauthorizedError,
)
from blinkpy.blinkpy import Blink, BlinkSetupError

from .errors import (
    AuthFailedError,
    BlinkCareError,
    CloudUnreachableError,
    HardwareIdRejectedError,
    InvalidPinError,
    RateLimitedError,
    TwoFactorRequiredError,
)
from .models import AccountSnapshot, CameraConfigSnapshot, DeviceSnapshot
from .parse import check_body_code, parse_camera_config, parse_homescreen

_LOGGER = logging.getLogger(__name__)

# What the config entry keeps of blinkpy's login attributes (never uid/device_id legacy keys).
STORED_LOGIN_KEYS = (
    "username",
    "password",
    "hardware_id",
    "token",
    "refresh_token",
    "expires_in",
    "expiration_date",
    "host",
    "region_id",
    "account_id",
    "client_id",
    "user_id",
)
# Renew the access token this long before it expires, the way blinkpy's startup does
# (client "ios", hardware id in the form), which Blink accepts more reliably than the
# in-flight refresh blinkpy does 60 s before expiry.
TOKEN_REFRESH_MARGIN_S = 600
# After a failed renewal the current token is used only while it has this long left: blinkpy
# would otherwise start its own in-flight refresh (60 s before expiry) in the middle of a poll.
TOKEN_MIN_REMAINING_S = 120
# Every request of a sign-in or token renewal gives up after this long. blinkpy passes no
# timeout there, and aiohttp's default (5 minutes) would hold the client's lock as long.
AUTH_REQUEST_TIMEOUT_S = 20.0
# A whole sign-in (up to six requests) gives up after this long.
SIGN_IN_TIMEOUT_S = 60.0

# Blink's Retry-After is obeyed up to this long: a hint of hours or days (a misconfigured
# proxy, a wrong date) would otherwise silence the integration; it is also the longest back-off.
LONGEST_WAIT_S = 1800.0

HTTP_OK = 200
HTTP_BAD_REQUEST = 400
HTTP_UNAUTHORIZED = 401
HTTP_NOT_ACCEPTABLE = 406
HTTP_PRECONDITION_FAILED = 412  # Blink: "verify this sign-in with a PIN"
HTTP_TOO_MANY_REQUESTS = 429
HTTP_SERVER_ERROR = 500


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the session saw it: its outcome, never its body or headers."""

    method: str
    path: str
    status: int | None  # None: no answer (timeout, refused, dropped)
    retry_after: float | None = None


class RequestRecorder:
    """Watches the client's session: statuses for fault classification, counts for diagnostics."""

    def __init__(self, keep: int = 64) -> None:
        """Keep the last `keep` requests."""
        self._recent: deque[RecordedRequest] = deque(maxlen=keep)
        self._sequence = 0
        self.counts: Counter[str] = Counter()
        self._long_wait_logged = False
        self.trace_config = aiohttp.TraceConfig()
        self.trace_config.on_request_end.append(self._on_request_end)
        self.trace_config.on_request_exception.append(self._on_request_exception)

    @property
    def total(self) -> int:
        """Requests sent since start-up."""
        return self._sequence

    def mark(self) -> int:
        """A position to ask `since` about later."""
        return self._sequence

    def since(self, mark: int) -> list[RecordedRequest]:
        """The requests recorded after `mark` (as many as are still kept)."""
        newer = self._sequence - mark
        return list(self._recent)[-newer:] if newer > 0 else []

    def _record(self, method: str, url: Any, status: int | None, retry_after: float | None) -> None:
        path = urlsplit(str(url)).path
        self._recent.append(RecordedRequest(method, path, status, retry_after))
        self._sequence += 1
        self.counts[_endpoint_name(path)] += 1

    async def _on_request_end(
        self, _session: aiohttp.ClientSession, _ctx: SimpleNamespace, params: Any
    ) -> None:
        response = params.response
        asked = _asked_wait_seconds(response.headers)
        if asked is not None and asked > LONGEST_WAIT_S and not self._long_wait_logged:
            self._long_wait_logged = True
            _LOGGER.warning(
                "Blink asked to wait %d minutes before the next request; waiting at most %d "
                "minutes (said once)",
                asked // 60,
                LONGEST_WAIT_S // 60,
            )
        self._record(
            params.method, params.url, response.status, retry_after_seconds(response.headers)
        )

    async def _on_request_exception(
        self, _session: aiohttp.ClientSession, _ctx: SimpleNamespace, params: Any
    ) -> None:
        self._record(params.method, params.url, None, None)


def _endpoint_name(path: str) -> str:
    """A coarse, secret-free name for a request path (for counters)."""
    if path.startswith("/oauth"):
        return "login"
    if path.endswith("/homescreen"):
        return "homescreen"
    if path.endswith("/config"):
        return "camera_config"
    return "other"


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """How long to wait as Blink's Retry-After asks (delta or HTTP date), at most LONGEST_WAIT_S."""
    asked = _asked_wait_seconds(headers)
    return None if asked is None else min(asked, LONGEST_WAIT_S)


def _asked_wait_seconds(headers: Mapping[str, str]) -> float | None:
    """Blink's Retry-After hint in seconds, as sent, if it sent one."""
    value = headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except TypeError, ValueError, IndexError:
        return None


def classify_failure(requests: list[RecordedRequest], default: BlinkCareError) -> BlinkCareError:
    """Pick the error the user should see from what the failed operation's requests returned."""
    statuses = [request.status for request in requests]
    if HTTP_NOT_ACCEPTABLE in statuses:
        return HardwareIdRejectedError("Blink refused this installation's hardware id (HTTP 406)")
    limited = [r for r in requests if r.status == HTTP_TOO_MANY_REQUESTS]
    if limited:
        return RateLimitedError("Blink is rate limiting (HTTP 429)", limited[-1].retry_after)
    if any(status is None or status >= HTTP_SERVER_ERROR for status in statuses):
        return CloudUnreachableError("the Blink cloud did not answer properly")
    if HTTP_UNAUTHORIZED in statuses:
        return AuthFailedError("Blink refused the credentials (HTTP 401)")
    return default


class RefreshTokenRefusedError(BlinkCareError):
    """Blink answered the renewal with a definite no: the refresh token is spent or withdrawn."""


# The token endpoint's definite refusals (OAuth answers 400/401 for a bad grant, RFC 6749 5.2;
# Blink 412 when it wants the sign-in verified): only these justify signing in with the password.
REFRESH_REFUSALS = frozenset({HTTP_BAD_REQUEST, HTTP_UNAUTHORIZED, HTTP_PRECONDITION_FAILED})


def refresh_failure(status: int, retry_after: float | None) -> BlinkCareError:
    """What a failed token renewal means: a refusal, or a fault of the cloud to wait out.

    A 5xx, a CDN's 403, an HTML page: the cloud is unwell and the refresh token still good.
    Treating those as a refusal would sign in with the password and, on accounts that verify
    new sign-ins, text the user a PIN nobody asked for.
    """
    if status == HTTP_NOT_ACCEPTABLE:
        return HardwareIdRejectedError("Blink refused this installation's hardware id (HTTP 406)")
    if status == HTTP_TOO_MANY_REQUESTS:
        return RateLimitedError("Blink is rate limiting the token renewal (HTTP 429)", retry_after)
    if status in REFRESH_REFUSALS:
        return RefreshTokenRefusedError(f"Blink refused the refresh token (HTTP {status})")
    return CloudUnreachableError(f"the token renewal failed (HTTP {status})")


def new_hardware_id() -> str:
    """A fresh per-install hardware id: Blink binds tokens to it and refuses fixed ones."""
    return str(uuid.uuid4()).upper()


class BlinkCloudClient:
    """One Blink account, reached through blinkpy on a session owned by the caller.

    The session must keep cookies across the login steps (Blink's OAuth sign-in needs them)
    and must have been created with `recorder.trace_config` among its trace configs.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        recorder: RequestRecorder,
        login_data: Mapping[str, Any],
        on_tokens_changed: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        """Prepare blinkpy with the stored login data (tokens are reused when still valid)."""
        self._recorder = recorder
        self._on_tokens_changed = on_tokens_changed
        self._lock = asyncio.Lock()
        self._blink = Blink(session=session)
        self._blink.auth = Auth(
            {key: login_data[key] for key in STORED_LOGIN_KEYS if key in login_data},
            no_prompt=True,
            session=session,
            callback=self._tokens_refreshed_in_flight,
        )
        self._ready = False

    @property
    def login_data(self) -> dict[str, Any]:
        """What to store in the config entry to log in again without a PIN."""
        attributes = self._blink.auth.login_attributes
        return {
            key: attributes[key] for key in STORED_LOGIN_KEYS if attributes.get(key) is not None
        }

    @property
    def account_id(self) -> str | None:
        """Blink's account id, known after login."""
        account_id = self._blink.auth.account_id
        return None if account_id is None else str(account_id)

    @property
    def requests_sent(self) -> int:
        """Requests this client's session has sent."""
        return self._recorder.total

    @property
    def request_counts(self) -> dict[str, int]:
        """Requests sent per coarse endpoint name (login, homescreen, ...), for diagnostics."""
        return dict(self._recorder.counts)

    async def async_login(self) -> None:
        """Log in: refresh token first, full OAuth sign-in when that fails.

        Raises TwoFactorRequiredError when Blink sends a PIN (then call async_submit_pin on
        this same client: the OAuth state lives in memory), or another BlinkCareError.
        """
        async with self._lock:
            await self._login_locked()

    async def async_submit_pin(self, pin: str) -> None:
        """Finish a login that asked for a PIN. A wrong PIN raises InvalidPinError."""
        async with self._lock:
            mark = self._recorder.mark()
            try:
                async with asyncio.timeout(SIGN_IN_TIMEOUT_S):
                    accepted = await self._blink.auth.complete_2fa_login(pin)
            except (aiohttp.ClientError, TimeoutError) as err:
                raise CloudUnreachableError("the Blink cloud did not answer") from err
            if not accepted:
                raise classify_failure(
                    self._recorder.since(mark), InvalidPinError("Blink did not accept the PIN")
                )
            self._finish_login()

    async def async_fetch_account(self, now: datetime) -> AccountSnapshot:
        """One homescreen request: the whole account's devices and their health."""
        async with self._lock:
            await self._ensure_logged_in()
            body = await self._request_json_signing_in_again(
                lambda: blink_api.request_homescreen(self._blink, force=True)
            )
            account_id = self.account_id or ""
        return parse_homescreen(body, account_id, now)

    async def async_fetch_camera_config(
        self, camera: DeviceSnapshot, now: datetime
    ) -> CameraConfigSnapshot:
        """The per-camera config: battery voltage, Wi-Fi dBm, external power."""
        async with self._lock:
            await self._ensure_logged_in()
            url = (
                f"{self._blink.urls.base_url}/network/{camera.network_id}"
                f"/camera/{camera.blink_id}/config"
            )
            body = await self._request_json_signing_in_again(
                lambda: self._blink.auth.query(
                    url=url, headers=self._blink.auth.header, json_resp=False
                )
            )
        return parse_camera_config(body, camera.serial, now)

    def _token_seconds_left(self) -> float:
        """How long the current access token lives on (0 without one)."""
        auth = self._blink.auth
        expires_at = auth.expiration_date
        if auth.token is None or expires_at is None:
            return 0.0
        return float(expires_at) - time.time()

    async def _ensure_logged_in(self) -> None:
        if not self._ready or self._token_seconds_left() < TOKEN_REFRESH_MARGIN_S:
            await self._login_locked()

    async def _login_locked(self, *, token_refused: bool = False) -> None:
        """Renew the token, or sign in with the password when Blink refuses the refresh token.

        `token_refused`: Blink just refused the current access token, so it cannot stand in
        for a renewal that failed.
        """
        mark = self._recorder.mark()
        try:
            async with asyncio.timeout(SIGN_IN_TIMEOUT_S):
                await self._sign_in(token_refused=token_refused)
        except BlinkCareError:
            raise
        except BlinkTwoFARequiredError as err:
            raise TwoFactorRequiredError("Blink sent a PIN") from err
        except LoginError as err:
            raise classify_failure(
                self._recorder.since(mark), AuthFailedError("Blink refused the login")
            ) from err
        except (aiohttp.ClientError, TimeoutError) as err:
            raise CloudUnreachableError("the Blink cloud did not answer") from err
        except Exception as err:
            raise self._closed_session_error(err) from err
        self._finish_login()

    async def _sign_in(self, *, token_refused: bool) -> None:
        auth = self._blink.auth
        if auth.refresh_token:
            try:
                await self._renew_token()
            except RefreshTokenRefusedError:
                _LOGGER.info("Blink refused the refresh token; signing in with the password")
            except (CloudUnreachableError, RateLimitedError) as err:
                if token_refused or self._token_seconds_left() < TOKEN_MIN_REMAINING_S:
                    raise
                _LOGGER.debug("Token renewal failed (%s); the current token is still valid", err)
                return
            else:
                return
            auth.refresh_token = None
        # blinkpy's startup without a refresh token is the password sign-in (OAuth + PKCE).
        await auth.startup()

    async def _renew_token(self) -> None:
        """Trade the refresh token for new tokens, as blinkpy's startup does, classifying failures.

        blinkpy's startup turns every failed renewal into a password sign-in.
        """
        auth = self._blink.auth
        form = {
            "grant_type": "refresh_token",
            "refresh_token": auth.refresh_token,
            "client_id": blink_api.OAUTH_V2_CLIENT_ID,
            "scope": blink_api.OAUTH_SCOPE,
            "hardware_id": auth.hardware_id,
        }
        headers = {
            "User-Agent": blink_api.OAUTH_TOKEN_USER_AGENT,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "*/*",
        }
        try:
            async with auth.session.post(
                blink_api.OAUTH_TOKEN_URL,
                headers=headers,
                data=urlencode(form),
                timeout=aiohttp.ClientTimeout(total=AUTH_REQUEST_TIMEOUT_S),
            ) as response:
                status = response.status
                raw = await response.read()
                retry_after = retry_after_seconds(response.headers)
        except (aiohttp.ClientError, TimeoutError) as err:
            raise CloudUnreachableError("the token endpoint did not answer") from err
        if status != HTTP_OK:
            raise refresh_failure(status, retry_after)
        tokens = _token_answer(raw)
        auth.token = tokens["access_token"]
        auth.refresh_token = tokens["refresh_token"]
        auth.expires_in = tokens["expires_in"]
        auth.expiration_date = time.time() + tokens["expires_in"]
        if not (auth.host and auth.region_id and auth.account_id):
            auth.tier_info = await auth.get_tier_info()
            try:
                auth.extract_tier_info()
            except (TypeError, KeyError) as err:
                raise CloudUnreachableError("Blink did not return the account region") from err

    def _closed_session_error(self, err: Exception) -> BlinkCareError:
        """Home Assistant closed the session under a request (unload, shutdown).

        aiohttp then raises bare RuntimeError or AssertionError; anything else is not ours to hide.
        """
        if not self._blink.auth.session.closed:
            raise err
        return CloudUnreachableError("the connection was closed (unloading or shutting down)")

    def _finish_login(self) -> None:
        try:
            self._blink.setup_urls()
        except BlinkSetupError as err:
            # Blink did not tell us the account's region (tier_info failed).
            raise CloudUnreachableError("Blink did not return the account region") from err
        if self._blink.auth.account_id is None:
            raise CloudUnreachableError("Blink did not return the account id")
        self._ready = True
        self._notify_tokens()

    def _tokens_refreshed_in_flight(self) -> None:
        self._notify_tokens()

    def _notify_tokens(self) -> None:
        if self._on_tokens_changed is not None:
            self._on_tokens_changed(self.login_data)

    async def _request_json_signing_in_again(self, send: Callable[[], Any]) -> Any:
        """Like _request_json, but a refused session gets one fresh sign-in and one retry.

        Blink ends sessions now and then; the stored refresh token or password usually still
        works, and asking the user to sign in again would be a false alarm.
        """
        try:
            return await self._request_json(send)
        except HardwareIdRejectedError:
            raise
        except AuthFailedError:
            await self._login_locked(token_refused=True)
            return await self._request_json(send)

    async def _request_json(self, send: Callable[[], Any]) -> Any:
        """Send one request through blinkpy and return its JSON body, or raise a typed error."""
        mark = self._recorder.mark()
        try:
            response = await send()
        except (UnauthorizedError, BlinkTwoFARequiredError) as err:
            self._ready = False
            raise AuthFailedError("Blink refused the session") from err
        except TokenRefreshFailed as err:
            self._ready = False
            raise classify_failure(
                self._recorder.since(mark),
                CloudUnreachableError("Blink's token endpoint failed"),
            ) from err
        except (aiohttp.ClientError, TimeoutError) as err:
            raise CloudUnreachableError("the Blink cloud did not answer") from err
        except Exception as err:
            raise self._closed_session_error(err) from err
        if response is None:
            # blinkpy logged a connection error or timeout and gave up.
            raise classify_failure(
                self._recorder.since(mark), CloudUnreachableError("no answer from Blink")
            )
        try:
            return await self._read_json(response)
        except AuthFailedError:
            self._ready = False
            raise

    @staticmethod
    async def _read_json(response: aiohttp.ClientResponse) -> Any:
        status = response.status
        try:
            raw = await response.read()
        except (aiohttp.ClientError, TimeoutError) as err:
            raise CloudUnreachableError("the answer from Blink was cut off") from err
        if status == HTTP_UNAUTHORIZED:
            raise AuthFailedError("Blink refused the session (HTTP 401)")
        if status == HTTP_NOT_ACCEPTABLE:
            raise HardwareIdRejectedError("Blink refused this installation's hardware id")
        if status == HTTP_TOO_MANY_REQUESTS:
            raise RateLimitedError(
                "Blink is rate limiting (HTTP 429)", retry_after_seconds(response.headers)
            )
        content_type = response.headers.get("Content-Type", "")
        try:
            body = json.loads(raw) if "json" in content_type else None
        except ValueError:
            body = None
        check_body_code(body)
        if status >= HTTP_SERVER_ERROR or body is None or not 200 <= status < 300:  # noqa: PLR2004
            raise CloudUnreachableError(f"unusable answer from Blink (HTTP {status})")
        return body


def _token_answer(raw: bytes) -> dict[str, Any]:
    """The tokens of a 200 from the token endpoint; an unusable body is a fault of the cloud."""
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise CloudUnreachableError("unusable answer from the token endpoint")
    access, refresh = body.get("access_token"), body.get("refresh_token")
    expires_in = body.get("expires_in", 3600)
    if (
        not isinstance(access, str)
        or not isinstance(refresh, str)
        or isinstance(expires_in, bool)
        or not isinstance(expires_in, int | float)
        or expires_in <= 0
    ):
        raise CloudUnreachableError("unusable answer from the token endpoint")
    return {"access_token": access, "refresh_token": refresh, "expires_in": expires_in}
