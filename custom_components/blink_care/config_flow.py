"""Sign in to Blink (password, then a PIN when Blink sends one), reauth, reconfigure, options.

The same client (and so the same HTTP session and cookie jar) serves the password step and the
PIN step: Blink keeps the sign-in state in cookies and blinkpy keeps the PKCE verifier in memory.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import voluptuous as vol

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, Platform
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .client.api import BlinkCloudClient, new_hardware_id
from .client.errors import (
    AuthFailedError,
    BlinkCareError,
    CloudUnreachableError,
    HardwareIdRejectedError,
    InvalidPinError,
    RateLimitedError,
    TwoFactorRequiredError,
)
from .client.models import PowerSource
from .const import (
    CONF_LOW_THRESHOLD,
    CONF_OFFLINE_GRACE_MINUTES,
    CONF_PIN,
    CONF_POWER_PLUGS,
    CONF_REPLACEMENT_JUMP,
    CONF_SCAN_INTERVAL,
    CONF_WARNING_LEAD_DAYS,
    DOMAIN,
    LOGGER,
    MAX_OFFLINE_GRACE_MINUTES,
    MAX_SCAN_INTERVAL_S,
    MIN_SCAN_INTERVAL_S,
    OPTION_DEFAULTS,
)
from .data import BlinkCareConfigEntry
from .session import BlinkSession, async_blink_session, async_create_blink_client

STEP_2FA = "2fa"
_EMAIL = TextSelector(TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username"))
_PASSWORD = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
)
USER_SCHEMA = vol.Schema(
    {vol.Required(CONF_USERNAME): _EMAIL, vol.Required(CONF_PASSWORD): _PASSWORD}
)
PASSWORD_SCHEMA = vol.Schema({vol.Required(CONF_PASSWORD): _PASSWORD})
PIN_SCHEMA = vol.Schema({vol.Required(CONF_PIN): str})


def error_key(err: BlinkCareError) -> str:
    """The form error a user sees for a fault (keys are translated in translations/*.json)."""
    if isinstance(err, HardwareIdRejectedError):
        return "hardware_id_rejected"
    if isinstance(err, AuthFailedError):
        return "invalid_auth"
    if isinstance(err, InvalidPinError):
        return "invalid_pin"
    if isinstance(err, RateLimitedError):
        return "rate_limited"
    if isinstance(err, CloudUnreachableError):
        return "cannot_connect"
    return "unknown"


class BlinkCareConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a Blink account."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Nothing is signed in yet."""
        self._client: BlinkCloudClient | None = None
        self._session: BlinkSession | None = None
        self._username = ""

    @callback
    def async_remove(self) -> None:
        """The flow ended (entry made, aborted, or abandoned by the user): close its session."""
        if self._session is not None:
            self._session.session.detach()
            self._session = None
        self._client = None

    @staticmethod
    @callback
    def async_get_options_flow(
        config_entry: BlinkCareConfigEntry,  # noqa: ARG004 - signature fixed by Home Assistant
    ) -> BlinkCareOptionsFlow:
        """Options: poll interval, battery thresholds, offline grace period."""
        return BlinkCareOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the Blink e-mail and password."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._username = user_input[CONF_USERNAME].strip()
            # Blink e-mails are case-insensitive; the account id check after login is the
            # real guarantee, this one just spares a sign-in.
            if any(
                str(entry.data.get(CONF_USERNAME, "")).casefold() == self._username.casefold()
                for entry in self._async_current_entries(include_ignore=False)
            ):
                return self.async_abort(reason="already_configured")
            result = await self._async_sign_in(
                {
                    CONF_USERNAME: self._username,
                    CONF_PASSWORD: user_input[CONF_PASSWORD],
                    "hardware_id": new_hardware_id(),
                },
                errors,
            )
            if result is not None:
                return result
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Blink refused the stored login: ask for the password again."""
        self._username = str(entry_data.get(CONF_USERNAME, ""))
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in again with the same account; the history is kept."""
        errors: dict[str, str] = {}
        entry = self._get_reauth_entry()
        if user_input is not None:
            result = await self._async_sign_in(
                self._relogin_data(entry, entry.data[CONF_USERNAME], user_input[CONF_PASSWORD]),
                errors,
            )
            if result is not None:
                return result
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=PASSWORD_SCHEMA,
            errors=errors,
            description_placeholders={CONF_USERNAME: entry.data[CONF_USERNAME]},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the e-mail or password of the same Blink account."""
        errors: dict[str, str] = {}
        entry = self._get_reconfigure_entry()
        if user_input is not None:
            self._username = user_input[CONF_USERNAME].strip()
            result = await self._async_sign_in(
                self._relogin_data(entry, self._username, user_input[CONF_PASSWORD]), errors
            )
            if result is not None:
                return result
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                USER_SCHEMA, user_input or {CONF_USERNAME: entry.data[CONF_USERNAME]}
            ),
            errors=errors,
        )

    async def async_step_2fa(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Blink sent a PIN: the user types it; a wrong PIN may be retried without a new login."""
        errors: dict[str, str] = {}
        if user_input is not None and self._client is not None:
            try:
                await self._client.async_submit_pin(str(user_input[CONF_PIN]).strip())
            except BlinkCareError as err:
                errors["base"] = error_key(err)
            except Exception:  # noqa: BLE001 - the form must show an error, never crash
                LOGGER.exception("Unexpected error while sending the PIN to Blink")
                errors["base"] = "unknown"
            else:
                return await self._async_finish(self._client)
        return self.async_show_form(step_id=STEP_2FA, data_schema=PIN_SCHEMA, errors=errors)

    def _relogin_data(
        self, entry: BlinkCareConfigEntry, username: str, password: str
    ) -> dict[str, Any]:
        """A fresh sign-in with the entry's hardware id (a new one if Blink refused it)."""
        hardware_id = entry.data.get("hardware_id") or new_hardware_id()
        return {CONF_USERNAME: username, CONF_PASSWORD: password, "hardware_id": hardware_id}

    async def _async_sign_in(
        self, login_data: dict[str, Any], errors: dict[str, str]
    ) -> ConfigFlowResult | None:
        """Try the password; returns the next step, or None with `errors` filled in."""
        try:
            try:
                client = await self._async_login(login_data)
            except HardwareIdRejectedError:
                # The stored id is refused: a new id means a new device for Blink, which is fine.
                LOGGER.warning("Blink refused the hardware id; signing in with a new one")
                client = await self._async_login({**login_data, "hardware_id": new_hardware_id()})
        except TwoFactorRequiredError:
            return await self.async_step_2fa()
        except BlinkCareError as err:
            errors["base"] = error_key(err)
            return None
        except Exception:  # noqa: BLE001 - the form must show an error, never crash
            LOGGER.exception("Unexpected error while signing in to Blink")
            errors["base"] = "unknown"
            return None
        return await self._async_finish(client)

    async def _async_login(self, login_data: dict[str, Any]) -> BlinkCloudClient:
        """A fresh sign-in on this flow's session; the client is kept for the PIN step."""
        session = self._session = self._session or async_blink_session(
            self.hass, auto_cleanup=False
        )
        self._client = async_create_blink_client(self.hass, session, login_data)
        await self._client.async_login()
        return self._client

    async def _async_finish(self, client: BlinkCloudClient) -> ConfigFlowResult:
        """Signed in: create the entry, or update the one being reauthenticated/reconfigured."""
        login_data = client.login_data
        # A signed-in client always knows its account (it fails the login otherwise).
        await self.async_set_unique_id(str(client.account_id))
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            entry = (
                self._get_reauth_entry()
                if self.source == SOURCE_REAUTH
                else self._get_reconfigure_entry()
            )
            return self.async_update_reload_and_abort(
                entry, title=login_data[CONF_USERNAME], data_updates=login_data
            )
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title=login_data[CONF_USERNAME], data=login_data)


class BlinkCareOptionsFlow(OptionsFlowWithReload):
    """Settings (poll interval, battery thresholds, grace period) and smart plug mapping."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose what to change."""
        return self.async_show_menu(step_id="init", menu_options=["settings", "power_plugs"])

    async def async_step_settings(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """One form; the entry reloads with the new options, history kept."""
        if user_input is not None:
            return self.async_create_entry(data={**self.config_entry.options, **user_input})
        return self.async_show_form(
            step_id="settings",
            data_schema=self.add_suggested_values_to_schema(
                OPTIONS_SCHEMA, {**OPTION_DEFAULTS, **self.config_entry.options}
            ),
        )

    async def async_step_power_plugs(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the smart plug (switch) that powers each mains device, for power_cycle."""
        entry: BlinkCareConfigEntry = self.config_entry
        if (
            entry.state is not ConfigEntryState.LOADED
            or entry.runtime_data.coordinator.data is None
        ):
            return self.async_abort(reason="not_loaded")
        devices = entry.runtime_data.coordinator.data.devices.values()
        labels = unique_labels(
            (state.serial, state.snapshot.name)
            for state in devices
            if state.snapshot.power_source is PowerSource.MAINS
        )
        if not labels:
            return self.async_abort(reason="no_mains_devices")
        current: dict[str, str] = dict(entry.options.get(CONF_POWER_PLUGS, {}))
        if user_input is not None:
            plugs = {
                serial: user_input[label]
                for serial, label in labels.items()
                if user_input.get(label)
            }
            return self.async_create_entry(data={**entry.options, CONF_POWER_PLUGS: plugs})
        switch = EntitySelector(EntitySelectorConfig(domain=Platform.SWITCH))
        schema = vol.Schema({vol.Optional(label): switch for label in labels.values()})
        return self.async_show_form(
            step_id="power_plugs",
            data_schema=self.add_suggested_values_to_schema(
                schema,
                {labels[serial]: entity for serial, entity in current.items() if serial in labels},
            ),
        )


def unique_labels(devices: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Form labels by serial: the device name, with the serial added where names repeat."""
    devices = sorted(devices, key=lambda item: (item[1].casefold(), item[0]))
    names = Counter(name for _serial, name in devices)
    return {serial: name if names[name] == 1 else f"{name} ({serial})" for serial, name in devices}


def _number(low: int, high: int, unit: str, step: int = 1) -> NumberSelector:
    return NumberSelector(
        NumberSelectorConfig(
            min=low, max=high, step=step, unit_of_measurement=unit, mode=NumberSelectorMode.BOX
        )
    )


OPTIONS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_SCAN_INTERVAL): vol.All(
            _number(MIN_SCAN_INTERVAL_S, MAX_SCAN_INTERVAL_S, "s"), vol.Coerce(int)
        ),
        vol.Required(CONF_LOW_THRESHOLD): vol.All(_number(5, 50, "%"), vol.Coerce(int)),
        vol.Required(CONF_WARNING_LEAD_DAYS): vol.All(_number(1, 90, "d"), vol.Coerce(int)),
        vol.Required(CONF_REPLACEMENT_JUMP): vol.All(_number(10, 80, "%"), vol.Coerce(int)),
        vol.Required(CONF_OFFLINE_GRACE_MINUTES): vol.All(
            _number(0, MAX_OFFLINE_GRACE_MINUTES, "min"), vol.Coerce(int)
        ),
    }
)
