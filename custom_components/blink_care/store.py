"""Per-entry history in Home Assistant's Store: what must survive restarts, reloads and reauth.

Battery observations and replacement records, when each device was last present, when its camera
config was last fetched, and the connectivity state machine's timestamps. The fleet model
(`engine.fleet`) owns the shape of the data; this module only loads, migrates and writes the file.
A corrupt file is moved aside and replaced by an empty history: setup never fails over it.
"""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER

STORE_VERSION = 1
STORE_MINOR_VERSION = 1
# At most one write per this many seconds: polls come every two minutes and each touches every
# device, but rewriting the whole file each time would wear out SD cards. Whatever happened
# since the last write is written on unload and when Home Assistant stops.
SAVE_DELAY_S = 600


def migrate_history(old_major: int, old_minor: int, data: Any) -> dict[str, Any]:
    """Bring stored data of an older version to the current shape.

    Version 1.1 is the first. The function exists so that the next change of shape has a
    tested place to go; today it only makes sure the top level has the expected keys.
    """
    del old_major, old_minor
    result = dict(data) if isinstance(data, Mapping) else {}
    result.setdefault("devices", {})
    result.setdefault("connectivity", {})
    return result


class _HistoryFile(Store[dict[str, Any]]):
    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        return migrate_history(old_major_version, old_minor_version, old_data)


class HistoryStore:
    """The history file of one config entry: loaded once, saved debounced.

    It keeps no state of its own once loaded: at write time it asks its source (the fleet
    model) for what the file must hold.
    """

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to `.storage/blink_care.<entry_id>`."""
        self._hass = hass
        self._store = _HistoryFile(
            hass, STORE_VERSION, f"{DOMAIN}.{entry_id}", minor_version=STORE_MINOR_VERSION
        )
        # What the file held when loaded, until a source takes over.
        self.loaded: dict[str, Any] = {"devices": {}, "connectivity": {}}
        self._source: Callable[[], dict[str, Any]] | None = None
        self._save_pending = False
        # Set on unload: a poll still in flight must not schedule a write over the next load's.
        self._closed = False

    async def async_load(self) -> None:
        """Load the history; a corrupt file is set aside and history starts empty."""
        try:
            raw = await self._store.async_load()
        except Exception:  # noqa: BLE001 - any damage means: keep a copy, start afresh
            raw = _DAMAGED
        if raw is not None and not _readable(raw):
            # Valid JSON of the wrong shape is damage too: keep the file before it is overwritten.
            await self._hass.async_add_executor_job(self._set_aside_corrupt_file)
            raw = None
        self.loaded = migrate_history(STORE_VERSION, STORE_MINOR_VERSION, raw or {})

    def _set_aside_corrupt_file(self) -> None:
        path = Path(self._store.path)
        aside = path.with_name(f"{path.name}.corrupt-{dt_util.utcnow():%Y%m%dT%H%M%S}")
        try:
            path.replace(aside)
        except OSError:
            LOGGER.warning("Battery history file %s is unreadable; starting a new history", path)
        else:
            LOGGER.warning(
                "Battery history file %s was damaged; kept it as %s and started a new history",
                path,
                aside.name,
            )

    def set_source(self, source: Callable[[], dict[str, Any]]) -> None:
        """Where to read what the file must hold, at write time (the live engine state)."""
        self._source = source

    @callback
    def schedule_save(self) -> None:
        """Save within SAVE_DELAY_S; changes until then go into the same write."""
        if not self._save_pending and not self._closed:
            self._save_pending = True
            self._store.async_delay_save(self.data_to_write, SAVE_DELAY_S)

    async def async_save_now(self) -> None:
        """Write at once and close (unload): nothing of the last minutes is lost."""
        self._closed = True
        await self._store.async_save(self.as_json())

    async def async_remove(self) -> None:
        """Delete the file (the config entry was deleted)."""
        await self._store.async_remove()

    def data_to_write(self) -> dict[str, Any]:
        """What the Store writes now (it calls this when the delayed save is due)."""
        self._save_pending = False
        return self.as_json()

    def as_json(self) -> dict[str, Any]:
        """Exactly what the file would hold if it were written now; changes nothing."""
        return self.loaded if self._source is None else self._source()


# Stands for a file the Store could not read at all.
_DAMAGED: Any = object()


def _readable(data: Any) -> bool:
    """Whether stored data has the shape of a history (single records may still be damaged)."""
    return isinstance(data, Mapping) and all(
        isinstance(data.get(part, {}), Mapping) for part in ("devices", "connectivity")
    )
