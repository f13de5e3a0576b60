"""Sensors: battery health, signal and temperature per device; offline count per account."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfElectricPotential,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .client.models import PowerSource
from .data import BlinkCareConfigEntry
from .engine.battery import BatteryHealth
from .engine.catalog import battery_description
from .engine.connectivity import Connectivity
from .engine.fleet import DeviceState
from .entity import (
    BlinkCareAccountEntity,
    BlinkCareEntity,
    DeviceEntityDescription,
    async_add_device_entities,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class BlinkCareSensorEntityDescription(DeviceEntityDescription, SensorEntityDescription):
    """A per-device sensor: how to read its value from the device's state."""

    value_fn: Callable[[DeviceState], StateType | datetime]


def _on_battery(state: DeviceState) -> bool:
    return state.snapshot.power_source is PowerSource.BATTERY


def _battery_level_attributes(state: DeviceState) -> dict[str, object]:
    battery = state.battery
    return {
        "source": None
        if battery is None or battery.level_source is None
        else battery.level_source.value,
        "uncertainty": None if battery is None else battery.uncertainty_pct,
        "battery_type": battery_description(state.model),
    }


def _day(moment: datetime | None) -> datetime | None:
    """The start of the moment's local day, for predicted dates.

    A prediction weeks wide, given to the second, shifts a little at every poll: each shift
    would be a new state, and a recorder row.
    """
    return None if moment is None else dt_util.start_of_local_day(dt_util.as_local(moment))


def _replacement_due_attributes(state: DeviceState) -> dict[str, object]:
    battery = state.battery
    return {
        "earliest": None if battery is None else _day(battery.predicted_empty_earliest),
        "latest": None if battery is None else _day(battery.predicted_empty_latest),
        "basis": None if battery is None or battery.basis is None else battery.basis.value,
    }


def _replaced_attributes(state: DeviceState) -> dict[str, object]:
    replaced = None if state.battery is None else state.battery.last_replaced
    return {"source": None if replaced is None else replaced.source.value}


def _wifi_attributes(state: DeviceState) -> dict[str, object]:
    return {"dbm": None if state.config is None else state.config.wifi_dbm}


def _voltage(state: DeviceState) -> StateType:
    """The latest camera config's reading, else the last one the battery history holds."""
    if state.config is not None and state.config.battery_voltage is not None:
        return state.config.battery_voltage
    return None if state.battery is None else state.battery.voltage


def _level(state: DeviceState) -> StateType:
    level = None if state.battery is None else state.battery.level_pct
    return None if level is None else round(level)


def _health(state: DeviceState) -> str | None:
    if state.battery is None or state.battery.health is BatteryHealth.UNKNOWN:
        return None
    return state.battery.health.value


DEVICE_SENSORS: tuple[BlinkCareSensorEntityDescription, ...] = (
    BlinkCareSensorEntityDescription(
        key="battery_level",
        translation_key="battery_level",
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        exists_fn=_on_battery,
        value_fn=_level,
        attributes_fn=_battery_level_attributes,
    ),
    BlinkCareSensorEntityDescription(
        key="battery_voltage",
        translation_key="battery_voltage",
        device_class=SensorDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda state: state.reports_voltage,
        value_fn=_voltage,
    ),
    BlinkCareSensorEntityDescription(
        key="battery_health",
        translation_key="battery_health",
        device_class=SensorDeviceClass.ENUM,
        # Not enough readings yet is Home Assistant's own "unknown" (None), not an option.
        options=[health.value for health in BatteryHealth if health is not BatteryHealth.UNKNOWN],
        exists_fn=_on_battery,
        value_fn=_health,
    ),
    BlinkCareSensorEntityDescription(
        key="batteries_replaced",
        translation_key="batteries_replaced",
        device_class=SensorDeviceClass.TIMESTAMP,
        exists_fn=_on_battery,
        value_fn=lambda state: (
            None
            if state.battery is None or state.battery.last_replaced is None
            else state.battery.last_replaced.at
        ),
        attributes_fn=_replaced_attributes,
    ),
    BlinkCareSensorEntityDescription(
        key="battery_replacement_due",
        translation_key="battery_replacement_due",
        device_class=SensorDeviceClass.TIMESTAMP,
        exists_fn=_on_battery,
        value_fn=lambda state: (
            None if state.battery is None else _day(state.battery.predicted_empty)
        ),
        attributes_fn=_replacement_due_attributes,
    ),
    BlinkCareSensorEntityDescription(
        key="battery_type",
        translation_key="battery_type",
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=_on_battery,
        value_fn=lambda state: battery_description(state.model),
    ),
    BlinkCareSensorEntityDescription(
        key="wifi_signal",
        translation_key="wifi_signal",
        entity_registry_enabled_default=False,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda state: state.snapshot.wifi_bars is not None,
        value_fn=lambda state: state.snapshot.wifi_bars,
        attributes_fn=_wifi_attributes,
    ),
    BlinkCareSensorEntityDescription(
        key="sync_signal",
        translation_key="sync_signal",
        entity_registry_enabled_default=False,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda state: state.snapshot.sync_signal_bars is not None,
        value_fn=lambda state: state.snapshot.sync_signal_bars,
    ),
    BlinkCareSensorEntityDescription(
        key="temperature",
        translation_key="temperature",
        entity_registry_enabled_default=False,
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.FAHRENHEIT,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        entity_category=EntityCategory.DIAGNOSTIC,
        exists_fn=lambda state: state.snapshot.temperature_f is not None,
        value_fn=lambda state: state.snapshot.temperature_f,
    ),
)

LAST_SEEN = BlinkCareSensorEntityDescription(
    key="last_seen",
    translation_key="last_seen",
    # Diagnostic: the Online sensor says what matters; this says since when it is silent.
    entity_registry_enabled_default=False,
    device_class=SensorDeviceClass.TIMESTAMP,
    entity_category=EntityCategory.DIAGNOSTIC,
    value_fn=lambda state: state.connectivity.last_seen,
)

DEVICES_OFFLINE = SensorEntityDescription(
    key="devices_offline",
    translation_key="devices_offline",
    state_class=SensorStateClass.MEASUREMENT,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlinkCareConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every device and the account's offline count."""
    async_add_entities([DevicesOfflineSensor(entry.runtime_data.coordinator, DEVICES_OFFLINE)])
    async_add_device_entities(entry, async_add_entities, DEVICE_SENSORS, BlinkCareSensor)
    async_add_device_entities(entry, async_add_entities, (LAST_SEEN,), LastSeenSensor)


class BlinkCareSensor(BlinkCareEntity, SensorEntity):
    """A sensor whose value the description reads from the device's state."""

    entity_description: BlinkCareSensorEntityDescription

    def value(self, state: DeviceState) -> StateType | datetime:
        """The sensor's value in a device state."""
        return self.entity_description.value_fn(state)

    @property
    def native_value(self) -> StateType | datetime:
        """The value in the latest poll."""
        state = self.device_state
        return None if state is None else self.value(state)


class DevicesOfflineSensor(BlinkCareAccountEntity, SensorEntity):
    """How many devices of the account are offline, for dashboards."""

    @property
    def native_value(self) -> int | None:
        """Devices offline past the grace period (not those behind an offline sync module)."""
        data = self.coordinator.data
        return None if data is None else data.offline_count


class LastSeenSensor(BlinkCareSensor):
    """When Blink last heard from the device, to the offline grace period while it is online.

    Blink's record of a device moves on every check-in (a sync module's every minute), so the
    exact time would be a new state, and a recorder row, on every poll, telling nothing the
    Online sensor does not. The time shown moves once the true one is a grace period ahead of
    it, and at once whenever the connectivity state changes, so the last contact before an
    outage, and the return from it, are exact.
    """

    _shown: datetime | None = None
    _shown_for: Connectivity | None = None

    async def async_added_to_hass(self) -> None:
        """Start from the latest poll."""
        self._follow_last_seen()
        await super().async_added_to_hass()

    @callback
    def _handle_coordinator_update(self) -> None:
        self._follow_last_seen()
        super()._handle_coordinator_update()

    def _follow_last_seen(self) -> None:
        state = self.device_state
        if state is None:
            return
        seen, connectivity = state.connectivity.last_seen, state.connectivity.state
        shown = self._shown
        if (
            connectivity is not self._shown_for
            or seen is None
            or shown is None
            or seen < shown
            or seen - shown >= self.coordinator.fleet.connectivity.grace
        ):
            self._shown, self._shown_for = seen, connectivity

    def value(self, state: DeviceState) -> datetime | None:
        """The last contact, as last followed (what the changed-state check compares, too)."""
        return self._shown
