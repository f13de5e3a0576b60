"""No secret leaves the entry: not in the logs (at any level), not in the history file.

The scan looks for every value a thief or a stalker could use, as the simulated cloud really
issued them in the run: the password, every access and refresh token, the hardware id, the
account, user and client ids, the e-mail address, the PIN and every serial number.
"""

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
import json
import logging
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from blink_sim import Fault, SimCloud, payloads
from custom_components.blink_care.const import CONF_PIN, DOMAIN
from custom_components.blink_care.diagnostics import async_get_config_entry_diagnostics
from custom_components.blink_care.log_filter import (
    BLINKPY_FILTER,
    blinkpy_loggers,
    install_blinkpy_log_filter,
)
from homeassistant.config_entries import SOURCE_USER, ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .conftest import HARDWARE_ID, PASSWORD, PIN, USERNAME, advance

POLL = timedelta(seconds=120)
NEW_PASSWORD = "battery-staple-42"
SCANNED_LOGGERS = ("custom_components.blink_care", "blinkpy")


@dataclass(frozen=True, slots=True)
class Secret:
    """One secret value and what it is (for the failure message)."""

    kind: str
    value: str

    def found_in(self, text: str) -> bool:
        """Whether the value occurs in the text (numbers only as whole numbers)."""
        if self.value.isdigit():
            return re.search(rf"(?<!\d){self.value}(?!\d)", text) is not None
        return self.value.casefold() in text.casefold()


def secrets_of(
    sim: SimCloud,
    *,
    passwords: Iterable[str] = (PASSWORD,),
    serials: Iterable[str] = (),
    credentials_only: bool = False,
) -> list[Secret]:
    """Every secret of the simulated account as issued so far.

    `credentials_only` leaves out the serial numbers (the history file is keyed by them).
    """
    grants = sim.grants
    found = [Secret("password", password) for password in passwords]
    found += [Secret("access token", grant.access_token) for grant in grants]
    found += [Secret("refresh token", grant.refresh_token) for grant in grants]
    found += [Secret("client id", str(grant.client_id)) for grant in grants]
    hardware_ids = {HARDWARE_ID, *sim.hardware_ids_seen, *(grant.hardware_id for grant in grants)}
    found += [Secret("hardware id", hardware_id) for hardware_id in sorted(hardware_ids)]
    found += [
        Secret("account id", str(sim.account_id)),
        Secret("user id", str(sim.fleet.user_id)),
        Secret("e-mail", USERNAME),
        Secret("PIN", PIN),
    ]
    if not credentials_only:
        every_serial = {device.serial for device in sim.fleet.devices} | set(serials)
        found += [Secret("serial", serial) for serial in sorted(every_serial)]
    return found


def leaks(text: str, secrets: Iterable[Secret]) -> list[str]:
    """The secrets found in the text, as 'kind: value' (empty when none)."""
    return [f"{secret.kind}: {secret.value}" for secret in secrets if secret.found_in(text)]


def assert_no_leak(where: str, text: str, secrets: list[Secret]) -> None:
    """Fail with the list of what leaked, and where."""
    assert secrets, "nothing to look for: the run issued no secret"
    found = leaks(text, secrets)
    assert not found, f"{where} contains {found}"


def scanned_log_text(caplog: pytest.LogCaptureFixture) -> str:
    """Every captured record of blink_care and blinkpy, formatted with its traceback."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(
        formatter.format(record)
        for record in caplog.records
        if record.name.startswith(SCANNED_LOGGERS)
    )


@pytest.fixture
def blinkpy_log_filter() -> None:
    """The redacting filter the integration puts on blinkpy's loggers in async_setup."""
    install_blinkpy_log_filter()


async def _sign_in_with_pin(hass: HomeAssistant, sim: SimCloud) -> ConfigEntry:
    """The user flow with a PIN, a wrong PIN first."""
    sim.require_pin(True)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PIN: "000000"})
    assert result["errors"] == {"base": "invalid_pin"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PIN: PIN})
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry


async def _reauth_with_new_password(hass: HomeAssistant, sim: SimCloud) -> None:
    """The password changed in the Blink app: the reauth flow, through the PIN step."""
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_PASSWORD: "wrong-guess"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_PASSWORD: NEW_PASSWORD}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PIN: PIN})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()


async def _one_poll_with(
    hass: HomeAssistant, sim: SimCloud, freezer: FrozenDateTimeFactory, fault: Fault, **kwargs: Any
) -> None:
    sim.faults.inject(fault, **kwargs)
    await advance(hass, freezer, POLL, step=POLL)
    sim.faults.clear()


async def test_logs_of_a_full_run_hold_no_secret(
    hass: HomeAssistant,
    sim: SimCloud,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    blinkpy_log_filter: None,
) -> None:
    """Sign-in with PIN, polls, every fault, token refresh, reauth, diagnostics: logs stay clean.

    Logged at DEBUG for blink_care and blinkpy, so every level is covered.
    """
    for name in SCANNED_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    entry = await _sign_in_with_pin(hass, sim)
    await advance(hass, freezer, timedelta(minutes=10), step=POLL)

    for fault, kwargs in (
        (Fault.HTTP_503, {}),
        (Fault.HTML_ERROR, {}),
        (Fault.DISCONNECT, {}),
        (Fault.TRUNCATED_JSON, {}),
        (Fault.WRONG_SHAPE_LISTS, {}),
        (Fault.WRONG_SHAPE_NULLS, {}),
        (Fault.STRING_NUMBERS, {}),
        (Fault.UNKNOWN_PRODUCTS, {}),
        (Fault.BAD_SIGNALS, {}),
        (Fault.HTTP_401, {"times": 1, "endpoints": {"homescreen"}}),
        (Fault.CODE_101, {"times": 1, "endpoints": {"homescreen"}}),
        (Fault.CODE_307, {}),
        (Fault.HTTP_429, {"retry_after": 60}),
    ):
        await _one_poll_with(hass, sim, freezer, fault, **kwargs)
        # Back-off may have pushed the next poll out: wait it out cleanly.
        await advance(hass, freezer, timedelta(minutes=35), step=timedelta(minutes=5))

    # Four hours on: the access token is renewed by refresh token.
    await advance(hass, freezer, timedelta(hours=4), step=timedelta(minutes=20))
    # A device disappears from the account for good (removed after 30 days).
    gone = next(device for device in sim.fleet.devices if device.product_code == "owl")
    sim.remove_device(gone.serial)
    await advance(hass, freezer, timedelta(days=31), step=timedelta(hours=12))

    # The password changes in the Blink app and every token is revoked: reauth with the PIN.
    sim.revoke_tokens()
    sim.password = NEW_PASSWORD
    await advance(hass, freezer, POLL, step=POLL)
    await _reauth_with_new_password(hass, sim)
    await advance(hass, freezer, timedelta(minutes=10), step=POLL)

    await async_get_config_entry_diagnostics(hass, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)

    text = scanned_log_text(caplog)
    # The scan must have something to look at: blinkpy's request log at DEBUG.
    assert "Making GET request" in text
    assert_no_leak(
        "the log",
        text,
        secrets_of(sim, passwords=(PASSWORD, NEW_PASSWORD, "wrong-guess"), serials=(gone.serial,)),
    )


async def test_blinkpy_dumps_are_redacted(
    hass: HomeAssistant, sim: SimCloud, caplog: pytest.LogCaptureFixture, blinkpy_log_filter: None
) -> None:
    """The dumps blinkpy makes of Blink's answers, with real payloads, come out redacted.

    These are the records blinkpy writes when an answer looks wrong (a malformed login
    response, text where JSON was due, a failed sign-in) and when it sets up an account (the
    homescreen); the run above does not reach them, blinkpy does in the field.
    """
    caplog.set_level(logging.DEBUG, logger="blinkpy")
    grant = sim.issue_token(HARDWARE_ID)
    homescreen = payloads.homescreen(sim.fleet, dt_util.utcnow())
    login_response = {**grant.answer(), "account": {"account_id": sim.account_id}}
    form = (
        f"username={USERNAME}&password={PASSWORD}&hardware_id={HARDWARE_ID}"
        f"&refresh_token={grant.refresh_token}"
    )
    records: tuple[tuple[str, int, str, tuple[Any, ...]], ...] = (
        ("blinkpy.blinkpy", logging.DEBUG, "homescreen = %s", (json.dumps(homescreen),)),
        ("blinkpy.auth", logging.ERROR, "Malformed login response: %s", (login_response,)),
        ("blinkpy.auth", logging.WARNING, "Got text for JSON response: %s", (form,)),
        (
            "blinkpy.api",
            logging.DEBUG,
            "Making GET request to %s",
            (f"https://rest-u034.immedia-semi.com/api/v3/accounts/{sim.account_id}/homescreen",),
        ),
        (
            "blinkpy.auth",
            logging.ERROR,
            "Connection error. Endpoint %s possibly down or throttled. Error: %s",
            (
                f"https://rest-u034.immedia-semi.com/api/v1/users/{sim.fleet.user_id}/info",
                TimeoutError(),
            ),
        ),
        (
            "blinkpy.auth",
            logging.INFO,
            "Headers: %s",
            ({"Authorization": f"Bearer {grant.access_token}"},),
        ),
    )
    for name, level, message, arguments in records:
        logging.getLogger(name).log(level, message, *arguments)

    assert len([r for r in caplog.records if r.name.startswith("blinkpy")]) == len(records)
    assert_no_leak("blinkpy's records", scanned_log_text(caplog), secrets_of(sim))


async def test_history_file_holds_no_credential(
    hass: HomeAssistant,
    sim: SimCloud,
    loaded_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """The history file has serial numbers (its keys) and nothing that signs anyone in."""
    await advance(hass, freezer, timedelta(hours=8), step=timedelta(minutes=10))
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    stored = json.dumps(hass_storage[f"{DOMAIN}.{loaded_entry.entry_id}"])
    assert_no_leak("the history file", stored, secrets_of(sim, credentials_only=True))
    # It is the history of this account: its devices are in it.
    assert all(device.serial in stored for device in sim.fleet.devices)


async def _set_up_entry(hass: HomeAssistant, sim: SimCloud) -> None:
    """Home Assistant starting with an account already configured."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD, "hardware_id": HARDWARE_ID},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)


async def _sign_in_first(hass: HomeAssistant, sim: SimCloud) -> None:
    """A new user's first contact: the config flow, waiting for the PIN (no entry set up yet)."""
    sim.require_pin(True)
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}
    )
    assert result["step_id"] == "2fa"


@pytest.mark.parametrize(
    "first_use", [_set_up_entry, _sign_in_first], ids=["entry-setup", "config-flow"]
)
async def test_blinkpy_is_filtered_from_first_use(
    hass: HomeAssistant,
    sim: SimCloud,
    first_use: Callable[[HomeAssistant, SimCloud], Awaitable[None]],
) -> None:
    """The redacting filter is on every blinkpy logger before blinkpy first runs.

    A config flow does not run the integration's async_setup until it creates the entry, so
    installing the filter there alone leaves the sign-in (password, PIN) unfiltered.
    """
    for logger in blinkpy_loggers():
        logger.removeFilter(BLINKPY_FILTER)
    await first_use(hass, sim)
    missing = [logger.name for logger in blinkpy_loggers() if BLINKPY_FILTER not in logger.filters]
    assert not missing, f"no redacting filter on {missing}"
