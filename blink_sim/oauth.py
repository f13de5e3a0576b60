"""Blink's OAuth 2.0 web sign-in (authorization code + PKCE), 2FA and token rotation.

Pure state and rules; `server.py` turns them into HTTP. A refusal is raised as
`Refusal` carrying the status and JSON body Blink would send.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import hashlib
import secrets
from typing import Any
import uuid

CLIENT_ID = "ios"
REFRESH_CLIENT_IDS = frozenset({"ios", "android"})  # blinkpy refreshes with both
REDIRECT_URI = "immedia-blink://applinks.blink.com/signin/callback"
TOKEN_LIFETIME = timedelta(seconds=14400)
CODE_LIFETIME = timedelta(minutes=5)


class Refusal(Exception):  # noqa: N818 - an answer the cloud gives, not a failure of the sim
    """A request the cloud turns down, with the status and JSON body it answers."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        """Keep the HTTP status and JSON body."""
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


def _refusal(status: int, error: str, cause: str) -> Refusal:
    return Refusal(status, {"error": error, "error_cause": cause})


EMPTY_COOKIES = (400, "bad_request", "empty_cookies")


def pkce_challenge(verifier: str) -> str:
    """Return the S256 challenge of a PKCE verifier."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def canonical_hardware_id(value: str) -> str | None:
    """Return the UUID spelled one way, or None when `value` is not a UUID (Blink: 406)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _same_device(first: str, second: str) -> bool:
    return canonical_hardware_id(first) == canonical_hardware_id(second)


@dataclass(eq=False)
class WebSession:
    """The browser-like session the sign-in pages keep in a cookie."""

    hardware_id: str
    code_challenge: str
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    awaiting_pin: bool = False
    signed_in: bool = False


@dataclass(frozen=True, slots=True)
class _AuthCode:
    hardware_id: str
    code_challenge: str
    issued_at: datetime


@dataclass(eq=False)
class TokenGrant:
    """One access token and the refresh token issued with it."""

    access_token: str
    refresh_token: str
    hardware_id: str
    client_id: int  # one per sign-in; survives refreshes (homescreen `Client-Id`)
    issued_at: datetime
    revoked: bool = False
    refreshed: bool = False  # a refresh token works once

    def usable(self, now: datetime) -> bool:
        """Whether REST calls with this access token are accepted at `now`."""
        return not self.revoked and now < self.issued_at + TOKEN_LIFETIME

    def answer(self) -> dict[str, Any]:
        """Return the token endpoint's JSON for this grant."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "scope": "client",
        }


class OAuthServer:
    """Accounts' sign-in state: web sessions, authorization codes and tokens."""

    def __init__(
        self, clock: Callable[[], datetime], username: str, password: str, pin: str
    ) -> None:
        """Accept one account's credentials; PIN checks are off until `require_pin`."""
        self._clock = clock
        self.username = username
        self.password = password
        self.pin = pin
        self.require_pin = False
        self.hardware_ids_seen: set[str] = set()
        self.grants: list[TokenGrant] = []
        self._sessions: dict[str, WebSession] = {}
        self._codes: dict[str, _AuthCode] = {}
        self._next_client_id = 9000001

    def _hardware_id(self, value: str | None) -> str:
        """Record a received hardware id; refuse it with 406 unless it is a UUID."""
        if value is not None:
            self.hardware_ids_seen.add(value)
        if value is None or canonical_hardware_id(value) is None:
            raise _refusal(406, "not_acceptable", "hardware_id")
        return value

    def authorize(self, query: Mapping[str, str]) -> tuple[str, WebSession]:
        """Start a sign-in: check the app's parameters, open a session (id, session)."""
        hardware_id = self._hardware_id(query.get("hardware_id"))
        expected = {
            "client_id": CLIENT_ID,
            "response_type": "code",
            "code_challenge_method": "S256",
            "redirect_uri": REDIRECT_URI,
        }
        wrong = sorted(key for key, value in expected.items() if query.get(key) != value)
        if wrong or not query.get("code_challenge"):
            raise _refusal(400, "invalid_request", ",".join(wrong) or "code_challenge")
        session_id = secrets.token_urlsafe(24)
        session = WebSession(hardware_id=hardware_id, code_challenge=query["code_challenge"])
        self._sessions[session_id] = session
        return session_id, session

    def session(self, session_id: str | None) -> WebSession:
        """Return the session a cookie names; Blink's `empty_cookies` refusal without one."""
        session = self._sessions.get(session_id or "")
        if session is None:
            raise _refusal(*EMPTY_COOKIES)
        return session

    def sign_in(self, session: WebSession, form: Mapping[str, str]) -> bool:
        """Check the credentials; True when signed in, False when a PIN was sent."""
        self._check_csrf(session, form)
        if form.get("username") != self.username or form.get("password") != self.password:
            raise _refusal(401, "invalid_credentials", "username_or_password")
        if self.require_pin:
            session.awaiting_pin = True
            return False
        session.signed_in = True
        return True

    def verify_pin(self, session: WebSession, form: Mapping[str, str], *, refuse: bool) -> None:
        """Finish a PIN sign-in; `refuse` turns a right PIN down too."""
        self._check_csrf(session, form)
        if not session.awaiting_pin:
            raise _refusal(400, "bad_request", "no_pending_verification")
        if refuse or form.get("2fa_code") != self.pin:
            raise _refusal(400, "bad_request", "invalid_2fa_code")
        session.awaiting_pin = False
        session.signed_in = True

    @staticmethod
    def _check_csrf(session: WebSession, form: Mapping[str, str]) -> None:
        if form.get("csrf-token") != session.csrf_token:
            raise _refusal(403, "bad_request", "invalid_csrf_token")

    def issue_code(self, session: WebSession) -> str | None:
        """Hand out an authorization code to a signed-in session (None: not signed in)."""
        if not session.signed_in:
            return None
        code = secrets.token_urlsafe(32)
        self._codes[code] = _AuthCode(session.hardware_id, session.code_challenge, self._clock())
        return code

    def exchange_code(self, form: Mapping[str, str]) -> TokenGrant:
        """Trade a code for tokens: same hardware id, PKCE verifier matching the challenge."""
        hardware_id = self._hardware_id(form.get("hardware_id"))
        code = self._codes.pop(form.get("code", ""), None)
        if code is None or self._clock() > code.issued_at + CODE_LIFETIME:
            raise _refusal(400, "invalid_grant", "code")
        if form.get("client_id") != CLIENT_ID or form.get("redirect_uri") != REDIRECT_URI:
            raise _refusal(400, "invalid_client", "client_id_or_redirect_uri")
        if pkce_challenge(form.get("code_verifier", "")) != code.code_challenge:
            raise _refusal(400, "invalid_grant", "code_verifier")
        if not _same_device(hardware_id, code.hardware_id):
            raise _refusal(400, "invalid_grant", "hardware_id")
        return self.grant_directly(hardware_id)

    def grant_directly(self, hardware_id: str) -> TokenGrant:
        """Issue tokens for a new sign-in (also used by tests that skip the web pages)."""
        if canonical_hardware_id(hardware_id) is None:
            raise ValueError(f"hardware id {hardware_id!r} is not a UUID")
        client_id = self._next_client_id
        self._next_client_id += 1
        return self._issue(hardware_id, client_id)

    def refresh(self, form: Mapping[str, str], header_hardware_id: str | None) -> TokenGrant:
        """Rotate tokens; the hardware id comes in the form (ios) or a header (android)."""
        if form.get("client_id") not in REFRESH_CLIENT_IDS:
            raise _refusal(400, "invalid_client", "client_id")
        hardware_id = self._hardware_id(form.get("hardware_id") or header_hardware_id)
        grant = next((g for g in self.grants if g.refresh_token == form.get("refresh_token")), None)
        if grant is None or grant.revoked or grant.refreshed:
            raise _refusal(401, "invalid_grant", "refresh_token")
        if not _same_device(hardware_id, grant.hardware_id):
            raise _refusal(406, "not_acceptable", "hardware_id")
        grant.refreshed = True
        return self._issue(hardware_id, grant.client_id)

    def _issue(self, hardware_id: str, client_id: int) -> TokenGrant:
        grant = TokenGrant(
            access_token=f"sim-access-{secrets.token_hex(16)}",
            refresh_token=f"sim-refresh-{secrets.token_hex(16)}",
            hardware_id=hardware_id,
            client_id=client_id,
            issued_at=self._clock(),
        )
        self.grants.append(grant)
        return grant

    def bearer(self, authorization: str | None) -> TokenGrant | None:
        """Return the grant behind an `Authorization: Bearer` header, if it is usable now."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        now = self._clock()
        return next((g for g in self.grants if g.access_token == token and g.usable(now)), None)

    def revoke_all(self) -> None:
        """Invalidate every access and refresh token issued so far."""
        for grant in self.grants:
            grant.revoked = True
