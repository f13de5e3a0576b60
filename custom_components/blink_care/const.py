"""Names shared by the Home Assistant side of blink_care."""

from datetime import timedelta
import logging
from typing import Final

from .client.api import LONGEST_WAIT_S
from .engine import battery, connectivity

DOMAIN: Final = "blink_care"
LOGGER = logging.getLogger(__package__)
MANUFACTURER: Final = "Blink"

# Config entry data
CONF_PIN: Final = "pin"

# Options (names are part of the public contract: keep them)
CONF_SCAN_INTERVAL: Final = "scan_interval"
CONF_LOW_THRESHOLD: Final = "low_threshold"
CONF_WARNING_LEAD_DAYS: Final = "warning_lead_days"
CONF_REPLACEMENT_JUMP: Final = "replacement_jump"
CONF_OFFLINE_GRACE_MINUTES: Final = "offline_grace_minutes"
CONF_POWER_PLUGS: Final = "power_plugs"

DEFAULT_SCAN_INTERVAL_S: Final = 120
MIN_SCAN_INTERVAL_S: Final = 60
MAX_SCAN_INTERVAL_S: Final = 900
# The engines own their defaults; here under the names of the options they are defaults of.
DEFAULT_LOW_THRESHOLD: Final = battery.DEFAULT_LOW_THRESHOLD_PCT
DEFAULT_WARNING_LEAD_DAYS: Final = battery.DEFAULT_WARNING_LEAD_DAYS
DEFAULT_REPLACEMENT_JUMP: Final = battery.DEFAULT_REPLACEMENT_JUMP_PCT
DEFAULT_OFFLINE_GRACE_MINUTES: Final = connectivity.DEFAULT_GRACE_MINUTES
MAX_OFFLINE_GRACE_MINUTES: Final = 120
# What an option reads as until the user sets it (the options form starts from these too).
OPTION_DEFAULTS: Final[dict[str, int]] = {
    CONF_SCAN_INTERVAL: DEFAULT_SCAN_INTERVAL_S,
    CONF_LOW_THRESHOLD: DEFAULT_LOW_THRESHOLD,
    CONF_WARNING_LEAD_DAYS: DEFAULT_WARNING_LEAD_DAYS,
    CONF_REPLACEMENT_JUMP: DEFAULT_REPLACEMENT_JUMP,
    CONF_OFFLINE_GRACE_MINUTES: DEFAULT_OFFLINE_GRACE_MINUTES,
}

# Rate-limit back-off: doubles from the poll interval up to this ceiling, which also caps
# Blink's Retry-After hints (the client's longest wait).
MAX_BACKOFF: Final = timedelta(seconds=LONGEST_WAIT_S)

# The account itself is a device too, holding account-wide entities.
ACCOUNT_DEVICE_PREFIX: Final = "account_"
