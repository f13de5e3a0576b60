"""Binary sensors: online and battery low per device, cloud reachability per account."""

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .client.models import PowerSource
from .data import BlinkCareConfigEntry
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
class BlinkCareBinarySensorEntityDescription(
    DeviceEntityDescription, BinarySensorEntityDescription
):
    """A per-device binary sensor: how to read it from the device's state."""

    is_on_fn: Callable[[DeviceState], bool | None]


def _online(state: DeviceState) -> bool | None:
    connectivity = state.connectivity.state
    if connectivity is Connectivity.UNKNOWN:
        return None
    return connectivity is Connectivity.ONLINE


def _online_attributes(state: DeviceState) -> dict[str, object]:
    connectivity = state.connectivity
    return {
        "state": connectivity.state.value,
        "reason": None if connectivity.reason is None else connectivity.reason.value,
        "offline_since": connectivity.offline_since,
    }


DEVICE_BINARY_SENSORS: tuple[BlinkCareBinarySensorEntityDescription, ...] = (
    BlinkCareBinarySensorEntityDescription(
        key="online",
        translation_key="online",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        is_on_fn=_online,
        attributes_fn=_online_attributes,
    ),
    BlinkCareBinarySensorEntityDescription(
        key="battery_low",
        translation_key="battery_low",
        device_class=BinarySensorDeviceClass.BATTERY,
        exists_fn=lambda state: state.snapshot.power_source is PowerSource.BATTERY,
        is_on_fn=lambda state: None if state.battery is None else state.battery.low,
    ),
)

CLOUD_REACHABLE = BinarySensorEntityDescription(
    key="cloud_reachable",
    translation_key="cloud_reachable",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlinkCareConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the cloud sensor and the binary sensors of every device."""
    async_add_entities([CloudReachableSensor(entry.runtime_data.coordinator, CLOUD_REACHABLE)])
    async_add_device_entities(
        entry, async_add_entities, DEVICE_BINARY_SENSORS, BlinkCareBinarySensor
    )


class BlinkCareBinarySensor(BlinkCareEntity, BinarySensorEntity):
    """A binary sensor whose state the description reads from the device's state."""

    entity_description: BlinkCareBinarySensorEntityDescription

    def value(self, state: DeviceState) -> bool | None:
        """On/off in a device state."""
        return self.entity_description.is_on_fn(state)

    @property
    def is_on(self) -> bool | None:
        """On/off from the latest poll."""
        state = self.device_state
        return None if state is None else self.value(state)


class CloudReachableSensor(BlinkCareAccountEntity, BinarySensorEntity):
    """Whether the last poll reached the Blink cloud: the one sensor that stays available."""

    @property
    def available(self) -> bool:
        """Always: this sensor reports the outage that makes the others unavailable."""
        return True

    @property
    def is_on(self) -> bool:
        """On when the last poll got an answer from Blink."""
        return self.coordinator.blink_answered
