"""blink_care: battery health, offline detection and model-specific care for Blink devices."""

from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .coordinator import BlinkCareCoordinator
from .data import BlinkCareConfigEntry, BlinkCareData
from .issues import async_remove_entry_issues
from .log_filter import install_blinkpy_log_filter
from .services import async_setup_services
from .session import async_blink_session, async_create_blink_client
from .store import HistoryStore

PLATFORMS = [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.SENSOR]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once, so automations validate even before an entry loads."""
    install_blinkpy_log_filter()
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: BlinkCareConfigEntry) -> bool:
    """Log in with the stored tokens, load the history and start polling."""

    @callback
    def store_tokens(login_data: dict[str, Any]) -> None:
        # Blink rotates refresh tokens: keep the newest, or the next restart needs a password.
        if any(entry.data.get(key) != value for key, value in login_data.items()):
            hass.config_entries.async_update_entry(entry, data={**entry.data, **login_data})

    client = async_create_blink_client(hass, async_blink_session(hass), entry.data, store_tokens)
    history = HistoryStore(hass, entry.entry_id)
    await history.async_load()
    coordinator = BlinkCareCoordinator(hass, entry, client, history)
    entry.runtime_data = BlinkCareData(client=client, coordinator=coordinator)
    entry.async_on_unload(history.async_save_now)
    await coordinator.async_config_entry_first_refresh()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BlinkCareConfigEntry) -> bool:
    """Stop polling; the history is written out by the unload callbacks."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: BlinkCareConfigEntry) -> None:
    """The user deleted the integration: delete its repair issues and history file too."""
    async_remove_entry_issues(hass, entry.entry_id)
    await HistoryStore(hass, entry.entry_id).async_remove()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: BlinkCareConfigEntry, device_entry: DeviceEntry
) -> bool:
    """Let the user delete a device that is no longer in the Blink account."""
    coordinator: BlinkCareCoordinator = entry.runtime_data.coordinator
    serials = {identifier for domain, identifier in device_entry.identifiers if domain == DOMAIN}
    present = set() if coordinator.data is None else set(coordinator.data.devices)
    if serials & present or coordinator.account_identifier in serials:
        return False
    for serial in serials:
        coordinator.remove_device(serial)
    return True
