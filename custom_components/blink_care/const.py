"""Names shared by the Home Assistant side of blink_care."""

from datetime import timedelta
import logging
from typing import Final

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
DEFAULT_LOW_THRESHOLD: Final = 20
DEFAULT_WARNING_LEAD_DAYS: Final = 21
DEFAULT_REPLACEMENT_JUMP: Final = 30
DEFAULT_OFFLINE_GRACE_MINUTES: Final = 10
MAX_OFFLINE_GRACE_MINUTES: Final = 120

# Battery voltage and dBm come from the per-camera config: fetch it this often per camera,
# at most one camera per poll so requests never bunch up.
CAMERA_CONFIG_INTERVAL: Final = timedelta(hours=6)
# Rate-limit back-off: doubles from the poll interval up to this ceiling.
MAX_BACKOFF: Final = timedelta(minutes=30)
# A device absent from the account is removed only after this long (never for an outage).
STALE_DEVICE_AFTER: Final = timedelta(days=30)

# The account itself is a device too, holding account-wide entities.
ACCOUNT_DEVICE_PREFIX: Final = "account_"
