"""Replacement due says what its date rests on: curve, own history or the account's fleet.

The curve alone on a new camera, the camera's own previous batteries once one has run out,
and the account's other cameras of the same model for a camera that has none. The simulated
cells are drained fast through the simulator's battery control (a battery that lasts about
two weeks), so a whole battery takes a hundred polls, not a year of them.
"""

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from blink_sim import Fleet, SimCloud, SimDevice
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .conftest import advance, entity_id

STEP = timedelta(hours=3)  # one poll each; every camera's config is read every 6 hours
FAST_LIFE = timedelta(days=14)  # the drained camera's cells, fresh to flat


@pytest.fixture
def fleet() -> Fleet:
    """One sync module, a Blink Outdoor (sedona) and an Indoor (catalina)."""
    return Fleet.build(sync_modules=1, battery_cameras=2, now=dt_util.utcnow())


def basis(hass: HomeAssistant, serial: str) -> str | None:
    state = hass.states.get(entity_id(hass, "sensor", serial, "battery_replacement_due"))
    assert state is not None
    value = state.attributes.get("basis")
    assert value is None or isinstance(value, str)
    return value


async def drain_fast(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, sim: SimCloud, serial: str, depth: float
) -> list[str | None]:
    """Run the camera's fresh cells down to `depth` at FAST_LIFE's pace, poll by poll.

    Returns the camera's basis after each poll.
    """
    shown = []
    inserted = dt_util.utcnow()
    level = 0.0
    while level < depth:
        freezer.tick(STEP)
        level = min((dt_util.utcnow() - inserted) / FAST_LIFE, depth)
        sim.set_battery(serial, level)
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        shown.append(basis(hass, serial))
    return shown


async def test_replacement_due_says_what_its_date_rests_on(
    hass: HomeAssistant,
    sim: SimCloud,
    config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Curve on a new camera; its own history after a whole battery; the fleet for a newcomer."""
    outdoor, indoor = (device for device in sim.fleet.devices if device.battery_powered)
    assert (outdoor.product_code, indoor.product_code) == ("sedona", "catalina")
    sim.replace_batteries(outdoor.serial)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()

    # A new camera on fresh cells: the date rests on the curve once the drain is measured.
    shown = await drain_fast(hass, freezer, sim, outdoor.serial, 0.95)
    assert "curve" in shown
    assert set(shown) <= {None, "curve"}

    # New cells: the finished battery now predicts the next one.
    sim.replace_batteries(outdoor.serial)
    await advance(hass, freezer, timedelta(hours=12), step=STEP)
    assert basis(hass, outdoor.serial) == "own_history"

    # A second Blink Outdoor joins: it predicts from the first one's battery at once.
    newcomer = SimDevice(
        serial="NEWCAM0001",
        name="Garden",
        product_code=outdoor.product_code,
        device_id=987654,
        network_id=outdoor.network_id,
    )
    sim.add_device(newcomer)
    await advance(hass, freezer, timedelta(hours=12), step=STEP)
    assert basis(hass, newcomer.serial) == "fleet"
    assert basis(hass, outdoor.serial) == "own_history"
    # The Indoor is another model: nothing it could learn from.
    assert basis(hass, indoor.serial) != "fleet"
