"""Ways the simulated cloud misbehaves on purpose, and how each one looks on the wire."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import Enum, StrEnum
import json
from typing import Any

from aiohttp import web

UNAUTHORIZED_BODY: dict[str, Any] = {"message": "Unauthorized Access", "error": None, "code": 101}
BUSY_BODY: dict[str, Any] = {"message": "System is busy, please wait", "error": None, "code": 307}
DEFAULT_TIMEOUT_DELAY = 15.0  # longer than blinkpy's 10 s request timeout


class Fault(StrEnum):
    """A misbehaviour to inject; see `FaultInjector.inject`."""

    HTTP_401 = "http_401"
    CODE_101 = "code_101"  # HTTP 200 carrying Blink's "Unauthorized Access" body
    HTTP_406 = "http_406"  # Blink refusing the hardware id (OAuth endpoints)
    HTTP_429 = "http_429"
    CODE_307 = "code_307"  # HTTP 200 carrying Blink's "System is busy" body
    HTTP_500 = "http_500"
    HTTP_502 = "http_502"
    HTTP_503 = "http_503"
    HTML_ERROR = "html_error"  # 503 with an HTML page where JSON was due
    TIMEOUT = "timeout"  # answer only after `delay` seconds
    DISCONNECT = "disconnect"  # drop the connection without an answer
    TRUNCATED_JSON = "truncated_json"
    WRONG_SHAPE_LISTS = "wrong_shape_lists"  # lists where objects belong
    WRONG_SHAPE_NULLS = "wrong_shape_nulls"  # nulls where values belong
    MISSING_CAMERAS = "missing_cameras"  # homescreen without its `cameras` list
    STRING_NUMBERS = "string_numbers"
    BAD_SIGNALS = "bad_signals"  # wifi -255 dBm, battery voltage 0 or 9.00 V in camera config
    UNKNOWN_PRODUCTS = "unknown_products"  # unknown product codes and a new device list
    TWO_FA_ON_REFRESH = "two_fa_on_refresh"  # token refresh answers 412
    REFRESH_REFUSED = "refresh_refused"  # token refresh answers 400 invalid_grant
    WRONG_PIN = "wrong_pin"  # 2FA verification refuses any PIN


class Stage(Enum):
    """When a fault acts on a request."""

    BEFORE = "before"  # replaces, delays or drops the answer before the endpoint runs
    AFTER = "after"  # rewrites the JSON body the endpoint produced
    INSIDE = "inside"  # changes the endpoint's own decision (asked for by the endpoint)


_STAGE: dict[Fault, Stage] = {
    Fault.TRUNCATED_JSON: Stage.AFTER,
    Fault.WRONG_SHAPE_LISTS: Stage.AFTER,
    Fault.WRONG_SHAPE_NULLS: Stage.AFTER,
    Fault.MISSING_CAMERAS: Stage.AFTER,
    Fault.STRING_NUMBERS: Stage.AFTER,
    Fault.BAD_SIGNALS: Stage.AFTER,
    Fault.UNKNOWN_PRODUCTS: Stage.AFTER,
    Fault.TWO_FA_ON_REFRESH: Stage.INSIDE,
    Fault.REFRESH_REFUSED: Stage.INSIDE,
    Fault.WRONG_PIN: Stage.INSIDE,
}

# Where a fault acts when `inject` gets no `endpoints` (absent: every Blink endpoint).
DEFAULT_ENDPOINTS: dict[Fault, frozenset[str]] = {
    Fault.HTTP_406: frozenset({"oauth_authorize", "oauth_token"}),
    Fault.MISSING_CAMERAS: frozenset({"homescreen"}),
    Fault.UNKNOWN_PRODUCTS: frozenset({"homescreen"}),
    Fault.BAD_SIGNALS: frozenset({"camera_config"}),
    Fault.TWO_FA_ON_REFRESH: frozenset({"oauth_token"}),
    Fault.REFRESH_REFUSED: frozenset({"oauth_token"}),
    Fault.WRONG_PIN: frozenset({"oauth_2fa_verify"}),
}


def stage_of(fault: Fault) -> Stage:
    """Return when `fault` acts."""
    return _STAGE.get(fault, Stage.BEFORE)


@dataclass(eq=False)
class Injection:
    """One injected fault and how much of it is left."""

    fault: Fault
    endpoints: frozenset[str] | None
    remaining: int | None  # None: until cleared
    retry_after: float | None = None
    delay: float | None = None

    def targets(self, endpoint: str) -> bool:
        """Whether this injection applies to requests for `endpoint`."""
        scope = self.endpoints if self.endpoints is not None else DEFAULT_ENDPOINTS.get(self.fault)
        return scope is None or endpoint in scope

    def describe(self) -> dict[str, Any]:
        """Plain-JSON view for the control API."""
        return {
            "fault": self.fault.value,
            "endpoints": sorted(self.endpoints) if self.endpoints is not None else None,
            "remaining": self.remaining,
            "retry_after": self.retry_after,
            "delay": self.delay,
        }


class FaultInjector:
    """The faults currently armed, consumed request by request in injection order."""

    def __init__(self) -> None:
        """Start with no fault."""
        self._injections: list[Injection] = []

    @property
    def active(self) -> tuple[Injection, ...]:
        """Faults still armed."""
        return tuple(self._injections)

    def inject(
        self,
        fault: Fault,
        times: int | None = None,
        endpoints: Collection[str] | None = None,
        retry_after: float | None = None,
        delay: float | None = None,
    ) -> Injection:
        """Arm `fault` for the next `times` matching requests (None: until cleared).

        `endpoints` names the endpoints it hits (see `SimCloud.requests`); by default the
        OAuth faults hit their OAuth endpoints, body faults the endpoint they describe, and
        every other fault hits every endpoint.
        """
        if times is not None and times < 1:
            raise ValueError("times must be at least 1")
        injection = Injection(
            fault=fault,
            endpoints=frozenset(endpoints) if endpoints is not None else None,
            remaining=times,
            retry_after=retry_after,
            delay=delay,
        )
        self._injections.append(injection)
        return injection

    def clear(self) -> None:
        """Disarm every fault."""
        self._injections.clear()

    def discard(self, injection: Injection) -> None:
        """Disarm one fault, if it is still armed."""
        if injection in self._injections:
            self._injections.remove(injection)

    def take(self, endpoint: str, stage: Stage, fault: Fault | None = None) -> Injection | None:
        """Consume the first armed fault for this endpoint and stage (optionally one fault)."""
        for injection in self._injections:
            if stage_of(injection.fault) is not stage or not injection.targets(endpoint):
                continue
            if fault is not None and injection.fault is not fault:
                continue
            if injection.remaining is not None:
                injection.remaining -= 1
                if injection.remaining == 0:
                    self._injections.remove(injection)
            return injection
        return None


def error_answer(injection: Injection) -> web.Response | None:
    """Return the answer that replaces the endpoint's, for faults that answer on their own."""
    fault = injection.fault
    if fault is Fault.HTML_ERROR:
        page = "<html><head><title>503 Service Temporarily Unavailable</title></head>"
        page += "<body><h1>503 Service Temporarily Unavailable</h1></body></html>"
        return web.Response(status=503, text=page, content_type="text/html")
    answer = _ERROR_ANSWERS.get(fault)
    if answer is None:
        return None
    status, body = answer
    headers = {}
    if fault is Fault.HTTP_429 and injection.retry_after is not None:
        headers["Retry-After"] = f"{injection.retry_after:g}"
    return web.json_response(body, status=status, headers=headers)


_ERROR_ANSWERS: dict[Fault, tuple[int, dict[str, Any]]] = {
    Fault.HTTP_401: (401, UNAUTHORIZED_BODY),
    Fault.CODE_101: (200, UNAUTHORIZED_BODY),
    Fault.HTTP_406: (406, {"error": "not_acceptable", "error_cause": "hardware_id"}),
    Fault.HTTP_429: (429, {"message": "Too many requests", "error": None, "code": 429}),
    Fault.CODE_307: (200, BUSY_BODY),
    Fault.HTTP_500: (500, {"message": "Internal server error", "error": None, "code": 500}),
    Fault.HTTP_502: (502, {"message": "Bad gateway", "error": None, "code": 502}),
    Fault.HTTP_503: (503, {"message": "Service unavailable", "error": None, "code": 503}),
}


def rewrite_body(fault: Fault, raw: bytes) -> bytes:
    """Return the JSON body `raw` as `fault` damages it."""
    if fault is Fault.TRUNCATED_JSON:
        return raw[: max(len(raw) // 2, 1)]
    body = json.loads(raw)
    return json.dumps(_REWRITES[fault](body)).encode()


def _lists_for_objects(value: Any, *, top: bool = True) -> Any:
    """Turn every object below the top level into the list of its values."""
    if isinstance(value, dict):
        inner = {key: _lists_for_objects(item, top=False) for key, item in value.items()}
        return inner if top else list(inner.values())
    if isinstance(value, list):
        return [_lists_for_objects(item, top=False) for item in value]
    return value


def _nulls_for_values(value: Any) -> Any:
    """Keep every list and the objects inside lists; null every other value."""
    if isinstance(value, list):
        return [
            _nulls_for_values(item) if isinstance(item, dict | list) else None for item in value
        ]
    if isinstance(value, dict):
        return {
            key: _nulls_for_values(item) if isinstance(item, list) else None
            for key, item in value.items()
        }
    return None


def _strings_for_numbers(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return {key: _strings_for_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strings_for_numbers(item) for item in value]
    return value


def _without_cameras(body: Any) -> Any:
    if isinstance(body, dict):
        body.pop("cameras", None)
    return body


def _bad_signals(body: Any) -> Any:
    """Blink's "unknown" Wi-Fi value and impossible voltages: 0 V (even ids), 9.00 V (odd)."""
    for camera in body.get("camera", []):
        voltage = 0 if camera.get("id", 0) % 2 == 0 else 900
        for record in (camera, camera.get("last_connect") or {}):
            record["wifi_strength"] = -255
            record["battery_voltage"] = voltage
    return body


def _unknown_products(body: Any) -> Any:
    """Add a device of an unknown model to `cameras`, and a whole new list of them."""
    network_id = (body.get("networks") or [{"id": 0}])[0]["id"]
    stranger = {
        "id": 9900001,
        "name": "Unknown Gadget",
        "type": "condor",
        "network_id": network_id,
        "serial": "SIM-UNKNOWN-001",
        "fw_version": "1.0.0",
        "enabled": True,
        "status": "online",
        "battery": "ok",
        "signals": {"lfr": 5, "wifi": 5, "temp": 70, "battery": 3},
    }
    body.setdefault("cameras", []).append(stranger)
    body["robots"] = [{**stranger, "id": 9900002, "type": "heron", "serial": "SIM-UNKNOWN-002"}]
    return body


_REWRITES: dict[Fault, Callable[[Any], Any]] = {
    Fault.WRONG_SHAPE_LISTS: _lists_for_objects,
    Fault.WRONG_SHAPE_NULLS: _nulls_for_values,
    Fault.STRING_NUMBERS: _strings_for_numbers,
    Fault.MISSING_CAMERAS: _without_cameras,
    Fault.BAD_SIGNALS: _bad_signals,
    Fault.UNKNOWN_PRODUCTS: _unknown_products,
}
