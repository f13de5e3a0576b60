"""The fleet model: one record per device, camera config schedule, event decisions, removal."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
import json

import pytest

from blink_sim.battery_truth import (
    Chemistry,
    blink_battery_bars,
    blink_battery_state,
    cell_voltage,
)
from custom_components.blink_care.client.models import (
    AccountSnapshot,
    CameraConfigSnapshot,
    DeviceKind,
    DeviceSnapshot,
    PowerSource,
)
from custom_components.blink_care.engine import fleet as fleet_module
from custom_components.blink_care.engine.battery import (
    BatterySettings,
    FleetPrior,
    PredictionBasis,
)
from custom_components.blink_care.engine.catalog import ModelEntry, model_for
from custom_components.blink_care.engine.connectivity import Connectivity
from custom_components.blink_care.engine.fleet import (
    CAMERA_CONFIG_INTERVAL,
    CONFIG_RETRY_AFTER,
    STALE_DEVICE_AFTER,
    EventKind,
    Fleet,
    Observation,
    reports_voltage,
)

from .test_battery import depth_at_death

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POLL = timedelta(minutes=2)
GRACE = timedelta(minutes=10)


def camera(serial: str, **fields: object) -> DeviceSnapshot:
    """A battery camera on the sync module's network."""
    snapshot = DeviceSnapshot(
        serial=serial,
        blink_id=sum(map(ord, serial)),
        name=f"Camera {serial}",
        product_code="sedona",
        kind=DeviceKind.CAMERA,
        power_source=PowerSource.BATTERY,
        network_id=1,
        sync_module_serial="SM-1",
        status="done",
        battery_state="ok",
        battery_bars=3,
    )
    return replace(snapshot, **fields)


SYNC_MODULE = DeviceSnapshot(
    serial="SM-1",
    blink_id=1,
    name="Sync Module",
    product_code="sm2",
    kind=DeviceKind.SYNC_MODULE,
    power_source=PowerSource.MAINS,
    network_id=1,
    status="online",
)


def account(now: datetime, *devices: DeviceSnapshot) -> AccountSnapshot:
    return AccountSnapshot(account_id="acct", taken_at=now, devices=devices)


def config(serial: str, now: datetime, volts: float | None = 1.62) -> CameraConfigSnapshot:
    return CameraConfigSnapshot(serial=serial, taken_at=now, battery_voltage=volts)


def new_fleet() -> Fleet:
    return Fleet(BatterySettings(), GRACE)


def test_reports_voltage_only_for_battery_cameras_on_a_sync_module() -> None:
    assert reports_voltage(camera("C1"))
    assert not reports_voltage(camera("C1", network_id=None))
    assert not reports_voltage(camera("C1", kind=DeviceKind.DOORBELL))
    assert not reports_voltage(camera("C1", power_source=PowerSource.MAINS))
    assert not reports_voltage(SYNC_MODULE)


def test_camera_configs_one_per_poll_then_every_six_hours() -> None:
    """Each camera is due at once when new; once read, again after six hours."""
    fleet = new_fleet()
    now = START
    devices = (SYNC_MODULE, camera("C1"), camera("C2"))
    read = []
    for _ in range(3):
        due = fleet.config_due(account(now, *devices), now)
        fetched = None if due is None else config(due.serial, now)
        read.append(None if due is None else due.serial)
        fleet.observe(account(now, *devices), fetched, now)
        now += POLL
    assert read == ["C1", "C2", None]
    later = START + CAMERA_CONFIG_INTERVAL
    assert fleet.config_due(account(later, *devices), later) == devices[1]


def test_a_status_change_asks_for_the_config_at_once_and_a_failure_waits() -> None:
    fleet = new_fleet()
    now = START
    fleet.observe(account(now, camera("C1")), config("C1", now), now)
    now += POLL
    changed = camera("C1", battery_state="low")
    assert fleet.config_due(account(now, changed), now) == changed
    fleet.config_failed("C1", now + CONFIG_RETRY_AFTER, now)
    assert fleet.config_due(account(now, changed), now) is None
    fleet.observe(account(now, changed), None, now)
    # Still wanted after the failure: asked for as soon as the retry time has come.
    now += CONFIG_RETRY_AFTER
    assert fleet.config_due(account(now, changed), now) == changed
    fleet.observe(account(now, changed), config("C1", now), now)
    assert fleet.config_due(account(now + POLL, changed), now + POLL) is None


def test_battery_low_is_announced_once_per_battery_cycle() -> None:
    """Blink's own "low" at a normal temperature: one event per battery cycle, not per poll."""
    fleet = new_fleet()
    now = START
    low = camera("C1", battery_state="low", battery_bars=1, temperature_f=60.0)
    kinds = []
    for _ in range(int(timedelta(days=2) / POLL)):
        observation = fleet.observe(account(now, low), None, now)
        kinds += [event.kind for event in observation.events]
        now += POLL
    assert kinds.count(EventKind.BATTERY_LOW) == 1
    assert fleet.records["C1"].low_announced_at is not None

    assessment, state = fleet.record_replacement("C1", now, observation.fleet)
    assert assessment.last_replaced is not None
    assert state is not None
    assert state.devices["C1"].battery == assessment
    assert fleet.config_due(account(now, low), now) == low  # the new cells' voltage, soon
    for _ in range(int(timedelta(days=2) / POLL)):
        observation = fleet.observe(account(now, low), None, now)
        kinds += [event.kind for event in observation.events]
        now += POLL
    assert kinds.count(EventKind.BATTERY_LOW) == 2


def test_offline_and_back_are_events_with_the_device() -> None:
    fleet = new_fleet()
    now = START
    fleet.observe(account(now, camera("C1", sync_module_serial=None)), None, now)
    kinds = []
    for status in ["offline"] * 7 + ["online"]:
        now += POLL
        device = camera("C1", sync_module_serial=None, status=status)
        observation = fleet.observe(account(now, device), None, now)
        kinds += [(event.kind, event.device.serial) for event in observation.events]
    assert kinds == [(EventKind.DEVICE_OFFLINE, "C1"), (EventKind.DEVICE_ONLINE, "C1")]


def test_absent_for_thirty_days_is_stale_and_forgetting_starts_afresh() -> None:
    fleet = new_fleet()
    fleet.observe(account(START, SYNC_MODULE, camera("C1")), None, START)
    almost = START + STALE_DEVICE_AFTER - POLL
    assert fleet.observe(account(almost, SYNC_MODULE), None, almost).stale == ()
    later = START + STALE_DEVICE_AFTER
    assert fleet.observe(account(later, SYNC_MODULE), None, later).stale == ("C1",)

    fleet.forget("C1")
    assert "C1" not in fleet.records
    assert "C1" not in fleet.connectivity.to_dict()["devices"]
    back = later + POLL
    observation = fleet.observe(account(back, SYNC_MODULE, camera("C1")), None, back)
    assert fleet.records["C1"].first_seen == back
    assert observation.fleet.devices["C1"].connectivity.state is Connectivity.ONLINE


def test_the_catalog_model_is_looked_up_once_per_device(monkeypatch: pytest.MonkeyPatch) -> None:
    lookups: list[tuple[str | None, ...]] = []

    def counted(
        code: str | None, subtype: str | None = None, kind: DeviceKind | None = None
    ) -> ModelEntry:
        lookups.append((code, subtype))
        return model_for(code, subtype, kind)

    monkeypatch.setattr(fleet_module, "model_for", counted)
    fleet = new_fleet()
    now = START
    for _ in range(5):
        observation = fleet.observe(account(now, SYNC_MODULE, camera("C1")), None, now)
        now += POLL
    assert len(lookups) == 2
    assert observation.fleet.devices["C1"].model.name
    renamed = camera("C1", product_code="catalina")
    fleet.observe(account(now, SYNC_MODULE, renamed), None, now)
    assert len(lookups) == 3


def test_storing_reads_only_and_round_trips() -> None:
    """Serialising changes nothing; a restored fleet stores exactly the same."""
    fleet = new_fleet()
    now = START
    for _ in range(3):
        fleet.observe(account(now, SYNC_MODULE, camera("C1")), config("C1", now), now)
        now += POLL
    first = json.dumps(fleet.to_stored(), sort_keys=True)
    assert json.dumps(fleet.to_stored(), sort_keys=True) == first
    restored = Fleet.from_stored(json.loads(first), BatterySettings(), GRACE, now)
    assert json.dumps(restored.to_stored(), sort_keys=True) == first
    assert restored.records["C1"].config_fetched_at == START + 2 * POLL


def test_damaged_stored_records_are_read_as_far_as_they_go() -> None:
    stored = {
        "devices": {"C1": "garbage", "C2": {"first_seen": "yesterday", "battery": []}},
        "connectivity": [],
    }
    fleet = Fleet.from_stored(stored, BatterySettings(), GRACE, START)
    assert fleet.records["C1"].first_seen == START
    assert fleet.records["C2"].first_seen == START
    assert fleet.records["C2"].stored_battery == {}
    naive = {"devices": {"C3": {"first_seen": "2026-01-01T00:00:00"}}}
    assert Fleet.from_stored(naive, BatterySettings(), GRACE, START).records["C3"].first_seen == (
        START
    )


# -- learning shared between same-model cameras ---------------------------------------------

DEATH_DEPTH = depth_at_death()
SLOW_POLL = timedelta(hours=1)


@dataclass
class Cells:
    """A camera's cells in the simulated account: when they went in and how long they last."""

    product_code: str
    installed: datetime
    life_days: float

    def volts(self, now: datetime) -> float:
        """Per cell, as the camera config reports it (the cells stop at brown-out)."""
        depth = (now - self.installed) / timedelta(days=self.life_days)
        return cell_voltage(Chemistry.LITHIUM, min(depth, DEATH_DEPTH), 60.0)

    def death(self) -> datetime:
        """When the camera browns out on these cells."""
        return self.installed + timedelta(days=self.life_days * DEATH_DEPTH)

    def snapshot(self, serial: str, now: datetime) -> DeviceSnapshot:
        """The camera in the homescreen: Blink's bars and state for these cells."""
        volts = self.volts(now)
        return camera(
            serial,
            product_code=self.product_code,
            battery_state=blink_battery_state(volts),
            battery_bars=blink_battery_bars(volts),
            temperature_f=60.0,
        )


def run_account(
    fleet: Fleet, cells: dict[str, Cells], start: datetime, end: datetime
) -> Observation:
    """Poll hourly; cells near their end get fresh ones (one camera config a poll)."""
    now = start
    observation = None
    while now <= end:
        for serial, set_ in cells.items():
            if now >= set_.installed + 0.98 * (set_.death() - set_.installed):
                cells[serial] = Cells(set_.product_code, now, set_.life_days)
        snapshot = account(now, SYNC_MODULE, *(c.snapshot(s, now) for s, c in cells.items()))
        due = fleet.config_due(snapshot, now)
        fetched = None if due is None else config(due.serial, now, cells[due.serial].volts(now))
        observation = fleet.observe(snapshot, fetched, now)
        now += SLOW_POLL
    assert observation is not None
    return observation


def life_predicted(observation: Observation, serial: str, cells: Cells) -> float:
    """The life in days the camera's current cells are predicted to have, from insertion."""
    battery = observation.fleet.devices[serial].battery
    assert battery is not None
    assert battery.predicted_empty is not None
    return (battery.predicted_empty - cells.installed) / timedelta(days=1)


def test_a_new_camera_learns_from_the_accounts_cameras_of_its_model() -> None:
    """Two cameras of one model finish a battery each; a third of that model predicts from them.

    A camera of another model stays on the curve, and each finished camera predicts from its
    own batteries rather than the average of both.
    """
    fleet = new_fleet()
    cells = {"A1": Cells("sedona", START, 40.0), "A2": Cells("sedona", START, 80.0)}
    run_account(fleet, cells, START, START + timedelta(days=80))
    assert all(fleet.records[s].battery_model(fleet.settings).learned_cycles for s in cells)
    joined = START + timedelta(days=80) + SLOW_POLL
    cells["B"] = Cells("sedona", joined, 60.0)
    cells["X"] = Cells("catalina", joined, 60.0)
    end = joined + timedelta(days=15)
    observation = run_account(fleet, cells, joined, end)

    def basis(serial: str) -> PredictionBasis | None:
        battery = observation.fleet.devices[serial].battery
        assert battery is not None
        return battery.basis

    assert {serial: basis(serial) for serial in cells} == {
        "A1": PredictionBasis.OWN_HISTORY,
        "A2": PredictionBasis.OWN_HISTORY,
        "B": PredictionBasis.FLEET,
        "X": PredictionBasis.CURVE,
    }
    # The newcomer expects the average of its model's lives; each finished camera its own.
    for serial in ("A1", "A2", "B"):
        true_life = cells[serial].life_days * DEATH_DEPTH
        assert life_predicted(observation, serial, cells[serial]) == pytest.approx(
            true_life, rel=0.15
        ), serial

    # After a restart the newcomer predicts from its model's cameras at the first poll.
    restored = Fleet.from_stored(
        json.loads(json.dumps(fleet.to_stored())), BatterySettings(), GRACE, end
    )
    first = run_account(restored, cells, end + SLOW_POLL, end + SLOW_POLL)
    assert first.fleet.devices["B"].battery is not None
    assert first.fleet.devices["B"].battery.basis is PredictionBasis.FLEET

    # Once its model's cameras are gone, it is back on the curve.
    for serial in ("A1", "A2"):
        restored.forget(serial)
        del cells[serial]
    later = run_account(restored, cells, end + 2 * SLOW_POLL, end + 3 * SLOW_POLL)
    assert later.fleet.devices["B"].battery is not None
    assert later.fleet.devices["B"].battery.basis is PredictionBasis.CURVE


def test_the_shared_learning_is_rebuilt_only_when_a_battery_is_learned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Polls that teach nothing new do not recompute what same-model cameras share."""
    builds: list[int] = []
    real = FleetPrior.from_cycles.__func__  # type: ignore[attr-defined]

    def counted(cls: type[FleetPrior], cycles: object) -> FleetPrior | None:
        builds.append(1)
        return real(cls, cycles)  # type: ignore[no-any-return]

    monkeypatch.setattr(FleetPrior, "from_cycles", classmethod(counted))
    fleet = new_fleet()
    cells = {"A": Cells("sedona", START, 40.0), "B": Cells("sedona", START, 400.0)}
    first_death = cells["A"].death()
    run_account(fleet, cells, START, first_death - timedelta(days=2))
    assert builds == []
    run_account(fleet, cells, first_death - timedelta(days=2), first_death + timedelta(days=1))
    assert len(builds) == 1
    run_account(fleet, cells, first_death + timedelta(days=1), first_death + timedelta(days=20))
    assert len(builds) == 1
