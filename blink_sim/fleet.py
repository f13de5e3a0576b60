"""The simulated truth: which devices an account has and how they behave over time.

Nothing here stores a reading. Every time-dependent value (battery depth, voltage, "low",
bars, temperature, online state, last heartbeat) is computed from the time it is asked for,
so a test can move the clock (freezegun or an injected clock) and the cloud follows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
import math

from blink_sim.battery_truth import (
    Chemistry,
    blink_battery_bars,
    blink_battery_state,
    cell_voltage,
)


class Listing(StrEnum):
    """The homescreen list a device appears in (which also decides how blinkpy treats it)."""

    SYNC_MODULES = "sync_modules"
    CAMERAS = "cameras"  # cameras that talk to the cloud through a sync module
    OWLS = "owls"  # Minis and the wired floodlight: plug-in, Wi-Fi only
    DOORBELLS = "doorbells"


class Usage(StrEnum):
    """How busy a battery device is; it sets how long a set of batteries lasts."""

    LIGHT = "light"
    STANDARD = "standard"
    HEAVY = "heavy"


# Expected life of fresh lithium cells, in days, per usage level ("up to two years" is the
# vendor claim for light use).
LITHIUM_LIFE_DAYS: dict[Usage, float] = {
    Usage.LIGHT: 730.0,
    Usage.STANDARD: 400.0,
    Usage.HEAVY: 150.0,
}

# Usable capacity of the wrong battery types relative to lithium AA cells under Blink's load.
_CAPACITY_FACTOR: dict[Chemistry, float] = {
    Chemistry.LITHIUM: 1.0,
    Chemistry.NIMH: 0.55,
    Chemistry.ALKALINE: 0.45,
}

# How often the cloud's record of a device moves forward while it is online.
_CHECK_IN: dict[Listing, timedelta] = {
    Listing.SYNC_MODULES: timedelta(minutes=1),
    Listing.CAMERAS: timedelta(minutes=10),
    Listing.OWLS: timedelta(minutes=5),
    Listing.DOORBELLS: timedelta(minutes=10),
}

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class Model:
    """What one Blink product code looks like in the cloud."""

    code: str
    marketing_name: str
    listing: Listing
    fw_version: str
    battery_powered: bool = False
    indoor: bool = False
    subtype: str | None = None


def _camera(code: str, name: str, fw_version: str, *, indoor: bool = False) -> Model:
    return Model(
        code=code,
        marketing_name=name,
        listing=Listing.CAMERAS,
        fw_version=fw_version,
        battery_powered=True,
        indoor=indoor,
    )


def _sync_module(name: str, code: str, subtype: str, fw_version: str) -> Model:
    return Model(
        code=code,
        marketing_name=name,
        listing=Listing.SYNC_MODULES,
        fw_version=fw_version,
        indoor=True,
        subtype=subtype,
    )


# Codes from the Blink app's device-type list (blink-models.md §3), first match wins.
MODELS: tuple[Model, ...] = (
    _camera("sedona", "Outdoor 4", "15.16"),
    _camera("catalina", "Outdoor (3rd Gen)", "10.53"),
    _camera("catalina_indoor", "Indoor (3rd Gen)", "10.53", indoor=True),
    _camera("white", "Indoor (gen 1)", "2.151", indoor=True),
    _camera("xt", "XT", "2.151"),
    _camera("xt2", "XT2", "7.96"),
    Model(code="owl", marketing_name="Mini", listing=Listing.OWLS, fw_version="9.77", indoor=True),
    Model(
        code="hawk", marketing_name="Mini 2", listing=Listing.OWLS, fw_version="12.81", indoor=True
    ),
    Model(
        code="superior", marketing_name="Wired Floodlight", listing=Listing.OWLS, fw_version="11.40"
    ),
    Model(
        code="lotus",
        marketing_name="Video Doorbell",
        listing=Listing.DOORBELLS,
        fw_version="13.20",
        battery_powered=True,
    ),
    _sync_module("Sync Module 2", "sm2", "vinnie", "4.4.8"),
    # Unverified: the Blink app has a hub class "kalahari" that is either XR or Core.
    _sync_module("Sync Module XR", "sm2", "kalahari", "16.0.32"),
    _sync_module("Sync Module", "sm1", "none", "2.13.26"),
)


def find_model(code: str, subtype: str | None = None) -> Model | None:
    """Return the catalogue entry for a product code (and sync-module subtype, if given)."""
    return next(
        (m for m in MODELS if m.code == code and subtype in {None, m.subtype}),
        None,
    )


@dataclass(frozen=True, slots=True)
class OfflineWindow:
    """A stretch of time during which a device does not reach the cloud (end None: open)."""

    start: datetime
    end: datetime | None = None

    def covers(self, moment: datetime) -> bool:
        """Whether the device is down at `moment`."""
        return self.start <= moment and (self.end is None or moment < self.end)


@dataclass(frozen=True, slots=True)
class BatteryReading:
    """What the battery pack would tell Blink at one moment."""

    chemistry: Chemistry
    depth_of_discharge: float
    volts: float
    state: str  # Blink's "ok" / "low"
    bars: int  # Blink's 0-3

    @property
    def hundredths(self) -> int:
        """Voltage the way Blink sends it (163 = 1.63 V)."""
        return round(self.volts * 100)

    @property
    def external_power(self) -> bool:
        """A USB adapter feeds the camera instead of cells."""
        return self.chemistry is Chemistry.EXTERNAL


@dataclass(frozen=True, slots=True)
class DeviceState:
    """A device as the cloud knows it at one moment."""

    online: bool
    # When the cloud last heard from the device: now while online, frozen while offline.
    seen_at: datetime
    temperature_f: float
    battery: BatteryReading | None


@dataclass(eq=False)
class SimDevice:
    """One simulated device and the facts that drive its behaviour.

    Only `serial`, `name`, `product_code`, `device_id` and `network_id` are needed; the rest
    defaults from the product code (`listing`, `mains`, firmware, indoor temperature).
    """

    serial: str
    name: str
    product_code: str
    device_id: int
    network_id: int
    listing: Listing | None = None
    subtype: str | None = None
    fw_version: str | None = None
    mains: bool | None = None  # None: from the product code
    chemistry: Chemistry = Chemistry.LITHIUM
    batteries_installed_at: datetime | None = None  # None: when added to the cloud
    usage: Usage = Usage.STANDARD
    temperature_f: float | None = None  # daily mean; None: 68 indoors, 55 outdoors
    daily_temperature_swing_f: float | None = None  # amplitude; None: 2 indoors, 12 outdoors
    wifi_bars: int = 4  # 0-5
    lfr_bars: int = 4  # 0-5, radio link to the sync module
    offline_windows: tuple[OfflineWindow, ...] = ()
    created_at: datetime | None = None
    enabled: bool = True
    # Set by SimCloud.set_online(serial, False): offline from then until set online again.
    forced_offline_since: datetime | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        """Fill what the product code implies."""
        model = find_model(self.product_code, self.subtype)
        if model is None and (self.listing is None or self.mains is None):
            raise ValueError(f"unknown product code {self.product_code!r}: pass listing, mains")
        if model is not None:
            self.listing = self.listing or model.listing
            self.mains = not model.battery_powered if self.mains is None else self.mains
            self.fw_version = self.fw_version or model.fw_version
            self.subtype = self.subtype or model.subtype
        self.fw_version = self.fw_version or "1.0"
        indoor = model is not None and model.indoor
        if self.temperature_f is None:
            self.temperature_f = 68.0 if indoor else 55.0
        if self.daily_temperature_swing_f is None:
            self.daily_temperature_swing_f = 2.0 if indoor else 12.0

    @property
    def kind(self) -> Listing:
        """The homescreen list this device belongs to."""
        assert self.listing is not None  # noqa: S101 - set in __post_init__
        return self.listing

    @property
    def battery_powered(self) -> bool:
        """Devices with cells report a `battery` key; mains devices do not."""
        return not self.mains

    @property
    def battery_life(self) -> timedelta:
        """How long the current cells last from fresh to dead."""
        if self.chemistry is Chemistry.EXTERNAL:
            return timedelta.max
        days = LITHIUM_LIFE_DAYS[self.usage] * _CAPACITY_FACTOR[self.chemistry]
        return timedelta(days=days)

    def depth_of_discharge(self, moment: datetime) -> float:
        """0 for fresh cells, 1 for dead ones, by elapsed time over expected life."""
        if self.chemistry is Chemistry.EXTERNAL or self.batteries_installed_at is None:
            return 0.0
        elapsed = moment - self.batteries_installed_at
        return min(max(elapsed / self.battery_life, 0.0), 1.0)

    def set_depth_of_discharge(self, depth: float, now: datetime) -> None:
        """Back-date the battery install so the pack is `depth` discharged at `now`."""
        if not self.battery_powered:
            raise ValueError(f"{self.serial} is mains powered")
        if self.chemistry is Chemistry.EXTERNAL:
            raise ValueError(f"{self.serial} runs on external power")
        self.batteries_installed_at = now - self.battery_life * max(depth, 0.0)

    def battery_death(self) -> datetime | None:
        """When the cells run flat, if they ever do."""
        if not self.battery_powered or self.chemistry is Chemistry.EXTERNAL:
            return None
        if self.batteries_installed_at is None:
            return None
        return self.batteries_installed_at + self.battery_life

    def temperature_at(self, moment: datetime) -> float:
        """Daily cycle around the mean, warmest at 15:00 UTC."""
        assert self.temperature_f is not None  # noqa: S101 - set in __post_init__
        assert self.daily_temperature_swing_f is not None  # noqa: S101
        hours = moment.astimezone(UTC).hour + moment.minute / 60
        phase = 2 * math.pi * (hours - 9.0) / 24.0
        return round(self.temperature_f + self.daily_temperature_swing_f * math.sin(phase), 1)

    def own_offline_since(self, now: datetime) -> datetime | None:
        """Start of the outage the device is in at `now` (its own causes only)."""
        causes = [window.start for window in self.offline_windows if window.covers(now)]
        if self.forced_offline_since is not None and self.forced_offline_since <= now:
            causes.append(self.forced_offline_since)
        death = self.battery_death()
        if death is not None and death <= now:
            causes.append(death)
        return min(causes, default=None)

    def battery_reading(self, moment: datetime, temperature_f: float) -> BatteryReading | None:
        """Return what the pack reports at `moment`; None for mains devices."""
        if not self.battery_powered:
            return None
        depth = self.depth_of_discharge(moment)
        volts = cell_voltage(self.chemistry, depth, temperature_f)
        return BatteryReading(
            chemistry=self.chemistry,
            depth_of_discharge=depth,
            volts=volts,
            state=blink_battery_state(volts),
            bars=blink_battery_bars(volts),
        )

    def checked_in_at(self, moment: datetime) -> datetime:
        """Return the last regular check-in at or before `moment`."""
        period = _CHECK_IN[self.kind]
        return _EPOCH + ((moment - _EPOCH) // period) * period


@dataclass(eq=False)
class SimNetwork:
    """A Blink "system": one sync module at most, any number of devices."""

    network_id: int
    name: str
    created_at: datetime
    time_zone: str = "America/New_York"
    armed: bool = False
    updated_at: datetime | None = None  # last arm/disarm; None: unchanged since creation


@dataclass(eq=False)
class Fleet:
    """One Blink account: its networks and devices."""

    account_id: int
    user_id: int
    region: str
    created_at: datetime
    networks: list[SimNetwork] = field(default_factory=list)
    devices: list[SimDevice] = field(default_factory=list)

    def device(self, serial: str) -> SimDevice:
        """Return the device with this serial (KeyError if none)."""
        for device in self.devices:
            if device.serial == serial:
                return device
        raise KeyError(serial)

    def network(self, network_id: int) -> SimNetwork:
        """Return the network with this id (KeyError if none)."""
        for network in self.networks:
            if network.network_id == network_id:
                return network
        raise KeyError(network_id)

    def listed(self, listing: Listing) -> list[SimDevice]:
        """Devices of one homescreen list, in fleet order."""
        return [device for device in self.devices if device.kind is listing]

    def sync_module_of(self, network_id: int) -> SimDevice | None:
        """Return the sync module serving a network, if it has one."""
        return next(
            (d for d in self.listed(Listing.SYNC_MODULES) if d.network_id == network_id), None
        )

    def state(self, device: SimDevice, now: datetime) -> DeviceState:
        """Return what the cloud knows about `device` at `now`.

        Cameras reach the cloud through their sync module, so its outages are theirs too.
        While offline, every value stays as it was when the device was last heard from.
        """
        causes = [device.own_offline_since(now)]
        if device.kind is Listing.CAMERAS:
            sync_module = self.sync_module_of(device.network_id)
            if sync_module is not None:
                causes.append(sync_module.own_offline_since(now))
        offline_since = min((c for c in causes if c is not None), default=None)
        seen_at = device.checked_in_at(now if offline_since is None else offline_since)
        temperature = device.temperature_at(seen_at)
        return DeviceState(
            online=offline_since is None,
            seen_at=seen_at,
            temperature_f=temperature,
            battery=device.battery_reading(seen_at, temperature),
        )

    @classmethod
    def build(
        cls,
        *,
        now: datetime,
        sync_modules: int = 1,
        battery_cameras: int = 3,
        minis: int = 0,
        doorbells: int = 0,
        floodlights: int = 0,
        attach_to_sync: bool = False,
    ) -> Fleet:
        """Build a deterministic fleet: same arguments, same ids, serials, names, batteries.

        Battery cameras are spread round-robin over the sync modules, cycling through the
        battery camera models, with batteries part-way discharged (never low at `now`).
        Minis, doorbells and floodlights are sync-less (blinkpy's "owls"/"lotus" wrappers,
        on networks of their own) unless `attach_to_sync`, which puts them on the first sync
        module's network.
        """
        if battery_cameras and not sync_modules:
            raise ValueError("battery cameras need a sync module")
        if attach_to_sync and not sync_modules:
            raise ValueError("attach_to_sync needs a sync module")
        fleet = cls(account_id=1000001, user_id=1888001, region="u034", created_at=now)
        builder = _Builder(fleet, now)
        sync_networks = [
            builder.add(
                "sm2", f"Sync Module {index}", builder.network(f"Network {index}")
            ).network_id
            for index in range(1, sync_modules + 1)
        ]
        camera_codes = ("sedona", "catalina", "catalina_indoor", "xt2", "xt", "white")
        usages = (Usage.STANDARD, Usage.HEAVY, Usage.LIGHT)
        for index in range(battery_cameras):
            builder.add(
                camera_codes[index % len(camera_codes)],
                f"Camera {index + 1}",
                sync_networks[index % len(sync_networks)],
                usage=usages[index % len(usages)],
            )
        # Sync-less owls and doorbells get a network each: blinkpy drops a sync-less doorbell
        # that shares a network with sync-less owls.
        plug_ins = {
            Listing.OWLS: (("owl", "Mini", minis), ("superior", "Floodlight", floodlights)),
            Listing.DOORBELLS: (("lotus", "Doorbell", doorbells),),
        }
        for kinds in plug_ins.values():
            if not any(count for _, _, count in kinds):
                continue
            network_id = (
                sync_networks[0]
                if attach_to_sync
                else builder.network(f"Network {len(fleet.networks) + 1}")
            )
            for code, label, count in kinds:
                for index in range(1, count + 1):
                    builder.add(code, f"{label} {index}", network_id)
        return fleet

    @classmethod
    def showcase(cls, now: datetime) -> Fleet:
        """One of every model, for the dev server.

        Two systems: "Home" (Sync Module 2) and "Cabin" (Sync Module XR); the Mini and the
        doorbell sit on "Home", the Mini 2 and the floodlight are sync-less. The XT has
        nearly flat batteries, the Indoor (gen 1) dropped off Wi-Fi three hours ago.
        """
        fleet = cls(account_id=1000001, user_id=1888001, region="u034", created_at=now)
        builder = _Builder(fleet, now)
        home = builder.network("Home")
        cabin = builder.network("Cabin")
        plug_ins = builder.network("Plug-ins")
        builder.add("sm2", "Home Sync", home, subtype="vinnie")
        builder.add("sm2", "Cabin Sync", cabin, subtype="kalahari")
        builder.add("sedona", "Driveway", home)
        builder.add("catalina", "Back Yard", home, usage=Usage.HEAVY)
        builder.add("catalina_indoor", "Living Room", home, usage=Usage.LIGHT)
        builder.add("owl", "Nursery", home)
        builder.add("lotus", "Front Door", home)
        garage = builder.add("white", "Garage", cabin)
        porch = builder.add("xt", "Porch", cabin)
        builder.add("xt2", "Dock", cabin, wifi_bars=2, lfr_bars=3)
        builder.add("hawk", "Kitchen", plug_ins)
        builder.add("superior", "Side Yard", plug_ins)
        porch.set_depth_of_discharge(0.975, now)
        garage.offline_windows = (OfflineWindow(start=now - timedelta(hours=3)),)
        return fleet


_SERIAL_PREFIX: dict[str, str] = {
    "sm1": "SIM-SYNC",
    "sm2": "SIM-SYNC",
    "owl": "SIM-MINI",
    "hawk": "SIM-MINI",
    "lotus": "SIM-DOOR",
    "superior": "SIM-FLOOD",
}
_ID_BASE: dict[Listing, int] = {
    Listing.SYNC_MODULES: 3000000,
    Listing.CAMERAS: 4000000,
    Listing.OWLS: 5000000,
    Listing.DOORBELLS: 6000000,
}
_SPREAD = (math.sqrt(5) - 1) / 2  # golden-ratio stepping: varied but reproducible


class _Builder:
    """Hands out networks and devices with ids and serials derived from their order."""

    def __init__(self, fleet: Fleet, now: datetime) -> None:
        self.fleet = fleet
        self.now = now

    def network(self, name: str) -> int:
        network_id = 2000001 + len(self.fleet.networks)
        created = self.now - timedelta(days=900 - 30 * len(self.fleet.networks))
        self.fleet.networks.append(SimNetwork(network_id, name, created))
        return network_id

    def add(
        self,
        code: str,
        name: str,
        network_id: int,
        *,
        subtype: str | None = None,
        usage: Usage = Usage.STANDARD,
        wifi_bars: int | None = None,
        lfr_bars: int | None = None,
    ) -> SimDevice:
        model = find_model(code, subtype)
        assert model is not None  # noqa: S101 - the builder only uses catalogue codes
        prefix = _SERIAL_PREFIX.get(code, "SIM-CAM")
        index = 1 + sum(d.serial.startswith(f"{prefix}-") for d in self.fleet.devices)
        listed = len(self.fleet.listed(model.listing))
        device = SimDevice(
            serial=f"{prefix}-{index:03d}",
            name=name,
            product_code=code,
            device_id=_ID_BASE[model.listing] + listed + 1,
            network_id=network_id,
            subtype=subtype,
            usage=usage,
            wifi_bars=wifi_bars if wifi_bars is not None else 5 - index % 3,
            lfr_bars=lfr_bars if lfr_bars is not None else 5 - index % 2,
            created_at=self.now - timedelta(days=600 - 7 * index),
        )
        if device.battery_powered:
            device.set_depth_of_discharge((index * _SPREAD) % 1.0 * 0.8, self.now)
        self.fleet.devices.append(device)
        return device
