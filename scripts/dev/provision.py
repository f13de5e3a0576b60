"""Bring a fresh Home Assistant to "onboarded, blink_care configured" through its public APIs.

Used by scripts/develop. Every step goes through the same HTTP and websocket endpoints the
frontend's onboarding wizard and "Add integration" dialog use, so the dev server starts in the
state a real user reaches by clicking, and each step is skipped when it is already done.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
import contextlib
from dataclasses import dataclass, field
import json
import time
from typing import Any

import aiohttp

JsonObject = dict[str, Any]
DOMAIN = "blink_care"
ONBOARDING_STEPS = frozenset({"user", "core_config", "analytics", "integration"})
LOOPBACK = "127.0.0.1"
# A "Core" installation (a Python venv, as here) gets a repair saying the method is no longer
# supported. True, and irrelevant to a dev server; ignoring it keeps Repairs to blink_care's.
CORE_INSTALL_NOTICE = ("homeassistant", "deprecated_method")
# Finishing onboarding's core_config step starts these integrations' flows (a weather
# forecast, text-to-speech, radio, a shopping list). They need packages and internet access
# the dev server does not have, and are not what it is for, so their entries are removed.
# (The first start's log has an ERROR for met and radio_browser, whose packages are missing.)
ONBOARDING_EXTRAS = frozenset({"google_translate", "met", "radio_browser", "shopping_list"})


class ProvisionError(Exception):
    """Home Assistant refused a provisioning step; the message says which and why."""


@dataclass(frozen=True)
class Owner:
    """The Home Assistant user the dev server creates and logs in as."""

    name: str = "Dev"
    username: str = "dev"
    password: str = "dev"  # noqa: S105 - a local dev server's published login
    language: str = "en"


@dataclass(frozen=True)
class CoreConfig:
    """What the onboarding wizard's location step would save."""

    time_zone: str = "UTC"
    unit_system: str = "metric"
    country: str = "DE"
    currency: str = "EUR"
    language: str = "en"
    latitude: float = 52.52
    longitude: float = 13.405
    elevation: int = 34
    location_name: str = "Blink Care dev"

    def as_update(self) -> JsonObject:
        """The `config/core/update` websocket payload."""
        return {
            "location_name": self.location_name,
            "time_zone": self.time_zone,
            "unit_system": self.unit_system,
            "country": self.country,
            "currency": self.currency,
            "language": self.language,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "elevation": self.elevation,
        }


@dataclass(frozen=True)
class BlinkAccount:
    """The simulated Blink account's sign-in (blink_sim's defaults)."""

    username: str = "user@example.com"
    password: str = "correct-horse"  # noqa: S105 - the simulator's published password
    pin: str = "123456"


@dataclass(frozen=True)
class Demo:
    """What the demo sets up on its first day (seed_history.py) and `--check` tries."""

    mini_serial: str = "SIM-MINI-001"  # the Nursery Mini, on the Home sync module
    mini_label: str = "Nursery"  # its name, the label in blink_care's plug options
    plug_entity_id: str = "switch.nursery_plug"  # configuration.yaml: sim_plug
    script_id: str = "power_cycle_nursery"


DEMO = Demo()


@dataclass
class HomeAssistantApi:
    """A thin client for the Home Assistant endpoints provisioning and the check need."""

    session: aiohttp.ClientSession
    base_url: str
    access_token: str | None = None
    _ws_id: int = field(default=0, init=False)

    @property
    def client_id(self) -> str:
        """Home Assistant's IndieAuth client id for its own frontend: the base URL."""
        return f"{self.base_url}/"

    async def wait_until_up(self, wait_s: float) -> None:
        """Wait for the HTTP server: any answer from the login page's provider list will do.

        (A request to /api/ without a token would be logged as a failed login attempt.)
        """
        deadline = time.monotonic() + wait_s
        while True:
            try:
                async with self.session.get(f"{self.base_url}/auth/providers") as response:
                    if response.status < 500:  # noqa: PLR2004 - 400 before onboarding is fine
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise ProvisionError(f"Home Assistant did not answer on {self.base_url}")
            await asyncio.sleep(1)

    async def onboarding_done(self) -> set[str]:
        """The onboarding steps Home Assistant has recorded as done."""
        async with self.session.get(f"{self.base_url}/api/onboarding") as response:
            if response.status == 404:  # noqa: PLR2004 - the view is gone once onboarded
                return set(ONBOARDING_STEPS)
            steps = await _checked_json(response, "/api/onboarding")
        return {step["step"] for step in steps if step["done"]}

    async def create_owner(self, owner: Owner) -> None:
        """Onboarding step 1: create the owner and log in as them."""
        result = await self._json(
            "POST",
            "/api/onboarding/users",
            {
                "client_id": self.client_id,
                "name": owner.name,
                "username": owner.username,
                "password": owner.password,
                "language": owner.language,
            },
            auth=False,
        )
        await self._exchange_code(result["auth_code"])

    async def log_in(self, owner: Owner) -> None:
        """Log in with username and password through the login flow the login page uses."""
        flow = await self._json(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.client_id}?auth_callback=1",
            },
            auth=False,
        )
        result = await self._json(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": self.client_id, "username": owner.username, "password": owner.password},
            auth=False,
        )
        if result.get("type") != "create_entry":
            raise ProvisionError(
                f"cannot log in as {owner.username!r}: {result.get('errors') or result}"
            )
        await self._exchange_code(result["result"])

    async def _exchange_code(self, code: str) -> None:
        async with self.session.post(
            f"{self.base_url}/auth/token",
            data={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
        ) as response:
            tokens = await _checked_json(response, "/auth/token")
        self.access_token = tokens["access_token"]

    async def wait_until_running(self, wait_s: float) -> None:
        """Wait until Home Assistant has finished starting (config entries can be added).

        Also rides out a restart: connection errors just mean "not yet".
        """
        deadline = time.monotonic() + wait_s
        while True:
            with contextlib.suppress(aiohttp.ClientError, ProvisionError):
                if (await self._json("GET", "/api/config"))["state"] == "RUNNING":
                    return
            if time.monotonic() > deadline:
                raise ProvisionError("Home Assistant did not finish starting")
            await asyncio.sleep(1)

    async def listen_on_loopback_only(self, wait_s: float) -> list[str]:
        """Make Home Assistant listen on 127.0.0.1 only, the way Settings > Network does it.

        Since 2026.11 the HTTP settings live in storage, not YAML: a new setting is stored as
        "pending", Home Assistant restarts to try it, and it must be promoted (confirmed)
        within five minutes or it is reverted. A fresh install listens on every interface
        until this has run once.
        """
        (config,) = await self.websocket([{"type": "http/config"}])
        if config["stable"].get("server_host") == [LOOPBACK]:
            return []
        wanted = {**_stored_http_settings(config["stable"]), "server_host": [LOOPBACK]}
        await self.websocket([{"type": "http/config/configure", "config": wanted}])
        # Home Assistant restarts now; the supervisor starts it again (exit code 100).
        deadline = time.monotonic() + wait_s
        while True:
            await asyncio.sleep(1)
            with contextlib.suppress(aiohttp.ClientError, ProvisionError):
                (config,) = await self.websocket([{"type": "http/config"}])
                if config["active_config_type"] == "pending":
                    break
            if time.monotonic() > deadline:
                raise ProvisionError("Home Assistant did not restart with the new HTTP settings")
        await self.websocket([{"type": "http/config/promote"}])
        await self.wait_until_running(wait_s)
        return [f"HTTP server bound to {LOOPBACK} only (restarted once)"]

    async def finish_onboarding(self, done: set[str], core: CoreConfig) -> list[str]:
        """Do the onboarding steps after the user step that are not done yet."""
        actions: list[str] = []
        if "core_config" not in done:
            await self.websocket([{"type": "config/core/update", **core.as_update()}])
            await self._json("POST", "/api/onboarding/core_config", {})
            actions.append(f"core config ({core.time_zone}, {core.unit_system})")
        if "analytics" not in done:
            await self._json("POST", "/api/onboarding/analytics", {})
            actions.append("analytics (nothing shared)")
        if "integration" not in done:
            await self._json(
                "POST",
                "/api/onboarding/integration",
                {"client_id": self.client_id, "redirect_uri": f"{self.client_id}?auth_callback=1"},
            )
            actions.append("onboarding finished")
        return actions

    async def config_entries(self, domain: str | None = None) -> list[JsonObject]:
        """The config entries of one integration, or of all."""
        query = f"?domain={domain}" if domain else ""
        entries: list[JsonObject] = await self._json(
            "GET", f"/api/config/config_entries/entry{query}"
        )
        return entries

    async def remove_entries(self, domains: frozenset[str]) -> list[str]:
        """Delete every config entry of these integrations; return their titles."""
        removed: list[str] = []
        for entry in await self.config_entries():
            if entry["domain"] in domains:
                await self._json("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")
                removed.append(entry["title"])
        return removed

    async def add_blink_account(self, account: BlinkAccount) -> JsonObject:
        """Run blink_care's config flow (password, then the PIN if Blink asks for one)."""
        step: JsonObject = await self._json(
            "POST",
            "/api/config/config_entries/flow",
            {"handler": DOMAIN, "show_advanced_options": False},
        )
        answers = {
            "user": {"username": account.username, "password": account.password},
            "2fa": {"pin": account.pin},
        }
        for _ in range(len(answers) + 1):
            if step["type"] == "create_entry":
                return step
            if step["type"] != "form" or step["step_id"] not in answers or step.get("errors"):
                raise ProvisionError(f"blink_care config flow stopped: {step}")
            step = await self._json(
                "POST",
                f"/api/config/config_entries/flow/{step['flow_id']}",
                answers[step["step_id"]],
            )
        raise ProvisionError(f"blink_care config flow did not finish: {step}")

    async def sign_in_again(self, account: BlinkAccount, wait_s: float) -> int:
        """Answer blink_care's reauth flows; return how many there were.

        The simulated cloud forgets the tokens it issued when it restarts, so on every start
        after the first the stored tokens are refused and blink_care asks for the password,
        exactly as it would after a real Blink token revocation.
        """
        deadline = time.monotonic() + wait_s
        answered = 0
        while not answered:
            (flows,) = await self.websocket([{"type": "config_entries/flow/progress"}])
            for flow in flows:
                if flow["handler"] != DOMAIN or flow["step_id"] != "reauth_confirm":
                    continue
                result = await self._json(
                    "POST",
                    f"/api/config/config_entries/flow/{flow['flow_id']}",
                    {"password": account.password},
                )
                if result.get("reason") != "reauth_successful":
                    raise ProvisionError(f"blink_care reauth stopped: {result}")
                answered += 1
            entries = await self.config_entries(DOMAIN)
            if answered or all(entry["state"] != "setup_error" for entry in entries):
                break
            if time.monotonic() > deadline:
                raise ProvisionError("blink_care failed to set up and asked for no sign-in")
            await asyncio.sleep(1)
        return answered

    async def ignore_issue(self, domain: str, issue_id: str) -> bool:
        """Ignore one repair issue if it is raised and not ignored yet; whether it was."""
        (issues,) = await self.websocket([{"type": "repairs/list_issues"}])
        for issue in issues["issues"]:
            if (issue["domain"], issue["issue_id"]) == (domain, issue_id) and not issue["ignored"]:
                await self.websocket(
                    [
                        {
                            "type": "repairs/ignore_issue",
                            "domain": domain,
                            "issue_id": issue_id,
                            "ignore": True,
                        }
                    ]
                )
                return True
        return False

    async def mapped_plug(self, label: str) -> str | None:
        """The switch blink_care's options map to the device labelled `label` (None: none).

        Read from the options flow's plug form, as the UI shows it; the flow is then dropped.
        """
        (entry,) = await self.config_entries(DOMAIN)
        base = "/api/config/config_entries/options/flow"
        flow = await self._json("POST", base, {"handler": entry["entry_id"]})
        try:
            form = await self._json(
                "POST", f"{base}/{flow['flow_id']}", {"next_step_id": "power_plugs"}
            )
            for field_schema in form.get("data_schema", []):
                if field_schema["name"] == label:
                    suggested = (field_schema.get("description") or {}).get("suggested_value")
                    return str(suggested) if suggested else None
            return None
        finally:
            await self._json("DELETE", f"{base}/{flow['flow_id']}")

    async def power_cycle(self, serial: str, off_seconds: int) -> JsonObject:
        """Run blink_care.power_cycle on the device with this serial; its response."""
        (devices,) = await self.websocket([{"type": "config/device_registry/list"}])
        device_id = next(
            device["id"] for device in devices if [DOMAIN, serial] in device["identifiers"]
        )
        result = await self._json(
            "POST",
            f"/api/services/{DOMAIN}/power_cycle?return_response",
            {"device_id": device_id, "off_seconds": off_seconds},
        )
        response: JsonObject = result["service_response"]
        return response

    async def states(self) -> list[JsonObject]:
        """Every entity state (REST)."""
        states: list[JsonObject] = await self._json("GET", "/api/states")
        return states

    async def websocket(self, commands: Iterable[JsonObject]) -> list[Any]:
        """Send websocket commands one after another; return their results."""
        results: list[Any] = []
        async with self.session.ws_connect(f"{self.base_url}/api/websocket") as socket:
            await _receive(socket)  # auth_required
            await socket.send_json({"type": "auth", "access_token": self.access_token})
            if (reply := await _receive(socket))["type"] != "auth_ok":
                raise ProvisionError(f"websocket login refused: {reply}")
            for command in commands:
                self._ws_id += 1
                await socket.send_json({"id": self._ws_id, **command})
                reply = await _receive(socket)
                if not reply.get("success"):
                    raise ProvisionError(f"{command['type']} failed: {reply.get('error')}")
                results.append(reply["result"])
        return results

    async def _json(
        self, method: str, path: str, payload: JsonObject | None = None, *, auth: bool = True
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.access_token}"} if auth else {}
        async with self.session.request(
            method, f"{self.base_url}{path}", json=payload, headers=headers
        ) as response:
            return await _checked_json(response, path)


async def _receive(socket: aiohttp.ClientWebSocketResponse) -> JsonObject:
    """The next JSON message; a closed socket (Home Assistant restarting) is an error."""
    message = await socket.receive()
    if message.type is not aiohttp.WSMsgType.TEXT:
        raise ProvisionError(f"websocket closed ({message.type.name})")
    reply: JsonObject = json.loads(message.data)
    return reply


def _stored_http_settings(config: JsonObject) -> JsonObject:
    """The settings of a stored HTTP config, without its bookkeeping fields."""
    bookkeeping = {"created_at", "error", "error_message"}
    return {key: value for key, value in config.items() if key not in bookkeeping}


async def _checked_json(response: aiohttp.ClientResponse, what: str) -> Any:
    if response.status >= 400:  # noqa: PLR2004 - HTTP client and server errors
        raise ProvisionError(f"{what}: HTTP {response.status} {await response.text()}")
    return await response.json()


async def provision(
    api: HomeAssistantApi,
    owner: Owner,
    core: CoreConfig,
    account: BlinkAccount,
    *,
    wait_s: float,
) -> list[str]:
    """Onboard Home Assistant and add the Blink account where not done; say what was done."""
    await api.wait_until_up(wait_s)
    done = await api.onboarding_done()
    actions: list[str] = []
    if "user" in done:
        await api.log_in(owner)
    else:
        await api.create_owner(owner)
        actions.append(f"owner {owner.username!r} created")
    await api.wait_until_running(wait_s)
    actions += await api.listen_on_loopback_only(wait_s)
    actions += await api.finish_onboarding(done, core)
    if not await api.config_entries(DOMAIN):
        entry = await api.add_blink_account(account)
        actions.append(f"blink_care entry {entry['title']!r} added")
    elif await api.sign_in_again(account, wait_s):
        actions.append("signed in to the restarted simulated cloud again (reauth)")
    if await api.ignore_issue(*CORE_INSTALL_NOTICE):
        actions.append("ignored Home Assistant's notice about Core installations")
    if "core_config" not in done and (removed := await api.remove_entries(ONBOARDING_EXTRAS)):
        # By now (after blink_care's sign-in) onboarding's background flows have finished.
        actions.append(f"removed onboarding's default entries: {', '.join(removed)}")
    return actions
