"""What the simulated cloud reports about a fleet, read through blinkpy's REST calls."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from blinkpy import api
import pytest

from blink_sim import Chemistry, Fleet, Listing, OfflineWindow, SimCloud, SimDevice
from blink_sim.testing import ManualClock, blinkpy_login, cookie_session, serving

NOW = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def fleet() -> Fleet:
    return Fleet.build(
        now=NOW, sync_modules=2, battery_cameras=4, minis=1, doorbells=1, floodlights=1
    )


@pytest.fixture
async def sim(socket_enabled: None, fleet: Fleet, clock: ManualClock) -> AsyncIterator[SimCloud]:
    cloud = SimCloud(fleet, clock=clock)
    async with serving(cloud):
        yield cloud


@pytest.fixture
async def blink(sim: SimCloud) -> AsyncIterator[Any]:
    """A signed-in blinkpy `Blink` (no discovery), ready for single REST calls."""
    async with cookie_session() as session:
        client = blinkpy_login(sim, session)
        await client.auth.startup()
        client.setup_urls()
        yield client


async def homescreen(blink) -> Any:
    await blink.get_homescreen()
    return blink.homescreen


def entry(screen: dict[str, Any], serial: str) -> dict[str, Any]:
    lists = (screen[listing.value] for listing in Listing)
    return next(item for items in lists for item in items if item["serial"] == serial)


def travel(clock: ManualClock, blink, delta: timedelta) -> None:
    """Move simulated time; blinkpy's clock did not move, so make it refresh its token."""
    clock.advance(delta)
    blink.auth.expiration_date = 0


async def config(blink, device: SimDevice) -> Any:
    response = await api.request_camera_info(blink, device.network_id, device.device_id)
    return response["camera"][0]


async def test_homescreen_lists_every_device_where_blink_puts_it(sim, fleet, blink):
    screen = await homescreen(blink)

    for listing in Listing:
        expected = {device.serial for device in fleet.listed(listing)}
        assert {item["serial"] for item in screen[listing.value]} == expected
    assert [network["id"] for network in screen["networks"]] == [
        network.network_id for network in fleet.networks
    ]
    assert blink.auth.user_id == str(fleet.user_id)
    assert blink.auth.client_id is not None


async def test_only_battery_devices_carry_a_battery_key(fleet, blink):
    screen = await homescreen(blink)

    for device in fleet.devices:
        reported = entry(screen, device.serial)
        assert ("battery" in reported) is device.battery_powered, device.name
    for owl in screen["owls"]:
        assert "signals" not in owl
    for camera in screen["cameras"]:
        assert set(camera["signals"]) == {"lfr", "wifi", "temp", "battery"}
        assert camera["status"] == "done"
    for sync_module in screen["sync_modules"]:
        assert sync_module["status"] == "online"
        assert 0 <= sync_module["wifi_strength"] <= 5
        assert sync_module["last_hb"].startswith("2026-11-02T08:30")


def test_fleet_build_is_deterministic():
    def identities(fleet: Fleet) -> list[tuple[Any, ...]]:
        return [
            (d.serial, d.name, d.device_id, d.network_id, d.batteries_installed_at)
            for d in fleet.devices
        ]

    def build() -> Fleet:
        return Fleet.build(now=NOW, sync_modules=2, battery_cameras=10, minis=2, doorbells=1)

    first, second = build(), build()

    assert identities(first) == identities(second)
    assert len({d.serial for d in first.devices}) == len(first.devices) == 15
    assert len({d.name for d in first.devices}) == len(first.devices)


@pytest.mark.parametrize(
    ("depth", "lowest", "highest", "state"),
    [(0.0, 180, 180, "ok"), (0.5, 150, 170, "ok"), (0.975, 120, 133, "low")],
)
async def test_camera_config_voltage_follows_the_battery(
    sim, fleet, blink, depth, lowest, highest, state
):
    camera = fleet.listed(Listing.CAMERAS)[0]

    sim.set_battery(camera.serial, depth)

    reported = await config(blink, camera)
    assert lowest <= reported["battery_voltage"] <= highest
    assert reported["battery_state"] == state
    assert reported["last_connect"]["battery_voltage"] == reported["battery_voltage"]
    assert entry(await homescreen(blink), camera.serial)["battery"] == state


async def test_batteries_drain_as_time_passes_until_the_camera_dies(sim, fleet, clock, blink):
    camera = fleet.listed(Listing.CAMERAS)[0]
    sim.set_battery(camera.serial, 0.0)
    voltages = []
    for _ in range(4):
        voltages.append((await config(blink, camera))["battery_voltage"])
        travel(clock, blink, timedelta(days=90))
    assert voltages == sorted(voltages, reverse=True)
    assert voltages[0] > voltages[-1]

    travel(clock, blink, timedelta(days=400))  # beyond any battery life

    reported = entry(await homescreen(blink), camera.serial)
    assert reported["status"] == "offline"
    assert (reported["battery"], reported["signals"]["battery"]) == ("low", 0)


@pytest.mark.parametrize(
    ("chemistry", "lowest", "highest", "ac_power"),
    [
        (Chemistry.LITHIUM, 180, 180, False),
        (Chemistry.ALKALINE, 150, 165, False),
        (Chemistry.NIMH, 125, 140, False),
        (Chemistry.EXTERNAL, 171, 171, True),
    ],
)
async def test_replaced_batteries_report_what_was_put_in(
    sim, fleet, blink, chemistry, lowest, highest, ac_power
):
    camera = fleet.listed(Listing.CAMERAS)[0]
    sim.set_battery(camera.serial, 0.99)

    sim.replace_batteries(camera.serial, chemistry)

    reported = await config(blink, camera)
    assert lowest <= reported["battery_voltage"] <= highest
    assert reported["last_connect"]["ac_power"] is ac_power


async def test_mains_devices_have_no_battery_to_set(sim, fleet):
    mini = fleet.listed(Listing.OWLS)[0]

    with pytest.raises(ValueError, match="mains"):
        sim.set_battery(mini.serial, 0.5)


async def test_an_offline_sync_module_takes_its_cameras_with_it(sim, fleet, clock, blink):
    sync_module, other_sync_module = fleet.listed(Listing.SYNC_MODULES)
    before = await homescreen(blink)

    sim.set_online(sync_module.serial, False)
    clock.advance(timedelta(minutes=30))
    during = await homescreen(blink)

    assert entry(during, sync_module.serial)["status"] == "offline"
    assert (
        entry(during, sync_module.serial)["last_hb"] == entry(before, sync_module.serial)["last_hb"]
    )
    assert (
        entry(during, other_sync_module.serial)["last_hb"]
        > entry(before, other_sync_module.serial)["last_hb"]
    )
    for camera in fleet.listed(Listing.CAMERAS):
        reported = entry(during, camera.serial)
        if camera.network_id == sync_module.network_id:
            assert reported["status"] == "offline"
            assert reported["updated_at"] == entry(before, camera.serial)["updated_at"]
        else:
            assert reported["status"] == "done"
    update = await api.request_network_update(blink, sync_module.network_id)
    assert update["network"]["sync_module_error"] is True

    sim.set_online(sync_module.serial, True)

    after = await homescreen(blink)
    assert entry(after, sync_module.serial)["status"] == "online"
    assert (
        entry(after, sync_module.serial)["last_hb"] > entry(during, sync_module.serial)["last_hb"]
    )


async def test_declared_offline_windows_come_and_go_with_time(sim, fleet, clock, blink):
    mini = fleet.listed(Listing.OWLS)[0]
    mini.offline_windows = (OfflineWindow(NOW + timedelta(hours=1), NOW + timedelta(hours=2)),)
    statuses = []
    for _ in range(3):
        statuses.append(entry(await homescreen(blink), mini.serial)["status"])
        clock.advance(timedelta(minutes=75))

    assert statuses == ["online", "offline", "online"]


async def test_bringing_a_device_online_ends_its_outage(sim, fleet, blink):
    mini = fleet.listed(Listing.OWLS)[0]
    mini.offline_windows = (OfflineWindow(NOW - timedelta(hours=1)),)
    before = entry(await homescreen(blink), mini.serial)["status"]

    sim.set_online(mini.serial, True)

    assert (before, entry(await homescreen(blink), mini.serial)["status"]) == ("offline", "online")


async def test_added_and_removed_devices_show_up_in_the_homescreen(sim, fleet, blink):
    network = fleet.networks[0].network_id
    newcomer = SimDevice(
        serial="NEW-001", name="Shed", product_code="xt2", device_id=4999001, network_id=network
    )

    sim.add_device(newcomer)
    added = await homescreen(blink)
    fresh = await config(blink, newcomer)
    sim.remove_device(newcomer.serial)
    removed = await homescreen(blink)

    assert entry(added, "NEW-001")["battery"] == "ok"
    assert fresh["battery_voltage"] == 180  # batteries go in when the device is added
    assert "NEW-001" not in {camera["serial"] for camera in removed["cameras"]}
    assert await api.request_camera_info(blink, network, newcomer.device_id) is None


async def test_the_default_clock_follows_freezegun(socket_enabled, freezer, fleet):
    freezer.move_to("2027-03-04T05:06:07+00:00")
    cloud = SimCloud(fleet)
    async with serving(cloud), cookie_session() as session:
        client = blinkpy_login(cloud, session)
        await client.auth.startup()
        client.setup_urls()
        first = await homescreen(client)
        freezer.tick(timedelta(days=1))
        second = await homescreen(client)

    sync_serial = fleet.listed(Listing.SYNC_MODULES)[0].serial
    assert entry(first, sync_serial)["last_hb"] == "2027-03-04T05:06:00+00:00"
    assert entry(second, sync_serial)["last_hb"] == "2027-03-05T05:06:00+00:00"


async def test_showcase_has_one_of_every_model_and_blinkpy_finds_them(socket_enabled):
    fleet = Fleet.showcase(NOW)
    cloud = SimCloud(fleet, clock=ManualClock(NOW))
    async with serving(cloud), cookie_session() as session:
        client = blinkpy_login(cloud, session)
        assert await client.start()
        screen = client.homescreen

    codes = {(d.product_code, d.subtype) for d in fleet.devices}
    assert codes == {
        ("sedona", None),
        ("catalina", None),
        ("catalina_indoor", None),
        ("white", None),
        ("xt", None),
        ("xt2", None),
        ("owl", None),
        ("hawk", None),
        ("lotus", None),
        ("superior", None),
        ("sm2", "vinnie"),
        ("sm2", "kalahari"),
    }
    assert sorted(client.cameras) == sorted(
        d.name for d in fleet.devices if d.kind is not Listing.SYNC_MODULES
    )
    cameras = screen["cameras"]
    assert [c["name"] for c in cameras if c["battery"] == "low"] == ["Porch"]
    assert [c["name"] for c in cameras if c["status"] == "offline"] == ["Garage"]
