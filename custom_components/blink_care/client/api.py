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
from urllib.parse import urlsplit
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
# Refresh the access token this long before it expires, through blinkpy's startup path
# (client "ios", hardware id in the form), which Blink accepts more reliably than the
# in-flight refresh blinkpy does 60 s before expiry.
TOKEN_REFRESH_MARGIN_S = 600

HTTP_UNAUTHORIZED = 401
HTTP_NOT_ACCEPTABLE = 406
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
    """Blink's Retry-After hint in seconds (delta or HTTP date), if it sent one."""
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

    async def _ensure_logged_in(self) -> None:
        auth = self._blink.auth
        expires_at = auth.expiration_date
        due = expires_at is None or float(expires_at) - time.time() < TOKEN_REFRESH_MARGIN_S
        if not self._ready or auth.token is None or due:
            await self._login_locked()

    async def _login_locked(self) -> None:
        mark = self._recorder.mark()
        try:
            await self._blink.auth.startup()
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
            await self._login_locked()
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
