"""The sign-in flows, driven against the simulated Blink cloud through blinkpy's real HTTP path."""

from collections.abc import Iterator
from contextlib import contextmanager
import time
from typing import Any
from unittest.mock import patch
import uuid

import aiohttp
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from blink_sim import Fault, Fleet, SimCloud
from blink_sim.redirect import redirect_blinkpy
from custom_components.blink_care.client import api as blink_api
from custom_components.blink_care.client.errors import (
    AuthFailedError,
    BlinkCareError,
    CloudUnreachableError,
    HardwareIdRejectedError,
    InvalidPinError,
    RateLimitedError,
)
from custom_components.blink_care.config_flow import error_key, unique_labels
from custom_components.blink_care.const import (
    CONF_LOW_THRESHOLD,
    CONF_OFFLINE_GRACE_MINUTES,
    CONF_PIN,
    CONF_POWER_PLUGS,
    CONF_REPLACEMENT_JUMP,
    CONF_SCAN_INTERVAL,
    CONF_WARNING_LEAD_DAYS,
    DOMAIN,
)
from custom_components.blink_care.session import BlinkSession, async_blink_session
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigFlowResult
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, EVENT_HOMEASSISTANT_CLOSE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util

from .conftest import PASSWORD, PIN, USERNAME

CREDENTIALS = {CONF_USERNAME: USERNAME, CONF_PASSWORD: PASSWORD}


async def _start(hass: HomeAssistant) -> ConfigFlowResult:
    return await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})


async def test_user_flow_creates_entry_with_tokens(hass: HomeAssistant, sim: SimCloud) -> None:
    """Signing in stores the tokens, a per-install UUID hardware id and the account id."""
    result = await _start(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"

    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == USERNAME
    entry = result["result"]
    assert entry.unique_id == str(sim.account_id)
    data = entry.data
    assert data[CONF_USERNAME] == USERNAME
    assert data["token"]
    assert data["refresh_token"]
    assert uuid.UUID(data["hardware_id"])
    assert data["hardware_id"] in sim.hardware_ids_seen
    assert str(data["account_id"]) == str(sim.account_id)


async def test_pin_flow_retries_wrong_pin_without_new_login(
    hass: HomeAssistant, sim: SimCloud
) -> None:
    """A PIN step follows the password; a wrong PIN is retried on the same sign-in."""
    sim.require_pin(True)
    result = await hass.config_entries.flow.async_configure(
        (await _start(hass))["flow_id"], CREDENTIALS
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "2fa"
    signins = sim.requests.by_endpoint["oauth_signin"]

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PIN: "000000"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_pin"}

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PIN: PIN})
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].data["refresh_token"]
    # The password was sent once: the PIN retry reused the same sign-in and cookie jar.
    assert sim.requests.by_endpoint["oauth_signin"] == signins


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.HTTP_503, "cannot_connect"),
        (Fault.HTML_ERROR, "cannot_connect"),
        (Fault.DISCONNECT, "cannot_connect"),
        (Fault.HTTP_429, "rate_limited"),
    ],
)
async def test_user_flow_cloud_faults(
    hass: HomeAssistant, sim: SimCloud, fault: Fault, error: str
) -> None:
    """Faults of the cloud become translated form errors, and the user can try again."""
    sim.faults.inject(fault)
    result = await hass.config_entries.flow.async_configure(
        (await _start(hass))["flow_id"], CREDENTIALS
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}

    sim.faults.clear()
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize("bound", ["AUTH_REQUEST_TIMEOUT_S", "SIGN_IN_TIMEOUT_S"])
@pytest.mark.parametrize("stalled", ["oauth_signin", "oauth_2fa_verify"])
async def test_stalled_sign_in_gives_up_in_bounded_time(
    hass: HomeAssistant, sim: SimCloud, bound: str, stalled: str
) -> None:
    """A sign-in request Blink never answers ends in 'cannot connect' after the bound.

    Without a bound blinkpy waits aiohttp's default of five minutes. Both bounds are checked:
    each request's, and the whole sign-in's (or PIN step's).
    """
    sim.require_pin(True)
    with patch.object(blink_api, bound, 0.3, create=True):
        result = await _start(hass)
        if stalled == "oauth_2fa_verify":
            result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
            assert result["step_id"] == "2fa"
            answer = {CONF_PIN: PIN}
        else:
            answer = CREDENTIALS
        sim.faults.inject(Fault.TIMEOUT, times=1, endpoints={stalled}, delay=5)
        started = time.monotonic()
        result = await hass.config_entries.flow.async_configure(result["flow_id"], answer)
        elapsed = time.monotonic() - started
    assert elapsed < 3
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


@contextmanager
def spy_on_flow_sessions() -> Iterator[list[aiohttp.ClientSession]]:
    """Collect the HTTP sessions config flows open meanwhile."""
    sessions: list[aiohttp.ClientSession] = []

    def spy(*args: Any, **kwargs: Any) -> BlinkSession:
        made = async_blink_session(*args, **kwargs)
        sessions.append(made.session)
        return made

    with patch("custom_components.blink_care.config_flow.async_blink_session", spy):
        yield sessions


@pytest.mark.parametrize("step", ["2fa", "user"])
async def test_abandoned_flow_closes_its_session(
    hass: HomeAssistant, sim: SimCloud, step: str
) -> None:
    """A flow the user walks away from leaves no open HTTP session and no shutdown listener.

    Walked away from at the PIN step, or after a refused password.
    """
    sim.require_pin(step == "2fa")
    password = PASSWORD if step == "2fa" else "wrong"
    closers: list[int] = []
    # Twice: the first flow also makes Home Assistant's shared connector, which stays.
    with spy_on_flow_sessions() as sessions:
        for _ in range(2):
            result = await _start(hass)
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: password}
            )
            assert result["step_id"] == step
            hass.config_entries.flow.async_abort(result["flow_id"])
            await hass.async_block_till_done()
            closers.append(hass.bus.async_listeners().get(EVENT_HOMEASSISTANT_CLOSE, 0))
    assert len(sessions) == 2
    assert all(session.closed for session in sessions)
    assert closers[1] == closers[0]


async def test_finished_flow_closes_its_session(hass: HomeAssistant, sim: SimCloud) -> None:
    """The flow's session is closed once the entry exists (the entry opens its own)."""
    with spy_on_flow_sessions() as sessions:
        result = await hass.config_entries.flow.async_configure(
            (await _start(hass))["flow_id"], CREDENTIALS
        )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert len(sessions) == 1
    assert sessions[0].closed
    assert result["result"].state is ConfigEntryState.LOADED


async def test_user_flow_wrong_password(hass: HomeAssistant, sim: SimCloud) -> None:
    """A refused password is 'invalid_auth' and keeps the e-mail in the form."""
    result = await hass.config_entries.flow.async_configure(
        (await _start(hass))["flow_id"], {CONF_USERNAME: USERNAME, CONF_PASSWORD: "wrong"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}


async def test_user_flow_unexpected_error(hass: HomeAssistant, sim: SimCloud) -> None:
    """A bug in blinkpy shows 'unknown' instead of crashing the flow."""
    with patch("blinkpy.auth.Auth.startup", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            (await _start(hass))["flow_id"], CREDENTIALS
        )
    assert result["errors"] == {"base": "unknown"}


async def test_same_account_twice_aborts(
    hass: HomeAssistant, sim: SimCloud, config_entry: MockConfigEntry
) -> None:
    """Adding an account that is already set up aborts."""
    result = await hass.config_entries.flow.async_configure(
        (await _start(hass))["flow_id"], {**CREDENTIALS, CONF_USERNAME: "USER@example.com "}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth_after_revoked_tokens(
    hass: HomeAssistant, sim: SimCloud, loaded_entry: MockConfigEntry
) -> None:
    """Revoked tokens and a changed password start reauth; the new password fixes it."""
    sim.revoke_tokens()
    sim.password = "new-password"
    await loaded_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()

    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    flow_id = flows[0]["flow_id"]

    result = await hass.config_entries.flow.async_configure(flow_id, {CONF_PASSWORD: "wrong"})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {CONF_PASSWORD: "new-password"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert loaded_entry.data[CONF_PASSWORD] == "new-password"
    assert loaded_entry.state is ConfigEntryState.LOADED


async def test_reauth_with_pin(
    hass: HomeAssistant, sim: SimCloud, config_entry: MockConfigEntry
) -> None:
    """Reauth can pass through the PIN step too."""
    sim.require_pin(True)
    result = await config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: PASSWORD}
    )
    assert result["step_id"] == "2fa"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PIN: PIN})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"


async def test_reauth_on_hardware_id_rejected(
    hass: HomeAssistant, sim: SimCloud, config_entry: MockConfigEntry
) -> None:
    """A 406 during setup asks the user to sign in again with a message that says why."""
    sim.faults.inject(Fault.HTTP_406, endpoints={"oauth_token", "oauth_authorize"})
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    assert config_entry.reason is not None
    assert "406" in config_entry.reason
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_reconfigure_same_and_other_account(
    hass: HomeAssistant, sim: SimCloud, config_entry: MockConfigEntry
) -> None:
    """Reconfigure updates the password of the same account and refuses another account."""
    result = await config_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert config_entry.data["refresh_token"]

    other_fleet = Fleet.build(
        sync_modules=1, battery_cameras=1, minis=0, doorbells=0, now=dt_util.utcnow()
    )
    other_fleet.account_id = sim.account_id + 1
    other = SimCloud(
        other_fleet, clock=dt_util.utcnow, username=USERNAME, password=PASSWORD, pin=PIN
    )
    undo = redirect_blinkpy(await other.start(host="127.0.0.1", port=0))
    try:
        result = await config_entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(result["flow_id"], CREDENTIALS)
    finally:
        undo()
        await other.stop()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"


async def test_options_flow(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Options are stored and the entry reloads with them."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    assert result["type"] is FlowResultType.FORM
    options = {
        CONF_SCAN_INTERVAL: 300,
        CONF_LOW_THRESHOLD: 25,
        CONF_WARNING_LEAD_DAYS: 30,
        CONF_REPLACEMENT_JUMP: 40,
        CONF_OFFLINE_GRACE_MINUTES: 0,
    }
    result = await hass.config_entries.options.async_configure(result["flow_id"], options)
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options == options
    coordinator = loaded_entry.runtime_data.coordinator
    assert coordinator.update_interval is not None
    assert coordinator.update_interval.total_seconds() == 300
    assert coordinator.fleet.settings.low_threshold_pct == 25


async def test_options_out_of_range_rejected(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A poll interval below 60 s is refused by the form's schema and nothing changes."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "settings"}
    )
    with pytest.raises(vol.Invalid):
        await hass.config_entries.options.async_configure(
            result["flow_id"],
            {
                CONF_SCAN_INTERVAL: 5,
                CONF_LOW_THRESHOLD: 20,
                CONF_WARNING_LEAD_DAYS: 21,
                CONF_REPLACEMENT_JUMP: 30,
                CONF_OFFLINE_GRACE_MINUTES: 10,
            },
        )
    assert loaded_entry.options == {}


async def test_user_flow_retries_with_new_hardware_id_after_406(
    hass: HomeAssistant, sim: SimCloud
) -> None:
    """If Blink refuses the new installation's id, one more sign-in with a fresh id follows."""
    sim.faults.inject(Fault.HTTP_406, times=1, endpoints={"oauth_authorize"})
    result = await hass.config_entries.flow.async_configure(
        (await _start(hass))["flow_id"], CREDENTIALS
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].data["hardware_id"] in sim.hardware_ids_seen
    # The refused authorize, then the second sign-in's two authorize steps.
    assert sim.requests.by_endpoint["oauth_authorize"] == 3


async def test_user_flow_hardware_id_refused_twice(hass: HomeAssistant, sim: SimCloud) -> None:
    """A 406 that persists is explained as such, not as a wrong password."""
    sim.faults.inject(Fault.HTTP_406, endpoints={"oauth_authorize"})
    result = await hass.config_entries.flow.async_configure(
        (await _start(hass))["flow_id"], CREDENTIALS
    )
    assert result["errors"] == {"base": "hardware_id_rejected"}


async def test_pin_step_unexpected_error(hass: HomeAssistant, sim: SimCloud) -> None:
    """A bug while sending the PIN shows 'unknown' and the PIN can be tried again."""
    sim.require_pin(True)
    result = await hass.config_entries.flow.async_configure(
        (await _start(hass))["flow_id"], CREDENTIALS
    )
    with patch("blinkpy.auth.Auth.complete_2fa_login", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PIN: PIN})
    assert result["step_id"] == "2fa"
    assert result["errors"] == {"base": "unknown"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PIN: PIN})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_power_plug_options_map_mains_devices(
    hass: HomeAssistant, sim: SimCloud, loaded_entry: MockConfigEntry
) -> None:
    """The plug step lists only mains devices by name and stores serial -> switch."""
    hass.states.async_set("switch.plug_one", "on")
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "power_plugs"}
    )
    assert result["type"] is FlowResultType.FORM
    labels = {str(key) for key in result["data_schema"].schema}
    mains = [d for d in sim.fleet.devices if not d.battery_powered]
    assert labels == {d.name for d in mains}
    mini = next(d for d in mains if d.product_code == "owl")
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {mini.name: "switch.plug_one"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert loaded_entry.options[CONF_POWER_PLUGS] == {mini.serial: "switch.plug_one"}


async def test_power_plug_options_need_a_loaded_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    """Without a running account there is nothing to list: the step says so."""
    result = await hass.config_entries.options.async_init(config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "power_plugs"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "not_loaded"


def test_plug_labels_stay_unique() -> None:
    """Two devices with one name get their serials added, so each row is distinct."""
    assert unique_labels([("A1", "Hall"), ("B2", "Hall"), ("C3", "Porch")]) == {
        "A1": "Hall (A1)",
        "B2": "Hall (B2)",
        "C3": "Porch",
    }


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (HardwareIdRejectedError("406"), "hardware_id_rejected"),
        (AuthFailedError("401"), "invalid_auth"),
        (InvalidPinError("pin"), "invalid_pin"),
        (RateLimitedError("429"), "rate_limited"),
        (CloudUnreachableError("503"), "cannot_connect"),
        (BlinkCareError("other"), "unknown"),
    ],
)
def test_every_fault_has_a_form_error(error: BlinkCareError, key: str) -> None:
    """Each typed fault of the client maps to the translated form error the user sees."""
    assert error_key(error) == key


class TestAccountWithoutMainsDevices:
    """An account with only a battery doorbell has nothing to power-cycle."""

    @pytest.fixture
    def fleet(self) -> Fleet:
        """One sync-less battery doorbell."""
        return Fleet.build(now=dt_util.utcnow(), sync_modules=0, battery_cameras=0, doorbells=1)

    async def test_plug_step_explains_there_is_nothing_to_map(
        self, hass: HomeAssistant, loaded_entry: MockConfigEntry
    ) -> None:
        """The plug step aborts with a reason instead of showing an empty form."""
        result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {"next_step_id": "power_plugs"}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "no_mains_devices"
