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
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .client.models import PowerSource
from .data import BlinkCareConfigEntry
from .engine.battery import BatteryHealth
from .engine.catalog import battery_description
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


def _replacement_due_attributes(state: DeviceState) -> dict[str, object]:
    battery = state.battery
    return {
        "earliest": None if battery is None else battery.predicted_empty_earliest,
        "latest": None if battery is None else battery.predicted_empty_latest,
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
        options=[health.value for health in BatteryHealth],
        exists_fn=_on_battery,
        value_fn=lambda state: None if state.battery is None else state.battery.health.value,
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
        value_fn=lambda state: None if state.battery is None else state.battery.predicted_empty,
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
        key="last_seen",
        translation_key="last_seen",
        # It changes on nearly every poll: enabled, it would fill the logbook.
        entity_registry_enabled_default=False,
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda state: state.connectivity.last_seen,
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
