"""Content of the procedure catalog: every Blink model and every step, in English.

Plain data plus a few builders that assemble the steps several models share. No file is read
and ``catalog`` is not imported: ``catalog`` turns this into frozen objects when it is imported,
so answering a question never touches the disk. Every sentence a user sees lives here, so a
translation can later replace this module without touching the lookup logic.

Facts come from the project's reference catalog (``blink-models.md``). A procedure is marked
official only when its steps follow Blink's own support text. Where sources disagree, a note says
so in a plain sentence; ``CONTRADICTION_NOTES`` maps it to the letter of the list in that file.
"""

from enum import StrEnum
from typing import Literal, NamedTuple, NotRequired, TypedDict

from custom_components.blink_care.client.models import DeviceKind, PowerSource

# --- Links (only pages the reference saw; no invented slugs) --------------------------------

BLINK_SUPPORT_HOME = "https://support.blinkforhome.com/"
_URL_OUTDOOR4_COVER = (
    "https://blink.helpjuice.com/en_US/using-outdoor4/remove-back-cover-outdoor4-camera"
)
_URL_COVER_FAQ = (
    "https://blink.helpjuice.com/en_US/f-a-q/how-to-remove-the-battery-cover-from-blink-cameras"
)
_URL_COVER_ALL_MODELS = (
    "https://blink.helpjuice.com/en_US/f-a-q_fr/"
    "comment-enlever-le-couvercle-des-piles-de-votre-camera"
)
_URL_DOORBELL_LEDS = "https://blink.helpjuice.com/using-blink-video-doorbell/2464753"
_URL_SYNC_MODULE_LEDS = "https://support.blinkforhome.com/usando-sync-module-2/2258854"
_URL_DELETE_SYSTEM = "https://blink.helpjuice.com/602656"
_URL_SYNC_MODULE_XR_FAQ = "https://support.blinkforhome.com/en_GB/f-a-q/sync-module-xr-faq"

# --- Shapes ---------------------------------------------------------------------------------


class StepKind(StrEnum):
    """What a step asks of the user, so code never has to read the English text to know."""

    ACTION = "action"  # do something by hand or in the app
    CHECK = "check"  # look at something and act on what you find
    WAIT = "wait"  # leave the device alone for a while
    POWER_CYCLE = "power_cycle"  # cut the device's power and restore it (a smart plug can)
    INFO = "info"  # context to read; nothing to do
    SUPPORT = "support"  # contact Blink


class Quote(NamedTuple):
    """A sentence a step paraphrases, with the source it comes from (never shown to users)."""

    source: str
    text: str


class StepText(TypedDict):
    """One step: the sentence shown, its kind, and what it paraphrases."""

    text: str
    kind: StepKind
    quotes: tuple[Quote, ...]
    # True when the step is this catalog's own wording rather than a source's.
    own_wording: bool


# Builders accept a bare sentence for a plain action with no source of its own.
type StepLike = str | StepText


def _step(
    text: str,
    kind: StepKind = StepKind.ACTION,
    *quotes: Quote,
    own_wording: bool = False,
) -> StepText:
    """A step with its kind and the source sentences it paraphrases."""
    return {"text": text, "kind": kind, "quotes": quotes, "own_wording": own_wording}


def _as_step(step: StepLike) -> StepText:
    return _step(step) if isinstance(step, str) else step


class ProcedureText(TypedDict):
    """One procedure before ``catalog`` binds it to its name."""

    title: str
    steps: tuple[StepText, ...]
    tools: tuple[str, ...]
    warnings: tuple[str, ...]
    minutes: int
    source_url: str
    official: bool
    notes: tuple[str, ...]
    off_seconds: NotRequired[int]  # power cycles only
    # The model whose steps these are, when Blink publishes none for this one.
    borrowed_from: NotRequired[str]


class ModelText(TypedDict):
    """One model; ``procedures`` is keyed by the procedure names of ``catalog.ProcedureName``."""

    key: str
    codes: tuple[str, ...]
    # Other names people use for the model, matched by find_model only.
    aliases: tuple[str, ...]
    # For the generic entries this is a template with a ``{code}`` field.
    name: str
    kind: DeviceKind
    power: PowerSource
    battery_count: int
    battery_type: str | None
    # False when no source gives this model's cells and battery_type is another model's.
    battery_confirmed: bool
    battery_life_claim: str | None
    support_url: str
    # Facts about the model itself; catalog appends them to the notes of every procedure.
    model_notes: tuple[str, ...]
    procedures: dict[str, ProcedureText]


# How a device relates to a Sync Module, which decides the Sync Module step of the guides.
type _SyncLink = Literal["required", "optional", "self"]


def _procedure(
    title: str,
    steps: tuple[StepLike, ...],
    *,
    minutes: int,
    source_url: str,
    official: bool,
    tools: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> ProcedureText:
    """Spell out a procedure with empty defaults, so each call names only what it has."""
    return {
        "title": title,
        "steps": tuple(_as_step(step) for step in steps),
        "tools": tools,
        "warnings": warnings,
        "minutes": minutes,
        "source_url": source_url,
        "official": official,
        "notes": notes,
    }


# What to type into the search of Blink's support site, after the model's name, for a
# procedure whose link is the support home because Blink has no page about it.
SEARCH_WORDS = {
    "open_cover": "battery cover",
    "battery_change": "change batteries",
    "power_cycle": "restart",
    "soft_reset": "restart",
    "factory_reset": "reset",
    "remove_from_account": "delete device",
    "sync_module_reset": "reset",
    "flashing_red": "red light",
    "offline": "offline",
    "add_again": "add device",
    "firmware_check": "firmware update",
    "local_storage": "local storage",
    "accessory_batteries": "accessory batteries",
}

# --- Titles (the same names as the action's procedure selector) -------------------------------

_TITLE_OPEN_COVER = "Open the battery cover"
_TITLE_BATTERY_CHANGE = "Change the batteries"
_TITLE_POWER_CYCLE = "Power cycle"
_TITLE_SOFT_RESET = "Restart (soft reset)"
_TITLE_FACTORY_RESET = "Factory reset"
_TITLE_REMOVE = "Remove from the Blink account"
_TITLE_SYNC_MODULE_RESET = "Reset the Sync Module"
_TITLE_FLASHING_RED = "Flashing red light"
_TITLE_OFFLINE = "Device offline"
_TITLE_ADD_AGAIN = "Add the device again"
_TITLE_FIRMWARE_CHECK = "Check the firmware"
_TITLE_LOCAL_STORAGE = "Local storage"
_TITLE_ACCESSORY_BATTERIES = "Accessories with their own batteries"


def _get_the(name: str) -> str:
    """Another procedure, named so the user can open it: by its key in the Get procedure action."""
    return f"the '{name}' procedure of the Get procedure action"


def _get(name: str) -> str:
    """A pointer to another procedure, for use in parentheses."""
    return f"get {_get_the(name)}"


# --- Shared facts ---------------------------------------------------------------------------

BATTERY_TYPE = "AA 1.5 V lithium, non-rechargeable"
_BATTERY_COUNT = 2
# Blink's only published off time is the Video Doorbell's; everything else waits this long.
DEFAULT_OFF_SECONDS = 30
_DOORBELL_OFF_SECONDS = 5

_TOOL_CELLS = "2 new AA 1.5 V lithium batteries (non-rechargeable)"
_TOOL_PIN = "A paper clip or SIM pin"
_TOOL_PHONE = "The Blink app on your phone"
_TOOL_DOORBELL_KEY = "The doorbell's opening key (taped to the paper template in the box)"
_TOOL_BREAKER = "Access to the circuit breaker of the doorbell chime (wired installs)"
_TOOL_MAINS_BREAKER = "Access to the circuit breaker or switch feeding the floodlight"
_TOOL_SMART_PLUG = "Optional: a smart plug, so Home Assistant can do it for you"

_INSERT_CELLS_TEXT = (
    "Take out both old batteries and put in two new AA 1.5 V lithium non-rechargeable ones, "
    "each turned to match the + and - marks in the compartment."
)
_TOOL_CELLS_UNCONFIRMED = (
    "2 new batteries: AA 1.5 V lithium (non-rechargeable) on the Blink models that are "
    "documented, unconfirmed for this one"
)
_INSERT_CELLS_UNCONFIRMED_STEP = (
    "Take out the old batteries and put in new ones of the same size, each turned to match the "
    "+ and - marks in the compartment. Blink's documented models take two AA 1.5 V lithium "
    "non-rechargeable batteries; for this model that is unconfirmed, so check what came out."
)

# Blink limits its cameras to one cell type while a third-party guide allows rechargeables,
# so the rule is a warning shown before the steps, not a detail inside one.
_CELLS_WARNING = (
    "Use only AA 1.5 V lithium non-rechargeable batteries: Blink says its cameras work with "
    "nothing else, so no rechargeable, alkaline or lithium-ion cells."
)
_DOORBELL_CELLS_WARNING = (
    "Use only AA lithium non-rechargeable batteries, the type Blink names for this doorbell; "
    "rechargeable cells are not among them."
)
_CELLS_UNCONFIRMED_WARNING = (
    "Blink says its cameras and doorbell work only with AA 1.5 V lithium non-rechargeable "
    "batteries, not rechargeable ones; that this model takes the same cells is unconfirmed."
)

_DOORBELL_SHOCK_WARNING = (
    "Electric shock hazard: when the doorbell is wired, the two metal posts on its back plate "
    "are live. Switch off the doorbell chime's power at the circuit breaker before you take "
    "the doorbell off its back plate."
)
_DOORBELL_BREAKER_OFF_STEP = (
    "If the doorbell is wired to a chime, switch off the chime's power at the circuit breaker "
    "first."
)
_DOORBELL_BREAKER_ON_STEP = (
    "If you switched the breaker off, switch it back on, then press the doorbell button to "
    "check it works."
)
_FLOODLIGHT_MAINS_WARNING = (
    "Mains voltage: this camera is wired into the house supply. Switch its circuit off at the "
    "breaker before touching the wiring or the mount, and use a ladder safely."
)
_FACTORY_RESET_WARNING = (
    "A factory reset erases the device's Wi-Fi details and its settings (motion zones, "
    "sensitivity, schedules); you will have to set it up again in the Blink app."
)
_NO_REMOTE_POWER_NOTE = (
    "This has to be done by hand: a battery device's power cannot be cut remotely, so Home "
    "Assistant cannot do it through a smart plug."
)
_UNOFFICIAL_NOTE = (
    "Blink publishes no instructions for this; the steps come from third-party guides and "
    "general practice, and the link goes to Blink's support site, where you can search for it."
)
# For procedures that open the cover on the way: those steps are Blink's, the rest is not.
_UNOFFICIAL_COVER_NOTE = (
    "Blink publishes no instructions for this as a whole. The steps that open and close the "
    "cover follow Blink's cover text wherever Blink gives one for this model; the other steps "
    "come from "
    "third-party guides and general practice. The link goes to Blink's support site, where you "
    "can search for it."
)

# --- The contradictions of the reference catalog, one note each ---------------------------------

# Each note about a disagreement between sources, mapped to its letter in the reference's
# list (blink-models.md §6). The letter stays here, for tests; users read plain sentences.
CONTRADICTION_NOTES: dict[str, str] = {}


def _contradiction(letter: str, text: str) -> str:
    """Register one disagreement's note under its reference letter and return the sentence."""
    CONTRADICTION_NOTES[text] = letter
    return text


_C_MINI_BUTTON = _contradiction(
    "A",
    "One third-party reset guide puts the Mini's reset button on the underside "
    "by the mount in three places and on the side by the USB socket (pressed with a finger) in "
    "two others; another site describes a pinhole on the back or bottom. Blink publishes no "
    "location, so the steps ask you to check both places.",
)
_C_HOLD_TIME = _contradiction(
    "B",
    "Blink gives no hold time for any reset button. Third-party guides say "
    "5-10 s, about 10 s, 10-15 s, 15 s with the batteries out, or 30 s. The steps use "
    "10-15 s and tell you to watch the light rather than the clock.",
)
_C_OFF_TIME = _contradiction(
    "C",
    "Blink's only published off time is 5 seconds, for the Video Doorbell. "
    "Third-party guides give 10 s, 10-15 s, 20 s (Sync Module), 30 s, or about a minute for "
    "any device, battery or wired. This catalog waits 30 seconds where Blink gives no "
    "figure; a longer wait does no harm.",
)
_C_OFF_TIME_DOORBELL = _contradiction(
    "C",
    "Blink says 5 seconds without batteries for this doorbell; third-party "
    "guides for other Blink devices say 10 s to about a minute. Blink's figure is used here.",
)
_C_RESET_LIGHT = _contradiction(
    "D",
    "Guides describe the light during a reset differently: red that turns "
    "into blinking blue, red and blue flashing together, or solid green and blue. Blink only "
    "documents the Video Doorbell's pairing light (blinking red) and the Sync Module's "
    "(blinking blue with solid green).",
)
_C_WIRELESS_BUTTON = _contradiction(
    "E",
    "One third-party guide says these battery cameras have no outside reset "
    "button (against tampering) and, elsewhere, that the button sits in the battery compartment "
    "next to a battery slot; for the Outdoor (3rd Gen) it describes a small round button in the "
    "battery housing. Another site says 'back or bottom' and wants the camera plugged in, which "
    "cannot apply to a battery camera. Blink publishes no reset for these cameras.",
)
_C_DOORBELL_BUTTON = _contradiction(
    "F",
    "Blink places the Video Doorbell's reset button inside the battery case, which "
    "you reach by opening the doorbell with its key. Two third-party guides put it on the back "
    "of the unit, and another describes a grey button near the top inside edge and opening by "
    "sliding a release tab without tools, against Blink's key method. Blink's text is followed.",
)
_C_XT_COVER = _contradiction(
    "G",
    "Blink says to slide and hold the grey switch while pulling the cover up. "
    "One third-party guide says to press the arrow and slide the cover off after unscrewing the "
    "mounting bracket, others mention a latch or a release button underneath. Blink's text is "
    "followed; no screwdriver is needed.",
)
_C_OUTDOOR4_COVER = _contradiction(
    "H",
    "A third-party battery guide has you pull the Outdoor 4's cover off by "
    "force (the XT's method) and never mentions the screw; Blink's article has you unscrew it "
    "first until it turns freely. Blink's text is followed.",
)
_C_CHEMISTRY = _contradiction(
    "I",
    "Blink says its cameras only work with AA 1.5 V lithium non-rechargeable "
    "batteries. One third-party guide asks for lithium-ion cells and allows rechargeables, two "
    "others say rechargeables could work, and others warn that lithium-ion cells run at too "
    "high a voltage; one reset guide blames alkaline cells for failed resets. Follow Blink.",
)
_C_CELL_COUNT = _contradiction(
    "J",
    "Blink's text gives two AA batteries for every battery camera and for the "
    "Video Doorbell. One university page speaks of four AA cells, and the Battery Notes library "
    "lists the Blink doorbell as two AAA cells; both disagree with Blink.",
)
_C_BATTERY_LIFE = _contradiction(
    "K",
    "A third-party guide says to change batteries every 4 to 6 months, while "
    "Blink and reviewers claim up to two years (up to one year for the original Blink camera). "
    "The claims assume different 'standard use', from one 5-second clip a day to about 4,000 "
    "clips a year, so real life depends on how often the device records.",
)
_C_SHOCK_WORDING = _contradiction(
    "L",
    "One version of Blink's Video Doorbell text merely suggests cutting the chime's power at "
    "the breaker as the fully safe option, while another tells you to do it before opening "
    "the cover. The warning here follows the stricter version.",
)
_C_INDOOR_NAME = _contradiction(
    "M",
    "Older Blink pages call this camera 'Indoor (Gen 2)', current ones "
    "'Indoor (3rd Gen)'; they are the same product. A third-party guide's 'Blink Indoor 4' "
    "matches no product found.",
)
_C_SYNC_BUTTON = _contradiction(
    "N",
    "The only guide that describes this reset places the button on the side "
    "in one paragraph and on the side or back in another, and gives both a 5-second hold and "
    "a hold lasting until the light is solid red. The steps go by the light.",
)
_C_APP_RESET = _contradiction(
    "O",
    "One third-party site describes a 'Factory Reset' item in the app's camera "
    "settings. No other source shows one, Blink's included: the app offers Delete Device and "
    "Delete System, and a reset is only possible on the device.",
)
_C_RED_MEANING = _contradiction(
    "P",
    "A third-party guide reads a flashing red light as a connection problem, "
    "setup in progress, motion, or low batteries (five red blinks). Blink's own chart for the "
    "Video Doorbell says blinking red means pairing mode and solid red a failed setup; its chart "
    "for the Sync Module has only a solid red, for a module that cannot reach the network.",
)

# --- Back covers ------------------------------------------------------------------------------


class _Cover(TypedDict):
    """How one family's back cover comes off and goes back on."""

    open_steps: tuple[StepLike, ...]
    close_steps: tuple[StepLike, ...]
    tools: tuple[str, ...]
    source_url: str
    notes: tuple[str, ...]
    # Notes about the closing steps, shown only where those steps are.
    close_notes: NotRequired[tuple[str, ...]]


def _s1(text: str) -> Quote:
    """Blink's own cover-removal text, in the seed file ``blink-official-battery-cover-removal``."""
    return Quote("S1", text)


def _s3(text: str) -> Quote:
    """The third-party reset guide (seed ``blink-reset-guide``); never enough for 'official'."""
    return Quote("S3", text)


def _blink_page(source: str, text: str) -> Quote:
    """A Blink support page (P1-P9), quoted as the reference catalog records it."""
    return Quote(source, text)


# Blink's rule on cells, from its Outdoor 4 page and its cover FAQ.
_CELLS_QUOTE = _blink_page(
    "P2",
    "Blink cameras are only compatible with size AA 1.5 volt Lithium non-rechargeable batteries",
)


_INSERT_CELLS_STEP = _step(_INSERT_CELLS_TEXT, StepKind.ACTION, _CELLS_QUOTE)
_DOORBELL_INSERT_CELLS_STEP = _step(
    "Take out both old batteries and put in two new AA lithium non-rechargeable ones, the way "
    "round the diagram inside the case shows.",
    StepKind.ACTION,
    _s1("The Blink Video Doorbell uses two, size AA Lithium non-rechargeable batteries."),
    _s1("a diagram shows the correct position to insert new batteries"),
)


def _own(text: str, kind: StepKind = StepKind.ACTION) -> StepText:
    """A step in this catalog's own words, with no source sentence behind it."""
    return _step(text, kind, own_wording=True)


_OUTDOOR4_COVER: _Cover = {
    "open_steps": (
        _own("Take the camera down from its mount."),
        _step(
            "Turn the screw on the back to the left (counter-clockwise) until it turns freely.",
            StepKind.ACTION,
            _blink_page("P1", "turn the screw left (counterclockwise) until it rotates freely"),
        ),
        _step(
            "Put the opening tool (the right-angle adapter that came with the camera) against the "
            "edge of the cover, lever it gently in one direction, and lift the cover off.",
            StepKind.ACTION,
            _blink_page(
                "P1",
                "Use the right-angle/adapter opening tool to pry gently in one direction and lift "
                "the cover",
            ),
        ),
    ),
    "close_steps": (
        _step(
            "Line up the post on the cover with the keyhole next to the USB port and push the "
            "cover into place.",
            StepKind.ACTION,
            _blink_page(
                "P1",
                "the cover has a post that fits only when aligned with the keyhole next to the USB "
                "port. Push to close",
            ),
        ),
        _step(
            "Turn the screw to the right (clockwise) about three turns until it sits flush; the "
            "opening tool, a coin or a large screwdriver all fit.",
            StepKind.ACTION,
            _blink_page(
                "P1",
                "turn the screw right (clockwise) about three turns until flush, with the opening "
                "tool, a coin or a large screwdriver",
            ),
        ),
    ),
    "tools": ("Blink opening tool (right-angle adapter) or a large flat screwdriver",),
    "source_url": _URL_OUTDOOR4_COVER,
    "notes": (_C_OUTDOOR4_COVER,),
}

_GEN3_COVER: _Cover = {
    "open_steps": (
        _step(
            "Take the camera off any mount or accessory, third-party ones included.",
            StepKind.ACTION,
            _s1(
                "you must remove the camera from any mounts or accessories. This includes any "
                "third-party products."
            ),
        ),
        _step(
            "If a silicone cap covers the screw on the back, peel it off and keep it.",
            StepKind.ACTION,
            _s1(
                "If it is present, remove the silicone protective cover from the fastening screw, "
                "and keep it for future use."
            ),
        ),
        _step(
            "Turn the screw counter-clockwise with the opening tool that doubles as the mount "
            "adapter (a coin or a flat screwdriver also works) until it spins freely.",
            StepKind.ACTION,
            _s1(
                "Use the included opening tool, to turn the screw counter-clockwise (turning to "
                "the left) until the screw spins freely."
            ),
            _s1("You can also use a coin, or flathead screwdriver."),
        ),
        _step(
            "Hold the camera on its side and press the tool sideways to ease the cover loose. "
            "Alternative: once the screw is fully undone, click the mounting end of the tool into "
            "the cover and pull gently; the cover comes away with the tool.",
            StepKind.ACTION,
            _s1("Apply side pressure on the opening tool to gently pry the cover loose."),
            _s1("be careful to hold the camera on its side"),
            _s1("turn the opening tool around and insert the mounting end into the camera"),
        ),
    ),
    "close_steps": (
        _step(
            "Line up the guide notches and hold the cover against the camera.",
            StepKind.ACTION,
            _s1(
                "Align the guide notches as shown, and gently hold the cover in place against the "
                "camera body."
            ),
        ),
        _step(
            "Turn the screw clockwise about three turns, until snug but not overtightened; the "
            "cover should sit flush with the body.",
            StepKind.ACTION,
            _s1(
                "Turn the screw clockwise (turning to the right) approximately three turns, or "
                "until snug. Take care to prevent over-tightening."
            ),
            _s1("The cover should be flush with the camera body when you are done."),
        ),
        _own("Put the silicone cap back over the screw if you kept it."),
    ),
    "tools": ("Blink opening tool / mount adapter, a coin or a flat screwdriver",),
    "source_url": _URL_COVER_ALL_MODELS,
    "notes": (),
}

_XT_COVER: _Cover = {
    "open_steps": (
        _step(
            "Hold the camera with its back towards you.",
            StepKind.ACTION,
            _s1("Hold the camera so that the back is facing you."),
        ),
        _step(
            "Find the grey switch with an arrow pointing to the bottom of the camera; slide it "
            "that way and keep holding it.",
            StepKind.ACTION,
            _s1(
                "a grey switch with an arrow facing toward the bottom of the camera. Slide and "
                "hold that in the direction of the arrow."
            ),
        ),
        _step(
            "While holding the switch, pull the cover up with your thumb. The case is airtight, "
            "so it can take some force.",
            StepKind.ACTION,
            _s1(
                "While doing this, pull up on the battery cover with your thumb. This may require "
                "some force as the camera is air tight."
            ),
        ),
        _step(
            "Lift the cover away.",
            StepKind.ACTION,
            _s1("Lift the battery cover off of the camera."),
        ),
    ),
    "close_steps": (_own("Put the cover back in place and press it evenly until it sits firmly."),),
    "tools": (),
    "source_url": _URL_COVER_ALL_MODELS,
    "notes": (
        _C_XT_COVER,
        (
            "A micro-USB socket sits just below the cover's switch. Running the camera from USB "
            "breaks its weather sealing, so keep the cover shut outdoors."
        ),
    ),
    "close_notes": ("Blink describes opening only; the closing step is this catalog's wording.",),
}

_INDOOR1_COVER: _Cover = {
    "open_steps": (
        _step(
            "Find the latch on the underside of the camera.",
            StepKind.ACTION,
            _s1(
                "The latch to remove the back cover of the Indoor (gen 1) camera is on the bottom."
            ),
        ),
        _step(
            "Slide the latch to free the battery cover, then take the cover off.",
            StepKind.ACTION,
            _s1("Slide the latch to release the battery cover."),
        ),
    ),
    "close_steps": (_own("Put the cover back and let the latch snap shut."),),
    "tools": (),
    "source_url": _URL_COVER_ALL_MODELS,
    "notes": (),
    "close_notes": (
        (
            "Blink describes opening only; closing by letting the latch snap shut is this "
            "catalog's wording."
        ),
    ),
}

_GENERIC_CAMERA_COVER: _Cover = {
    "open_steps": (
        (
            "Find your camera's method, since the cover opens differently per model: the Outdoor 4 "
            "and the Outdoor/Indoor (3rd Gen) have a screw on the back that you undo "
            "counter-clockwise with the opening tool; on the XT and XT2 you slide and hold a grey "
            "switch while pulling the cover up with your thumb; the original Indoor has a latch "
            "underneath."
        ),
        "Follow the section for your model in Blink's battery cover article (linked below).",
    ),
    "close_steps": (
        "Close the cover the way it came off, making sure it sits flush so the seal holds.",
    ),
    "tools": ("Possibly the Blink opening tool, a coin or a flat screwdriver",),
    "source_url": _URL_COVER_ALL_MODELS,
    "notes": (),
}

# The doorbell opens off its back plate; wired installs need the breaker off first.
_DOORBELL_OPEN_STEPS = (
    _step(
        _DOORBELL_BREAKER_OFF_STEP,
        StepKind.ACTION,
        _blink_page(
            "P2",
            "Before opening the back cover, turn off all power to the doorbell chime at the "
            "circuit breaker",
        ),
    ),
    _step(
        "Find the opening key: it came taped to the paper mounting template; Blink support can "
        "send a new one.",
        StepKind.ACTION,
        _s1(
            "use the Opening Key that came taped to the paper template in the product box. If you "
            "need another key, contact Blink support."
        ),
    ),
    _step(
        "Put the key into the slot at the bottom of the doorbell.",
        StepKind.ACTION,
        _s1("Put the key into the opening at the base of the Blink Video Doorbell."),
    ),
    _step(
        "With a battery cover: push the key straight in until the grey catch lets go. With an open "
        "battery bay: pull the key slightly towards you to open the latch, then slide the doorbell "
        "up while tilting it away from the back plate.",
        StepKind.ACTION,
        _s1("pressing the key straight into the slot until the grey catch is released."),
        _s1(
            "the latch is opened by pulling the key toward you slightly. When released, slide the "
            "doorbell up while pivoting away from the back plate."
        ),
    ),
    _step(
        "With a battery cover: press the grey release button and lift the weatherproof door off. "
        "Keep it safe; the doorbell needs it to work properly.",
        StepKind.ACTION,
        _s1("Press the grey release button to open, then lift the door, to remove."),
        _s1("keep it safe when you change batteries, because the door is important for proper"),
    ),
)
_DOORBELL_CLOSE_STEPS = (
    _step(
        "With a battery cover: slide the door's tabs into the slots next to the terminal screws "
        "and press until it clicks shut.",
        StepKind.ACTION,
        _s1("Insert tabs of the door into the slots near terminal screws."),
        _s1("press until a click confirms it is secure."),
    ),
    _step(
        "Put the doorbell back on its plate. With a battery cover: hook the top on first, then "
        "press the bottom in until it clicks. With an open bay: line up the pins, press firmly, "
        "then push down until the bottom edges line up and you feel a click.",
        StepKind.ACTION,
        _s1(
            "Align the top of the doorbell with the top of the back plate so that the hook sets, "
            "then press the bottom against the back plate firmly until you feel and hear a click."
        ),
        _s1(
            "lining up the pins and using a two step motion - press the doorbell against the back "
            "plate firmly (with moderate force), then push down to line up the bottom edges."
        ),
    ),
    _step(
        _DOORBELL_BREAKER_ON_STEP,
        StepKind.CHECK,
        _s1("Press the doorbell button to test it."),
    ),
)
_DOORBELL_COVER_NOTES = (_C_SHOCK_WORDING, _C_DOORBELL_BUTTON)

# Every step that puts a cover or case back, so a test can tell which steps come after it.
CLOSING_STEPS = frozenset(
    _as_step(step)["text"]
    for steps in (
        _OUTDOOR4_COVER["close_steps"],
        _GEN3_COVER["close_steps"],
        _XT_COVER["close_steps"],
        _INDOOR1_COVER["close_steps"],
        _GENERIC_CAMERA_COVER["close_steps"],
        _DOORBELL_CLOSE_STEPS,
    )
    for step in steps
)

# --- Builders shared by several families ---------------------------------------------------------


def _open_cover(cover: _Cover, *, official: bool, warnings: tuple[str, ...] = ()) -> ProcedureText:
    """The cover's opening steps as a procedure of their own."""
    return _procedure(
        _TITLE_OPEN_COVER,
        cover["open_steps"],
        minutes=3,
        source_url=cover["source_url"],
        official=official,
        tools=cover["tools"],
        warnings=warnings,
        notes=cover["notes"],
    )


def _battery_change(
    cover: _Cover,
    *,
    official: bool,
    claim_note: str,
    cells_warning: str = _CELLS_WARNING,
    insert_step: StepLike = _INSERT_CELLS_STEP,
    warnings: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> ProcedureText:
    """Open, swap both cells, close: the same three stages on every battery device.

    Where Blink's text is not for this model (``official`` False) the cell type is another
    model's, so it is given as unconfirmed.
    """
    insert = insert_step if official else _INSERT_CELLS_UNCONFIRMED_STEP
    return _procedure(
        _TITLE_BATTERY_CHANGE,
        (*cover["open_steps"], insert, *cover["close_steps"]),
        minutes=5,
        source_url=cover["source_url"],
        official=official,
        tools=(*cover["tools"], _TOOL_CELLS if official else _TOOL_CELLS_UNCONFIRMED),
        warnings=(*warnings, cells_warning if official else _CELLS_UNCONFIRMED_WARNING),
        notes=(
            *cover["notes"],
            *cover.get("close_notes", ()),
            *notes,
            claim_note,
            _C_CHEMISTRY,
            _C_CELL_COUNT,
            _C_BATTERY_LIFE,
        ),
    )


def _power_cycle(
    steps: tuple[StepLike, ...],
    *,
    off_seconds: int,
    minutes: int,
    source_url: str,
    official: bool,
    notes: tuple[str, ...],
    tools: tuple[str, ...] = (),
    warnings: tuple[str, ...] = (),
) -> ProcedureText:
    """A power cycle carries its off time so Home Assistant can time a smart plug with it."""
    procedure = _procedure(
        _TITLE_POWER_CYCLE,
        steps,
        minutes=minutes,
        source_url=source_url,
        official=official,
        tools=tools,
        warnings=warnings,
        notes=notes,
    )
    procedure["off_seconds"] = off_seconds
    return procedure


_RECONNECT_STEP = (
    "Give it a minute or two to reconnect. Its settings and account registration are kept."
)


def _battery_power_cycle_steps(
    cover: _Cover, off_seconds: int, *, may_use_usb: bool, quote: Quote | None = None
) -> tuple[StepLike, ...]:
    """Batteries out, wait, batteries back: how every battery device is restarted.

    ``quote`` is Blink's sentence for this restart, where Blink wrote one (the doorbell).
    """
    usb = " If it also runs from a USB cable, unplug that too." if may_use_usb else ""
    quotes = () if quote is None else (quote,)
    return (
        *cover["open_steps"],
        _step(f"Take both batteries out.{usb}", StepKind.ACTION, *quotes),
        _step(f"Leave it without power for {off_seconds} seconds.", StepKind.WAIT, *quotes),
        _step("Put the batteries back in.", StepKind.ACTION, *quotes),
        *cover["close_steps"],
        _own(_RECONNECT_STEP, StepKind.WAIT),
    )


def _plug_power_cycle_steps(unplug: str, replug: str) -> tuple[StepLike, ...]:
    """Cut the supply, wait, restore it: how every mains device is restarted."""
    return (
        unplug,
        _step(f"Wait {DEFAULT_OFF_SECONDS} seconds.", StepKind.WAIT),
        replug,
        _own(_RECONNECT_STEP, StepKind.WAIT),
    )


_SYNC_MODULE_REFRESH = (
    f"unplug the Sync Module for {DEFAULT_OFF_SECONDS} seconds and plug it back in; this "
    "refreshes every device attached to it."
)


def _sync_module_step(sync: _SyncLink, lead: str) -> tuple[StepLike, ...]:
    """The Sync Module restart, worded for how the device depends on it (none for a module)."""
    if sync == "self":
        return ()
    advice = (
        _SYNC_MODULE_REFRESH
        if sync == "required"
        else f"if this device is attached to a Sync Module, {_SYNC_MODULE_REFRESH}"
    )
    return (f"{lead}{advice[:1].upper()}{advice[1:]}",)


def _soft_reset(power_cycle: ProcedureText, sync: _SyncLink) -> ProcedureText:
    """A soft reset is a power cycle followed by a check, with the Sync Module as a second try."""
    return _procedure(
        _TITLE_SOFT_RESET,
        (
            (
                "A soft reset is a plain restart: nothing is erased and the device stays in your "
                "account."
            ),
            *power_cycle["steps"],
            (
                "Check in the Blink app that the device shows as online and that its settings are "
                "unchanged."
            ),
            *_sync_module_step(sync, "Still offline? "),
            (
                f"If it stays offline, work through {_get_the('offline')}; keep the factory "
                "reset for last."
            ),
        ),
        minutes=power_cycle["minutes"] + 3,
        source_url=power_cycle["source_url"],
        official=False,
        tools=power_cycle["tools"],
        warnings=power_cycle["warnings"],
        notes=(
            (
                "Third-party guides call a power cycle a 'soft reset'; both keep settings, clips "
                "and the account registration."
            ),
            *power_cycle["notes"],
        ),
    )


_DELETE_DEVICE_STEPS = (
    (
        "Open the device's settings (in recent app versions: Device Settings, then General "
        "Settings)."
    ),
    "Choose Delete Device and confirm.",
)
# The guides name the Delete Device menu for cameras only; for a module they only say to
# delete it in the app.
_DELETE_MODULE_STEPS = (
    (
        "Open the Sync Module's settings, choose the option that deletes it, and confirm. No "
        "source names that menu item for a Sync Module, so look for it in the module's settings."
    ),
)


def _remove_from_account(
    noun: str, *, module: bool = False, warnings: tuple[str, ...] = ()
) -> ProcedureText:
    """Deleting is the only way to free a device from an account; a reset never does it."""
    return _procedure(
        _TITLE_REMOVE,
        (
            f"Open the Blink app, signed in to the account the {noun} belongs to.",
            *(_DELETE_MODULE_STEPS if module else _DELETE_DEVICE_STEPS),
            (
                "If adding a device fails with 'serial number already registered', it is still "
                "attached to an account, yours or a previous owner's. A reset on the device does "
                "not change that: delete it in the account that holds it (or ask the previous "
                "owner to), then add it again with the + button."
            ),
            (
                "Handing over or replacing a whole system? Blink suggests deleting the system "
                "instead: that removes every device in it and emails the account owner, and saved "
                "clips stay."
            ),
        ),
        minutes=3,
        source_url=_URL_DELETE_SYSTEM,
        official=False,
        tools=(_TOOL_PHONE,),
        warnings=(
            (
                f"The {noun} stops working, and drops out of Home Assistant, until it is added to "
                "an account again."
            ),
            *warnings,
        ),
        notes=(
            (
                "No source gives the app path for deleting a Sync Module; Blink's linked article "
                "covers deleting a whole system."
                if module
                else "The app path comes from third-party guides and may differ between app "
                "versions; Blink's linked article covers deleting a whole system."
            ),
            _C_APP_RESET,
        ),
    )


def _account_not_removed(noun: str, reset: str = "The reset") -> str:
    """The reminder every reset carries: only deleting in the app frees a device from an account.

    No menu name here: the guides name Delete Device for cameras only.
    """
    return (
        f"{reset} does NOT remove the {noun} from your Blink account. To give it to someone "
        f"else, delete it from your account in the Blink app first "
        f"({_get('remove_from_account')})."
    )


_READD_STEP = (
    "In the Blink app, delete the old entry (Delete Device) and add the device again with the + "
    "button, scanning the QR code or typing the serial number, then follow the setup."
)


def _button_factory_reset(
    steps: tuple[StepLike, ...],
    *,
    noun: str,
    source_url: str,
    notes: tuple[str, ...],
    tools: tuple[str, ...] = (_TOOL_PIN, _TOOL_PHONE),
    warnings: tuple[str, ...] = (),
    minutes: int = 10,
) -> ProcedureText:
    """A reset with a physical button, always ending with the account reminder and re-adding."""
    return _procedure(
        _TITLE_FACTORY_RESET,
        (*steps, _account_not_removed(noun), _READD_STEP),
        minutes=minutes,
        source_url=source_url,
        official=False,
        tools=tools,
        warnings=(*warnings, _FACTORY_RESET_WARNING),
        notes=(*notes, _C_HOLD_TIME, _C_RESET_LIGHT),
    )


def _button_fallback(hint: str) -> str:
    """The third-party button is a fallback after re-adding, when the cover is already shut again.

    So the step opens the cover again before anything inside it is touched.
    """
    return (
        f"Only if adding it again fails: open the cover again as above. {hint} Then close the "
        "cover and add the camera again."
    )


_LABEL_INSIDE_STEP = (
    "While the cover is off, note or photograph the QR code and serial number (DSN) on the label "
    "inside: you need them to add the camera again."
)
_LABEL_SEARCH_STEP = (
    "While the cover is off, note or photograph the QR code and serial number (DSN): you need "
    "them to add the camera again. No source says where the label is on this model, so look in "
    "the compartment first, then on the camera's body."
)


def _camera_factory_reset(
    cover: _Cover, last_try: str, *, notes: tuple[str, ...], label_inside: bool
) -> ProcedureText:
    """Sync-module cameras: Blink documents no button, so delete and re-add comes first.

    The code to scan is noted while the cover is off; ``last_try`` is the step for when adding
    the camera again fails, after the cover is back on.
    """
    return _procedure(
        _TITLE_FACTORY_RESET,
        (
            _step(
                "Blink publishes no button reset for this camera. The dependable way to start over "
                "is to delete it from your Blink account and add it again; one third-party guide "
                "says deleting it in effect resets the camera's link to your account.",
                StepKind.INFO,
                _s3("This effectively resets the camera’s connection to your account."),  # noqa: RUF001 - the seed spells it so
            ),
            (
                "In the Blink app, open the camera's settings and choose Delete Device (see "
                f"{_get_the('remove_from_account')})."
            ),
            *cover["open_steps"],
            _LABEL_INSIDE_STEP if label_inside else _LABEL_SEARCH_STEP,
            *cover["close_steps"],
            (
                "Tap + in the app, add a camera, scan or type the code and follow the prompts to "
                "connect it to your Wi-Fi (and Sync Module, if it uses one)."
            ),
            last_try,
            _account_not_removed("camera", "A button reset"),
        ),
        minutes=15,
        source_url=BLINK_SUPPORT_HOME,
        official=False,
        tools=(*cover["tools"], _TOOL_PHONE),
        warnings=(_FACTORY_RESET_WARNING,),
        notes=(*notes, _C_HOLD_TIME, _C_RESET_LIGHT, _C_APP_RESET),
    )


def _wifi_step(sync: _SyncLink) -> str:
    """Wi-Fi advice; a camera behind a Sync Module also has to reach the module."""
    module_range = (
        " The camera must also be within range of its Sync Module." if sync == "required" else ""
    )
    return (
        "Wi-Fi: Blink devices use the 2.4 GHz band. Make sure it is switched on (if the router "
        "merges 2.4 and 5 GHz under one name, 'Smart Connect', separate them or switch 5 GHz "
        "off while setting up) and that the signal reaches the device: move the device or the "
        f"router closer, or add an extender.{module_range}"
    )


_ROUTER_STEP = (
    "Router: restart it by unplugging it for about 30 seconds, then wait until the internet is "
    "back."
)
_SUPPORT_STEP = (
    "Blink support: if it still will not come online, contact Blink support through "
    f"{BLINK_SUPPORT_HOME}; the device may be faulty."
)
_WIFI_NOTES = (
    "Turn off any VPN on your phone while setting a device up (third-party advice).",
    (
        "Older Sync Modules (serial numbers below 2XX-200-200) may fail to join a network whose "
        "name contains characters such as & or # (third-party advice)."
    ),
)


def _reset_last_resort(how: str) -> str:
    """The last offline step of a device with a reset button: the reset keeps the account."""
    return (
        f"Factory reset (last resort): {how} It erases the device's Wi-Fi details and settings, "
        "so it has to be set up again in the app; it does not remove the device from your "
        "account."
    )


# Battery cameras have no reset button any source agrees on: starting over means deleting
# the camera, which does take it out of the account, and adding it again.
_READD_LAST_RESORT = (
    "Delete and add again (last resort): delete the camera in the Blink app, which removes it "
    "from your account, then add it again with the + button and set it up from the start "
    f"({_get('add_again')}). Blink documents no reset button for it."
)


def _offline(
    *,
    power_check: str,
    power_cycle: ProcedureText,
    sync: _SyncLink,
    last_resort: StepLike,
    batteries: bool,
) -> ProcedureText:
    """The offline guide, always from the least to the most invasive step.

    Blink has no page about a device going offline, so it links the support home. Only a device
    with batteries is told that the order matches Blink's doorbell advice, which starts there.
    """
    off_seconds = power_cycle.get("off_seconds", DEFAULT_OFF_SECONDS)
    return _procedure(
        _TITLE_OFFLINE,
        (
            _step(power_check, StepKind.CHECK),
            _step(_wifi_step(sync), StepKind.CHECK),
            _ROUTER_STEP,
            _step(
                f"Power cycle: cut the device's power for {off_seconds} seconds, then restore it "
                f"({_get('power_cycle')}); settings and account registration are kept.",
                StepKind.POWER_CYCLE,
            ),
            *_sync_module_step(sync, "Sync Module: "),
            last_resort,
            _step(_SUPPORT_STEP, StepKind.SUPPORT),
        ),
        minutes=30,
        source_url=BLINK_SUPPORT_HOME,
        official=False,
        tools=power_cycle["tools"],
        warnings=power_cycle["warnings"],
        notes=(
            "The order is this catalog's synthesis of third-party troubleshooting guides"
            + (
                "; it matches Blink's advice for the Video Doorbell (check the batteries, then "
                "restart)."
                if batteries
                else "."
            ),
            *_WIFI_NOTES,
        ),
    )


_BATTERY_CHECK = (
    "Batteries: if the app reports them low, or you are not sure, fit two new AA 1.5 V "
    f"lithium non-rechargeable batteries ({_get('battery_change')})."
)
_USB_CHECK = (
    "Power supply: check that the USB cable is firmly in at both ends and that the power "
    "adapter is in a working socket; use the adapter that came with the device."
)


def _flashing_red(
    *,
    power_check: str,
    sync: _SyncLink,
    batteries: bool,
    notes: tuple[str, ...] = (),
) -> ProcedureText:
    """Third-party reading of a red light on cameras; Blink has no chart for them.

    The low-battery reading is offered only to devices that have batteries.
    """
    low_batteries = " Five red blinks in a row are read as low batteries." if batteries else ""
    return _procedure(
        _TITLE_FLASHING_RED,
        (
            _step(
                "A flashing red light usually means the device cannot hold its connection. It also "
                "shows during setup and, on some models, when motion is detected." + low_batteries,
                StepKind.INFO,
            ),
            power_check,
            _wifi_step(sync),
            "If the light started during setup, finish or restart the setup in the Blink app.",
            f"Restart the device ({_get('power_cycle')}) and restart the router while you wait.",
            (
                "Still red: delete the device and add it again "
                f"({_get('remove_from_account')}); a factory reset is the last resort."
            ),
            _SUPPORT_STEP,
        ),
        minutes=15,
        source_url=BLINK_SUPPORT_HOME,
        official=False,
        tools=(_TOOL_PHONE,),
        notes=(*notes, _C_RED_MEANING, _UNOFFICIAL_NOTE),
    )


# --- Guides every model shares: add again, firmware ------------------------------------------


# Where the serial number and its QR code are, for the models a source describes.
_LABEL_UNDER_COVER = (
    "The serial number (DSN) and its QR code are on a sticker inside the back cover "
    f"({_get('open_cover')})."
)
_LABEL_UNKNOWN = (
    "Find the serial number (DSN) and its QR code on the device's label; no source gives where "
    "the label is on this model."
)


_GEN3_LABEL = _step(
    _LABEL_UNDER_COVER,
    StepKind.ACTION,
    _s1("cameras have batteries and a Serial Number (DSN) sticker inside the back cover"),
)
_XT_LABEL = _step(
    f"The serial number (DSN) is under the battery cover ({_get('open_cover')}).",
    StepKind.ACTION,
    _s1("access your camera's Device Serial Number (DSN)"),
)
# A third-party guide's words, for the Outdoor cameras (Outdoor 4 and 3rd Gen) together.
_OUTDOOR4_LABEL = _step(
    "One third-party guide puts the QR code and serial number (DSN) inside the battery "
    f"compartment ({_get('open_cover')}).",
    StepKind.ACTION,
    _s3("scan the QR code inside the camera"),
)
# Blink's list of what the doorbell's battery case holds.
_DOORBELL_CASE_QUOTE = _s1(
    "Inside the battery case you can find the QR code and corresponding Device Serial Number"
)
_DOORBELL_LABEL = _step(
    f"The QR code and the serial number (DSN) are inside the battery case ({_get('open_cover')}).",
    StepKind.ACTION,
    _DOORBELL_CASE_QUOTE,
)


def _add_again(label: StepLike, sync: _SyncLink) -> ProcedureText:
    """Setting a device up again after Delete Device or a reset, from the app's + button."""
    module = {
        "required": " and to its Sync Module",
        "optional": " (and to a Sync Module, if you use one)",
        "self": "",
    }[sync]
    return _procedure(
        _TITLE_ADD_AGAIN,
        (
            _own(
                "If the device still shows in your Blink app, or belonged to someone else, delete "
                f"it from that account first ({_get('remove_from_account')})."
            ),
            label,
            _step(
                "In the Blink app, tap +, choose the kind of device, then scan the QR code or type "
                "the serial number.",
                StepKind.ACTION,
                _s3("tap the “+” icon, scan the QR code, and follow the setup prompts"),
            ),
            _step(
                f"Follow the prompts to connect it to your 2.4 GHz Wi-Fi{module}. Keep it close to "
                "the router while you do.",
                StepKind.ACTION,
                _s3("Ensure your camera connects to a 2.4 GHz Wi-Fi network"),
                _s3("Keep the camera and Sync Module close to the router during setup"),
            ),
            _own(
                "Check that it shows as online in the Blink app; Home Assistant picks it up at its "
                "next poll.",
                StepKind.CHECK,
            ),
        ),
        minutes=10,
        source_url=BLINK_SUPPORT_HOME,
        official=False,
        tools=(_TOOL_PHONE,),
        notes=(
            (
                "Blink's cover page says the serial number is needed to add a device and offers "
                "the QR code for scanning; the app steps come from a third-party guide."
            ),
        ),
    )


# The only source on updates is one third-party guide, and it speaks of cameras after a reset.
_CAMERA_UPDATE_STEP = _step(
    "Keep the device powered and online. One third-party guide says that after a reset and setup "
    "a camera often downloads the latest firmware by itself if you leave it alone for about five "
    "minutes.",
    StepKind.WAIT,
    _s3("leave the camera alone for 5 minutes. It will often automatically download"),
)
_MODULE_UPDATE_STEP = _own(
    "Keep the Sync Module plugged in and online. No source says how or when a Sync Module gets "
    "new firmware (the one third-party guide that mentions automatic downloads is about other "
    "devices), so compare the version shown here over time.",
    StepKind.WAIT,
)


def _firmware_check(*, module: bool) -> ProcedureText:
    """Read the version Home Assistant shows; how updates arrive is hedged, as the sources are."""
    return _procedure(
        _TITLE_FIRMWARE_CHECK,
        (
            _own(
                "Read the firmware version Blink reports for the device: Home Assistant shows it "
                "on the device's page (Settings, Devices & services, Blink Care, the device).",
                StepKind.CHECK,
            ),
            _MODULE_UPDATE_STEP if module else _CAMERA_UPDATE_STEP,
            _step(
                "Keep the Blink app on your phone up to date as well.",
                StepKind.ACTION,
                _s3("make sure your app and device firmware are up to date"),
            ),
            _own(
                "If the version never changes while the device misbehaves, ask Blink support "
                f"which version is current ({BLINK_SUPPORT_HOME}).",
                StepKind.SUPPORT,
            ),
        ),
        minutes=5,
        source_url=BLINK_SUPPORT_HOME,
        official=False,
        notes=("No Blink page on checking or updating firmware was found.",),
    )


def _everyday(label: StepLike, sync: _SyncLink) -> dict[str, ProcedureText]:
    """The guides every model has besides its own: add it again, check its firmware."""
    return {
        "add_again": _add_again(label, sync),
        "firmware_check": _firmware_check(module=sync == "self"),
    }


# --- Sync Module local storage (Blink's local-storage page) --------------------------------------

_URL_LOCAL_STORAGE = (
    "https://support.blinkforhome.com/en_US/using-your-sync-module/"
    "sync-module-2-local-storage-operation"
)
_LEGACY_CAMERAS_STEP = _step(
    "The XT, XT2 and Indoor (gen 1) cannot save clips to local storage.",
    StepKind.INFO,
    _blink_page("P7", "XT, XT2 and Indoor (gen 1) cannot use local storage."),
)
_STORAGE_APP_STEP = _own(
    "Turn local storage on and manage it in the Blink app, from the Sync Module's settings; "
    "Blink's linked page walks through it."
)
_SM2_DRIVE_QUOTE = _blink_page(
    # The reference's own dash and sign, so the quote is found in it.
    "P7",
    "Sync Module 2 uses a USB-A drive (1–256 GB, exFAT recommended, ≥375 MB free)",  # noqa: RUF001
)
_XR_CARD_QUOTE = _blink_page("P7", "Sync Module XR uses a microSD card")
_CORE_NONE_QUOTE = _blink_page("P7", "Sync Module Core supports neither local storage nor Clip")

_LOCAL_STORAGE_STEPS: dict[str, tuple[StepLike, ...]] = {
    "sync_module_2": (
        _step(
            "Use a USB flash drive (USB-A) of 1 to 256 GB with at least 375 MB free; Blink "
            "recommends the exFAT format.",
            StepKind.ACTION,
            _SM2_DRIVE_QUOTE,
        ),
        _step(
            "Plug the drive into the Sync Module 2's USB-A port.",
            StepKind.ACTION,
            _blink_page("P7", "USB-A port for local storage"),
        ),
        _LEGACY_CAMERAS_STEP,
        _STORAGE_APP_STEP,
    ),
    "sync_module_xr": (
        _step(
            "Use a microSD card of 1 to 256 GB with at least 375 MB free that writes at 10 Mbit/s "
            "or faster; Blink recommends the exFAT format.",
            StepKind.ACTION,
            _XR_CARD_QUOTE,
            _blink_page("P7", "(same limits, ≥10 Mbit/s write)"),
        ),
        _step("Put the card into the Sync Module XR.", StepKind.ACTION, _XR_CARD_QUOTE),
        _LEGACY_CAMERAS_STEP,
        _STORAGE_APP_STEP,
    ),
    "sync_module_core": (
        _step(
            "The Sync Module Core has no local storage and no Clip Backup: it cannot save clips "
            "to a drive or a card.",
            StepKind.INFO,
            _CORE_NONE_QUOTE,
        ),
        _step(
            "To keep clips locally you need a Sync Module 2 (USB drive) or a Sync Module XR "
            "(microSD card) instead.",
            StepKind.INFO,
            _SM2_DRIVE_QUOTE,
            _XR_CARD_QUOTE,
        ),
    ),
    "generic": (
        _step(
            "What this module can store clips on depends on its model: a Sync Module 2 takes a "
            "USB-A drive, a Sync Module XR a microSD card, and a Sync Module Core nothing at all. "
            "Look up your model's local_storage procedure by name for its steps.",
            StepKind.INFO,
            _SM2_DRIVE_QUOTE,
            _XR_CARD_QUOTE,
            _CORE_NONE_QUOTE,
        ),
        _LEGACY_CAMERAS_STEP,
    ),
}


def _local_storage(model: str) -> ProcedureText:
    """Blink's local-storage page, one model's part of it; official only for a named model."""
    return _procedure(
        _TITLE_LOCAL_STORAGE,
        _LOCAL_STORAGE_STEPS[model],
        minutes=5,
        source_url=_URL_LOCAL_STORAGE,
        official=model != "generic",
        notes=(
            "The limits come from Blink's local-storage page for the Sync Module 2, XR and Core.",
        ),
    )


# --- Accessories with batteries of their own (Blink's cover page, 3rd Gen section) ---------------


def _accessory_batteries() -> ProcedureText:
    """Blink says some mounts carry their own batteries; it publishes nothing else about them."""
    return _procedure(
        _TITLE_ACCESSORY_BATTERIES,
        (
            _step(
                "Some Blink accessories, such as the Floodlight mount and the Solar Panel Mount, "
                "have batteries of their own, separate from the camera's.",
                StepKind.INFO,
                _s1(
                    "Some Blink camera accessories like the Floodlight and Solar Panel Mount have "
                    "their own batteries."
                ),
            ),
            _own(
                "Blink Care reports only the camera's own batteries; an accessory's batteries can "
                "run down without any warning here.",
                StepKind.INFO,
            ),
            _step(
                "Before opening the camera's battery cover, take the camera out of the accessory.",
                StepKind.ACTION,
                _s1("you must remove the camera from any mounts or accessories"),
            ),
            _own(
                "No source gives the accessories' battery type or how to change them: follow the "
                "accessory's own instructions or ask Blink support.",
                StepKind.SUPPORT,
            ),
        ),
        minutes=5,
        source_url=BLINK_SUPPORT_HOME,
        official=False,
        notes=(
            (
                "Battery counts and types for the Floodlight mount and the Solar Panel Mount were "
                "not found in any source, so none is given."
            ),
        ),
    )


# Guides that are the same on every model (app steps, the general offline order).
_GENERAL_PROCEDURES = frozenset(
    {"remove_from_account", "offline", "add_again", "firmware_check", "local_storage"}
)


def _borrowed(procedures: dict[str, ProcedureText], lender: str) -> dict[str, ProcedureText]:
    """Another model's steps for a model Blink documents nowhere: never official, and said so.

    The user reads which model the steps come from in the first step, not only in a note.
    """
    intro = _step(
        f"Blink publishes no steps for this model. These are the {lender}'s, which may not "
        "match it exactly.",
        StepKind.INFO,
    )
    lent: dict[str, ProcedureText] = {}
    for name, procedure in procedures.items():
        if name in _GENERAL_PROCEDURES:
            lent[name] = procedure
            continue
        copy = procedure.copy()
        copy["steps"] = (intro, *procedure["steps"])
        copy["official"] = False
        copy["borrowed_from"] = lender
        lent[name] = copy
    return lent


# --- Families ---------------------------------------------------------------------------------


def _battery_camera(
    cover: _Cover,
    *,
    official: bool,
    sync: _SyncLink,
    last_try: str,
    reset_notes: tuple[str, ...],
    claim_note: str,
    battery_notes: tuple[str, ...] = (),
    label: StepLike = _LABEL_UNKNOWN,
) -> dict[str, ProcedureText]:
    """Every battery camera: cover, cells, restart, and delete-and-re-add instead of a reset.

    ``official`` says whether Blink's cover text is written for this very model.
    """
    power_cycle = _power_cycle(
        _battery_power_cycle_steps(cover, DEFAULT_OFF_SECONDS, may_use_usb=True),
        off_seconds=DEFAULT_OFF_SECONDS,
        minutes=5,
        source_url=BLINK_SUPPORT_HOME,
        official=False,
        notes=(_C_OFF_TIME, _NO_REMOTE_POWER_NOTE, _UNOFFICIAL_COVER_NOTE),
        tools=cover["tools"],
    )
    return {
        "open_cover": _open_cover(cover, official=official),
        "battery_change": _battery_change(
            cover, official=official, claim_note=claim_note, notes=battery_notes
        ),
        "power_cycle": power_cycle,
        "soft_reset": _soft_reset(power_cycle, sync),
        "factory_reset": _camera_factory_reset(
            cover,
            last_try,
            notes=reset_notes,
            label_inside=official and label is not _LABEL_UNKNOWN,
        ),
        "remove_from_account": _remove_from_account("camera"),
        "flashing_red": _flashing_red(power_check=_BATTERY_CHECK, sync=sync, batteries=True),
        "offline": _offline(
            power_check=_BATTERY_CHECK,
            power_cycle=power_cycle,
            sync=sync,
            batteries=True,
            last_resort=_READD_LAST_RESORT,
        ),
        **_everyday(label if official else _LABEL_UNKNOWN, sync),
    }


def _mini() -> dict[str, ProcedureText]:
    """The plug-in Mini family: no battery, so no cover; a reset button whose place is disputed."""
    power_cycle = _power_cycle(
        _plug_power_cycle_steps(
            "Unplug the USB cable from the camera, or the adapter from the wall (or switch off "
            "the smart plug it is on).",
            "Plug it back in (or switch the smart plug on).",
        ),
        off_seconds=DEFAULT_OFF_SECONDS,
        minutes=2,
        source_url=BLINK_SUPPORT_HOME,
        official=False,
        notes=(_C_OFF_TIME, _UNOFFICIAL_NOTE),
        tools=(_TOOL_SMART_PLUG,),
    )
    return {
        "power_cycle": power_cycle,
        "soft_reset": _soft_reset(power_cycle, "optional"),
        "factory_reset": _button_factory_reset(
            (
                "Leave the camera plugged in: the reset needs power.",
                (
                    "Find the small reset button. Guides disagree on where it is (on the underside "
                    "next to the mount, or on the side next to the USB socket), so look in both "
                    "places; Blink publishes no location."
                ),
                (
                    "Press it with the end of a paper clip (a fingertip may do on the side button) "
                    "and hold it for 10-15 seconds; Blink gives no figure for this model."
                ),
                (
                    "Let go when the light flashes red. The camera restarts; blinking blue then "
                    "means it is waiting to be set up."
                ),
            ),
            noun="camera",
            source_url=BLINK_SUPPORT_HOME,
            notes=(_C_MINI_BUTTON, _UNOFFICIAL_NOTE),
        ),
        "remove_from_account": _remove_from_account("camera"),
        "flashing_red": _flashing_red(
            power_check=_USB_CHECK,
            sync="optional",
            batteries=False,
        ),
        "offline": _offline(
            power_check=_USB_CHECK,
            power_cycle=power_cycle,
            sync="optional",
            batteries=False,
            last_resort=_reset_last_resort(f"{_get('factory_reset')}."),
        ),
        **_everyday(_LABEL_UNKNOWN, "optional"),
    }


# Blink's Video Doorbell light page, as the reference records it.
_DOORBELL_RESTART_QUOTE = _blink_page(
    "P4",
    "If the red LED does not flash as expected, remove the batteries for five seconds and then "
    "reinsert them.",
)

_DOORBELL_POWER_NOTE = (
    "The batteries are always the doorbell's main power, even when it is wired; the chime "
    "wiring only needs to supply at least 16 V AC for Blink's power check to pass. Adding the "
    "doorbell to a Sync Module makes the batteries last much longer."
)


def _doorbell(*, official: bool) -> dict[str, ProcedureText]:
    """The Video Doorbell family; ``official`` when Blink's doorbell text is for this model.

    Every hands-on step goes through the back plate, so every such procedure carries the
    shock warning.
    """
    off_seconds = _DOORBELL_OFF_SECONDS if official else DEFAULT_OFF_SECONDS
    cover: _Cover = {
        "open_steps": _DOORBELL_OPEN_STEPS,
        "close_steps": _DOORBELL_CLOSE_STEPS,
        "tools": (_TOOL_DOORBELL_KEY, _TOOL_BREAKER),
        "source_url": _URL_COVER_FAQ,
        "notes": _DOORBELL_COVER_NOTES,
    }
    shock = (_DOORBELL_SHOCK_WARNING,)
    power_cycle = _power_cycle(
        _battery_power_cycle_steps(
            cover,
            off_seconds,
            may_use_usb=False,
            quote=_DOORBELL_RESTART_QUOTE if official else None,
        ),
        off_seconds=off_seconds,
        minutes=10,
        source_url=_URL_DOORBELL_LEDS,
        official=official,
        notes=(
            _C_OFF_TIME_DOORBELL if official else _C_OFF_TIME,
            "Blink gives this restart for when the red light does not flash as it should."
            if official
            else "Blink gives a restart for the Video Doorbell, for when its red light does not "
            "flash as it should, with the batteries out for 5 seconds. It publishes none for this "
            f"doorbell, so the steps wait {off_seconds} seconds, this catalog's default.",
            _NO_REMOTE_POWER_NOTE,
        ),
        tools=cover["tools"],
        warnings=shock,
    )
    battery_check = (
        "Batteries: the two AA lithium batteries power the doorbell even when it is wired. If "
        f"the app reports them low, or you are not sure, fit new ones ({_get('battery_change')})."
        if official
        else "Batteries: if the app reports the batteries low, or you are not sure, fit new ones "
        f"({_get('battery_change')})."
    )
    # Blink's light chart is the Video Doorbell's; another doorbell only borrows its reading.
    chart = "On this doorbell" if official else "On the Video Doorbell, Blink's chart says"
    return {
        "open_cover": _open_cover(cover, official=official, warnings=shock),
        "battery_change": _battery_change(
            cover,
            official=official,
            claim_note="Blink states no battery life for the Video Doorbell.",
            cells_warning=_DOORBELL_CELLS_WARNING,
            insert_step=_DOORBELL_INSERT_CELLS_STEP,
            warnings=shock,
            notes=(_DOORBELL_POWER_NOTE,) if official else (),
        ),
        "power_cycle": power_cycle,
        "soft_reset": _soft_reset(power_cycle, "optional"),
        "factory_reset": _button_factory_reset(
            (
                *_DOORBELL_OPEN_STEPS,
                _step(
                    "While the case is open, note or photograph the QR code and serial number "
                    "(DSN): you scan the code to add the doorbell again at the end.",
                    StepKind.ACTION,
                    _DOORBELL_CASE_QUOTE,
                ),
                _step(
                    "The reset button is inside the battery case, which also holds the QR code "
                    "with the serial number and a diagram of which way the batteries go (Blink's "
                    "description)."
                    if official
                    else "On the Video Doorbell, Blink puts the reset button inside the battery "
                    "case, with the QR code, the serial number and a diagram of the batteries; "
                    "look for it there.",
                    StepKind.ACTION,
                    _DOORBELL_CASE_QUOTE,
                ),
                (
                    "Press and hold it for 10-15 seconds until the light on the front flashes red; "
                    "Blink gives no hold time, and one guide says 30 seconds."
                ),
                (
                    "Blinking red means the doorbell is in pairing mode, ready to be set up "
                    "(Blink's light chart)."
                    if official
                    else "On the Video Doorbell, Blink's light chart reads blinking red as "
                    "pairing mode, ready to be set up."
                ),
                *_DOORBELL_CLOSE_STEPS,
            ),
            noun="doorbell",
            source_url=BLINK_SUPPORT_HOME,
            notes=(_C_DOORBELL_BUTTON,),
            tools=(_TOOL_DOORBELL_KEY, _TOOL_BREAKER, _TOOL_PIN, _TOOL_PHONE),
            warnings=shock,
            # The case comes off and goes back on around the reset, and setup follows.
            minutes=20,
        ),
        "remove_from_account": _remove_from_account("doorbell"),
        "flashing_red": _procedure(
            _TITLE_FLASHING_RED,
            (
                _step(
                    f"{chart} blinking red means pairing mode: it is waiting to be set up. Finish "
                    "adding it in the Blink app (+ button, then scan the code inside the case).",
                    StepKind.CHECK,
                    _blink_page("P4", "Pairing mode, ready for setup"),
                ),
                _step(
                    f"{chart} solid red means the setup failed: try it again, and consider fresh "
                    "batteries.",
                    StepKind.CHECK,
                    _blink_page("P4", "Setup unsuccessful; retry, and consider replacing the"),
                ),
                _step(
                    f"If the red light does not flash when it should, take the batteries out for "
                    f"{off_seconds} seconds and put them back ({_get('power_cycle')})."
                    if official
                    else "If the red light does not flash when it should: Blink's advice for the "
                    "Video Doorbell is to take the batteries out for 5 seconds and put them back; "
                    f"here they stay out for {off_seconds} seconds ({_get('power_cycle')}).",
                    StepKind.ACTION,
                    _DOORBELL_RESTART_QUOTE,
                ),
                _step(
                    f"{chart} blinking blue means the button was pressed, and no light that it is "
                    "set up and online.",
                    StepKind.INFO,
                    _blink_page("P4", "Doorbell pressed"),
                    _blink_page("P4", "Setup complete and online"),
                ),
                _own(_SUPPORT_STEP, StepKind.SUPPORT),
            ),
            minutes=10,
            source_url=_URL_DOORBELL_LEDS,
            official=official,
            tools=(_TOOL_PHONE, _TOOL_DOORBELL_KEY, _TOOL_BREAKER),
            warnings=shock,
            notes=(_C_RED_MEANING,),
        ),
        "offline": _offline(
            power_check=battery_check,
            power_cycle=power_cycle,
            sync="optional",
            batteries=True,
            last_resort=_reset_last_resort(f"{_get('factory_reset')}."),
        ),
        **_everyday(_DOORBELL_LABEL if official else _LABEL_UNKNOWN, "optional"),
    }


_FLOODLIGHT_LIVE_WARNING = (
    "Mains voltage: the floodlight stays powered for this reset. Touch only the reset button; "
    "do not open the housing or touch the wiring or the mount, and use a ladder safely."
)


def _wired_floodlight() -> dict[str, ProcedureText]:
    """The hard-wired floodlight: mains power through the house wiring, nothing documented."""
    mains = (_FLOODLIGHT_MAINS_WARNING,)
    power_cycle = _power_cycle(
        _plug_power_cycle_steps(
            "Switch off the circuit that feeds the floodlight: its breaker, a wall switch or a "
            "smart relay.",
            "Switch the circuit back on.",
        ),
        off_seconds=DEFAULT_OFF_SECONDS,
        minutes=3,
        source_url=BLINK_SUPPORT_HOME,
        official=False,
        notes=(_C_OFF_TIME, _UNOFFICIAL_NOTE),
        tools=(_TOOL_MAINS_BREAKER,),
        warnings=mains,
    )
    power_check = (
        "Power supply: check the circuit breaker and any wall switch that feed the floodlight."
    )
    return {
        "power_cycle": power_cycle,
        "soft_reset": _soft_reset(power_cycle, "optional"),
        "factory_reset": _button_factory_reset(
            (
                "Leave the floodlight powered: a third-party guide says the reset needs power.",
                (
                    "Find the reset button on the camera body; no source says exactly where, and "
                    "Blink publishes nothing for this model."
                ),
                (
                    "Press and hold it for 10-15 seconds (a figure guides give for other Blink "
                    "cameras) until the light changes."
                ),
            ),
            noun="floodlight",
            source_url=BLINK_SUPPORT_HOME,
            notes=(_UNOFFICIAL_NOTE,),
            # No source says the button is a pinhole, so no pin is asked for.
            tools=(_TOOL_PHONE,),
            warnings=(_FLOODLIGHT_LIVE_WARNING,),
        ),
        "remove_from_account": _remove_from_account("floodlight"),
        "flashing_red": _flashing_red(
            power_check=power_check,
            sync="optional",
            batteries=False,
        ),
        "offline": _offline(
            power_check=power_check,
            power_cycle=power_cycle,
            sync="optional",
            batteries=False,
            last_resort=_reset_last_resort(f"{_get('factory_reset')}."),
        ),
        **_everyday(_LABEL_UNKNOWN, "optional"),
    }


_CHART_SCOPE = (
    "Blink's light chart is written for the Sync Module (1st Gen) and Sync Module 2 only."
)
_UNCHARTED_LIGHTS_STEP = (
    "Blink has published no light chart for this module. The meanings below are those of its "
    "chart for the Sync Module (1st Gen) and Sync Module 2; this module may use other lights."
)


def _sync_module_reset(
    cameras_wait: tuple[str, ...], *, charted: bool, reset_named: bool
) -> ProcedureText:
    """The only guide's reset, written for the Sync Module 2 and XR; borrowed by the others."""
    reset = _procedure(
        _TITLE_SYNC_MODULE_RESET,
        (
            (
                f"Try {_get_the('power_cycle')} first; a reset is only needed to move the module "
                "to another Wi-Fi network or when nothing else works."
            ),
            (
                "Leave the module plugged in. Find the small reset button, on the side or the "
                "back of the module; Blink publishes no location."
            ),
            (
                "Press it with a pin and hold it until the light turns solid red (about 5 "
                "seconds according to one guide)."
            ),
            (
                "Let go. The module restarts; blinking blue with solid green means it is "
                "waiting to be set up (Blink's light chart)."
                if charted
                else "Let go. The module restarts and waits to be set up."
            ),
            (
                "In the Blink app, delete the old Sync Module from its system, then add it "
                "again with the + button and connect it to your Wi-Fi."
            ),
            _account_not_removed("module"),
        ),
        minutes=15,
        source_url=BLINK_SUPPORT_HOME,
        official=False,
        tools=(_TOOL_PIN, _TOOL_PHONE),
        warnings=(
            *cameras_wait,
            (
                "The reset erases the module's Wi-Fi details; you will have to set it up again "
                "in the Blink app."
            ),
        ),
        notes=(_C_SYNC_BUTTON, _C_RESET_LIGHT, _UNOFFICIAL_NOTE),
    )
    return reset if reset_named else _borrowed({"reset": reset}, "Sync Module 2")["reset"]


def _sync_module(
    *, charted: bool, reset_named: bool, storage: str | None
) -> dict[str, ProcedureText]:
    """Every Sync Module: the same (third-party) reset; Blink's light chart where it applies.

    ``charted`` is True only for the modules Blink's light chart is written for; the others get
    the chart's meanings as a borrowed reading, never as fact. ``reset_named`` is True for the
    modules the only reset guide names (Sync Module 2 and XR); the others borrow its steps.
    ``storage`` names the part of Blink's local-storage page for this module (None: no part).
    """
    cameras_wait = (
        "Every camera attached to this module stops reporting until the module is back online.",
    )
    replug = "Plug it back in (or switch the smart plug on)."
    if charted:
        replug += (
            " Solid blue means it is starting; solid blue with solid green means it is online."
        )
    power_cycle = _power_cycle(
        (
            *_plug_power_cycle_steps(
                "Unplug the Sync Module's power adapter (or switch off the smart plug it is on).",
                replug,
            ),
            "The attached cameras reconnect by themselves.",
        ),
        off_seconds=DEFAULT_OFF_SECONDS,
        minutes=2,
        source_url=BLINK_SUPPORT_HOME,
        official=False,
        notes=(
            _C_OFF_TIME,
            "The light meanings are Blink's; the off time is not." if charted else _CHART_SCOPE,
        ),
        tools=(_TOOL_SMART_PLUG,),
        warnings=cameras_wait,
    )
    power_check = "Power supply: check the module's adapter and cable."
    if charted:
        power_check += (
            " Its lights say the rest: solid blue with blinking green means it is trying to "
            "reconnect, solid red that it cannot reach the network."
        )
    return {
        "power_cycle": power_cycle,
        "soft_reset": _soft_reset(power_cycle, "self"),
        "sync_module_reset": _sync_module_reset(
            cameras_wait, charted=charted, reset_named=reset_named
        ),
        "remove_from_account": _remove_from_account(
            "Sync Module", module=True, warnings=cameras_wait
        ),
        "flashing_red": _procedure(
            _TITLE_FLASHING_RED,
            (
                *(() if charted else (_step(_UNCHARTED_LIGHTS_STEP, StepKind.INFO),)),
                _step(
                    "The lights are on top of the module. Blink documents a solid red light, not a "
                    "flashing one: it means the module cannot join the network, often because the "
                    "Wi-Fi password is wrong.",
                    StepKind.INFO,
                    _blink_page("P6", "the LEDs are on top"),
                    _blink_page(
                        "P6", "Cannot connect to the network, or the Wi-Fi password may be wrong"
                    ),
                ),
                _own(
                    "Check the Wi-Fi password and that the 2.4 GHz network is reachable from where "
                    "the module stands.",
                    StepKind.CHECK,
                ),
                _step(
                    "Solid blue with blinking green: the module is offline and trying to rejoin "
                    "its network; give it a few minutes, then restart the router.",
                    StepKind.CHECK,
                    _blink_page("P6", "Offline, trying to reconnect to the previous network"),
                ),
                _step(
                    "Blinking blue with solid green: it is waiting to be set up; add it in the "
                    "app.",
                    StepKind.CHECK,
                    _blink_page("P6", "Pairing mode, ready to be set up"),
                ),
                _step(
                    "Solid blue: it is starting up. Solid blue with solid green: it is online.",
                    StepKind.INFO,
                    _blink_page("P6", "Solid blue | Starting up"),
                    _blink_page("P6", "Solid blue + solid green | Online"),
                ),
                _own(
                    f"If the red light stays, restart the module ({_get('power_cycle')}); as "
                    f"a last resort, reset it ({_get('sync_module_reset')})."
                ),
            ),
            minutes=10,
            source_url=_URL_SYNC_MODULE_LEDS,
            official=charted,
            tools=(_TOOL_PHONE,),
            notes=(
                (
                    "Blink's light chart is the same for the Sync Module (1st Gen) and Sync Module "
                    "2; the order of the fixes is this catalog's advice."
                ),
                _C_RED_MEANING,
            ),
        ),
        "offline": _offline(
            power_check=power_check,
            power_cycle=power_cycle,
            sync="self",
            batteries=False,
            last_resort=_reset_last_resort(f"reset the module ({_get('sync_module_reset')})."),
        ),
        **_everyday(_LABEL_UNKNOWN, "self"),
        **({} if storage is None else {"local_storage": _local_storage(storage)}),
    }


# --- Models -----------------------------------------------------------------------------------

_TWO_YEARS = "up to two years"
_CLAIM_FROM_REVIEWS = (
    "The 'up to two years' figure is Blink's claim as quoted by reviewers and product listings."
)
# S3 describes this button and, for the same cameras, says they have no external reset button.
_INSIDE_BUTTON_FALLBACK = _button_fallback(
    "One third-party guide mentions a small button inside the battery compartment: press and "
    "hold it for 10-15 seconds until the light flashes red; the camera then blinks blue while it "
    "waits to be set up. The same guide also says these cameras have no external reset button, "
    "and Blink documents no button at all."
)
_OUTDOOR4_NOTES = (
    (
        "The Outdoor 4 can also run from a weather-resistant USB-C adapter. With its USB port's "
        "cover removed it is no longer weather-resistant until the cover is back."
    ),
)


def _battery_model(
    key: str,
    codes: tuple[str, ...],
    name: str,
    *,
    claim: str | None,
    support_url: str,
    procedures: dict[str, ProcedureText],
    aliases: tuple[str, ...] = (),
    model_notes: tuple[str, ...] = (),
    kind: DeviceKind = DeviceKind.CAMERA,
    battery_confirmed: bool = True,
) -> ModelText:
    """A model powered by two AA cells (every battery camera and doorbell).

    ``battery_confirmed`` is False where no source gives the cells and they are assumed from
    Blink's other models.
    """
    return {
        "key": key,
        "codes": codes,
        "aliases": aliases,
        "name": name,
        "kind": kind,
        "power": PowerSource.BATTERY,
        "battery_count": _BATTERY_COUNT,
        "battery_type": BATTERY_TYPE,
        "battery_confirmed": battery_confirmed,
        "battery_life_claim": claim,
        "support_url": support_url,
        "model_notes": model_notes,
        "procedures": procedures,
    }


def _mains_model(
    key: str,
    codes: tuple[str, ...],
    name: str,
    kind: DeviceKind,
    *,
    support_url: str,
    procedures: dict[str, ProcedureText],
    aliases: tuple[str, ...] = (),
    model_notes: tuple[str, ...] = (),
) -> ModelText:
    """A model with no battery at all."""
    return {
        "key": key,
        "codes": codes,
        "aliases": aliases,
        "name": name,
        "kind": kind,
        "power": PowerSource.MAINS,
        "battery_count": 0,
        "battery_type": None,
        "battery_confirmed": True,
        "battery_life_claim": None,
        "support_url": support_url,
        "model_notes": model_notes,
        "procedures": procedures,
    }


def _outdoor4_procedures(*, official: bool, sync: _SyncLink) -> dict[str, ProcedureText]:
    """Outdoor 4 steps; also lent to the Outdoor 2K+, for which Blink publishes nothing."""
    return _battery_camera(
        _OUTDOOR4_COVER,
        official=official,
        sync=sync,
        last_try=_INSIDE_BUTTON_FALLBACK,
        reset_notes=(_C_WIRELESS_BUTTON,),
        claim_note=(
            "For the Outdoor 4, 'up to two years' is Blink's claim as quoted by reviewers and "
            "product listings; one reviewer's camera lasted about a year and a half in practice."
        ),
        battery_notes=_OUTDOOR4_NOTES,
        label=_OUTDOOR4_LABEL,
    )


def _gen3_procedures() -> dict[str, ProcedureText]:
    """Outdoor and Indoor (3rd Gen) share the screw cover and the battery compartment.

    Blink's page for them is the one that says some mounts carry batteries of their own.
    """
    return {
        **_battery_camera(
            _GEN3_COVER,
            official=True,
            sync="required",
            last_try=_INSIDE_BUTTON_FALLBACK,
            reset_notes=(_C_WIRELESS_BUTTON,),
            claim_note=_CLAIM_FROM_REVIEWS,
            label=_GEN3_LABEL,
        ),
        "accessory_batteries": _accessory_batteries(),
    }


def _xt_procedures(claim_note: str) -> dict[str, ProcedureText]:
    """XT and XT2 share Blink's grey-switch cover text."""
    return _battery_camera(
        _XT_COVER,
        official=True,
        sync="required",
        last_try=_button_fallback(
            "One third-party guide says the XT and XT2 have a reset button near the batteries: "
            "press and hold it for 10-15 seconds until the light flashes red. Blink documents no "
            "such button."
        ),
        reset_notes=(_UNOFFICIAL_COVER_NOTE,),
        claim_note=claim_note,
        label=_XT_LABEL,
    )


_BORROWED_DOORBELL_NOTE = (
    "Blink publishes nothing for this doorbell. The steps are the Video Doorbell (1st gen)'s and "
    "may not match it exactly; Blink's figures (such as the 5-second restart) are not applied."
)

MODELS: tuple[ModelText, ...] = (
    _battery_model(
        "outdoor_4",
        ("sedona",),
        "Outdoor 4",
        claim=_TWO_YEARS,
        support_url=_URL_OUTDOOR4_COVER,
        procedures=_outdoor4_procedures(official=True, sync="required"),
    ),
    _battery_model(
        "outdoor_2k_plus",
        ("sonoran",),
        "Outdoor 2K+",
        aliases=("Outdoor 4 (2K+)",),
        claim=None,
        support_url=BLINK_SUPPORT_HOME,
        procedures=_borrowed(_outdoor4_procedures(official=False, sync="optional"), "Outdoor 4"),
        battery_confirmed=False,
        model_notes=(
            (
                "The Blink app knows this code, and one developer who owns the camera calls it "
                "'Outdoor 4 (2K+)', but no Blink page describes it. The steps are the Outdoor 4's "
                "and may not match exactly; the app does not require a Sync Module for it."
            ),
        ),
    ),
    _battery_model(
        "outdoor_3",
        ("catalina",),
        "Outdoor (3rd Gen)",
        aliases=("Outdoor 3", "Outdoor gen 3"),
        claim=_TWO_YEARS,
        support_url=_URL_COVER_ALL_MODELS,
        procedures=_gen3_procedures(),
    ),
    _battery_model(
        "indoor_3",
        ("catalina_indoor",),
        "Indoor (3rd Gen)",
        aliases=("Indoor (Gen 2)", "Indoor gen 2", "Indoor 3"),
        claim=None,
        support_url=_URL_COVER_ALL_MODELS,
        procedures=_gen3_procedures(),
        model_notes=(
            _C_INDOOR_NAME,
            # For developers: its code is 'catalina_indoor'; the reference suspects 'catalina'.
            (
                "The Blink app lists this camera under its own product code; one API reference "
                "suspects it may also identify itself as an Outdoor (3rd Gen), whose steps are the "
                "same."
            ),
        ),
    ),
    _battery_model(
        "indoor_1",
        ("white",),
        "Indoor (gen 1)",
        aliases=("Blink Indoor (original)", "Indoor gen 1", "Indoor (1st Gen)"),
        claim="up to one year",
        support_url=_URL_COVER_ALL_MODELS,
        procedures=_battery_camera(
            _INDOOR1_COVER,
            official=True,
            sync="required",
            last_try=(
                "No source, Blink's or anyone else's, describes a reset button on this camera, "
                "so there is nothing to hold and no light to watch for."
            ),
            reset_notes=(),
            claim_note="The 'up to one year' claim for the original Blink camera is reported by "
            "a third-party site.",
        ),
    ),
    _battery_model(
        "xt",
        ("xt",),
        "XT",
        claim=_TWO_YEARS,
        support_url=_URL_COVER_ALL_MODELS,
        procedures=_xt_procedures(
            "The 'up to two years' claim for the XT is reported by a third-party site."
        ),
    ),
    _battery_model(
        "xt2",
        ("xt2",),
        "XT2",
        claim=_TWO_YEARS,
        support_url=_URL_COVER_ALL_MODELS,
        procedures=_xt_procedures(_CLAIM_FROM_REVIEWS),
    ),
    _mains_model(
        "mini",
        ("owl",),
        "Mini",
        DeviceKind.MINI,
        aliases=("Mini Pan-Tilt",),
        support_url=BLINK_SUPPORT_HOME,
        procedures=_mini(),
        model_notes=(
            (
                "The Mini has no battery: it runs from a 5 V USB adapter. The Mini Pan-Tilt is a "
                "Mini on a motorised mount and reports the same code."
            ),
        ),
    ),
    _mains_model(
        "mini_2",
        ("hawk",),
        "Mini 2",
        DeviceKind.MINI,
        support_url=BLINK_SUPPORT_HOME,
        procedures=_borrowed(_mini(), "Mini"),
        model_notes=(
            (
                "The Blink app counts this code among the Minis (Mini 2); one pending blinkpy "
                "change calls it the 'Blink Arc' instead. This catalog follows the app. Blink "
                "publishes no care steps for it; the third-party guides treat it like the Mini."
            ),
        ),
    ),
    _mains_model(
        "mini_2k_plus",
        ("chickadee",),
        "Mini 2K+",
        DeviceKind.MINI,
        support_url=BLINK_SUPPORT_HOME,
        procedures=_borrowed(_mini(), "Mini"),
        model_notes=(
            (
                "The Blink app counts this model among the Minis, and one third-party library "
                "lists it as not battery-powered. No source describes its reset or lights; the "
                "steps are the Mini's."
            ),
        ),
    ),
    _battery_model(
        "video_doorbell",
        ("lotus",),
        "Video Doorbell",
        kind=DeviceKind.DOORBELL,
        claim=None,
        support_url=_URL_DOORBELL_LEDS,
        procedures=_doorbell(official=True),
        model_notes=(
            (
                "Two case designs exist (open battery bay, or a weatherproof battery cover); both "
                "are the same model, and the steps cover both."
            ),
        ),
    ),
    _battery_model(
        "video_doorbell_2",
        ("tulip",),
        "Video Doorbell (2nd Gen)",
        kind=DeviceKind.DOORBELL,
        claim=None,
        support_url=BLINK_SUPPORT_HOME,
        procedures=_borrowed(_doorbell(official=False), "Video Doorbell"),
        battery_confirmed=False,
        model_notes=(
            (
                "The Blink app treats this code as a doorbell; its marketed name comes from one "
                "user report and is unconfirmed."
            ),
            _BORROWED_DOORBELL_NOTE,
        ),
    ),
    _battery_model(
        "battery_doorbell_2k_plus",
        ("orchid",),
        "Battery Doorbell 2K+",
        kind=DeviceKind.DOORBELL,
        claim=None,
        support_url=BLINK_SUPPORT_HOME,
        procedures=_borrowed(_doorbell(official=False), "Video Doorbell"),
        battery_confirmed=False,
        model_notes=(
            "The name comes from one user report and is unconfirmed.",
            _BORROWED_DOORBELL_NOTE,
        ),
    ),
    _mains_model(
        "wired_floodlight",
        ("superior",),
        "Wired Floodlight Camera",
        DeviceKind.FLOODLIGHT,
        aliases=("Wired Floodlight",),
        support_url=BLINK_SUPPORT_HOME,
        procedures=_wired_floodlight(),
        model_notes=(
            (
                "Sold in the US only. It has no battery; it is wired into the house supply. Not to "
                "be confused with the battery Floodlight mount for Outdoor cameras, which is an "
                "accessory with batteries of its own."
            ),
        ),
    ),
    _mains_model(
        "sync_module_1",
        ("sm1",),
        "Sync Module (1st Gen)",
        DeviceKind.SYNC_MODULE,
        aliases=("Sync Module 1", "Sync Module (gen 1)"),
        support_url=_URL_SYNC_MODULE_LEDS,
        procedures=_sync_module(charted=True, reset_named=False, storage=None),
    ),
    _mains_model(
        "sync_module_2",
        ("sm2", "vinnie", "billy"),
        "Sync Module 2",
        DeviceKind.SYNC_MODULE,
        support_url=_URL_SYNC_MODULE_LEDS,
        procedures=_sync_module(charted=True, reset_named=True, storage="sync_module_2"),
        # For developers, never shown: the module reports type 'sm2' with subtype 'vinnie';
        # the rarer subtype 'billy' is a later Sync Module 2 to one source (blinkpy #865) and a
        # possible Core to another (blink-models.md §2.14). Users read the note in plain words.
        model_notes=(
            (
                "Blink's cloud reports some modules under a second, rarer internal name that one "
                "source takes for a later Sync Module 2 and another for a possible Sync Module "
                "Core; this catalog treats those modules as a Sync Module 2."
            ),
        ),
    ),
    _mains_model(
        "sync_module_xr",
        (),
        "Sync Module XR",
        DeviceKind.SYNC_MODULE,
        support_url=_URL_SYNC_MODULE_XR_FAQ,
        procedures=_sync_module(charted=False, reset_named=True, storage="sync_module_xr"),
        model_notes=(
            (
                "Blink's API code for this module is unconfirmed, so it is only found by name. It "
                "stores clips on a microSD card. The steps are those of the other Sync Modules."
            ),
        ),
    ),
    _mains_model(
        "sync_module_core",
        (),
        "Sync Module Core",
        DeviceKind.SYNC_MODULE,
        support_url=BLINK_SUPPORT_HOME,
        procedures=_sync_module(charted=False, reset_named=False, storage="sync_module_core"),
        model_notes=(
            (
                "Blink's API code for this module is unconfirmed, so it is only found by name. It "
                "has no local storage and no Clip Backup. The steps are those of the other Sync "
                "Modules."
            ),
        ),
    ),
)

# Words the sources use for more than one model. Looking one up returns every candidate (by
# key) instead of a guess: Blink's cover page calls the 3rd-gen pair "the Blink Indoor and
# Outdoor camera" yet also names an "Indoor (gen 1)"; a third-party guide's "Blink Outdoor"
# covers the Outdoor 4 and the Outdoor (3rd Gen); "Sync Module" is every module in the guides.
AMBIGUOUS_NAMES: dict[str, tuple[str, ...]] = {
    "Indoor": ("indoor_3", "indoor_1"),
    "Outdoor": ("outdoor_4", "outdoor_3"),
    "Sync Module": ("sync_module_2", "sync_module_xr", "sync_module_core", "sync_module_1"),
    "Doorbell": ("video_doorbell", "video_doorbell_2", "battery_doorbell_2k_plus"),
}

# --- Fallbacks for product codes the catalog does not know ---------------------------------------

_GENERIC_NOTE = (
    "This device's product code is not in the catalog, so these are the steps for its kind of "
    "device; check them against Blink's support site."
)
UNKNOWN_CODE = "unknown"

GENERIC_MODELS: dict[DeviceKind, ModelText] = {
    DeviceKind.CAMERA: _battery_model(
        "generic_camera",
        (),
        "Blink camera ({code})",
        claim=None,
        support_url=BLINK_SUPPORT_HOME,
        procedures=_battery_camera(
            _GENERIC_CAMERA_COVER,
            official=False,
            sync="optional",
            last_try=_INSIDE_BUTTON_FALLBACK,
            reset_notes=(_C_WIRELESS_BUTTON,),
            claim_note="Blink claims up to two years for its recent battery cameras.",
        ),
        model_notes=(_GENERIC_NOTE,),
        battery_confirmed=False,
    ),
    DeviceKind.MINI: _mains_model(
        "generic_mini",
        (),
        "Blink Mini ({code})",
        DeviceKind.MINI,
        support_url=BLINK_SUPPORT_HOME,
        procedures=_borrowed(_mini(), "Mini"),
        model_notes=(_GENERIC_NOTE,),
    ),
    DeviceKind.DOORBELL: _battery_model(
        "generic_doorbell",
        (),
        "Blink doorbell ({code})",
        kind=DeviceKind.DOORBELL,
        claim=None,
        support_url=BLINK_SUPPORT_HOME,
        procedures=_borrowed(_doorbell(official=False), "Video Doorbell"),
        battery_confirmed=False,
        model_notes=(_GENERIC_NOTE, _BORROWED_DOORBELL_NOTE),
    ),
    DeviceKind.FLOODLIGHT: _mains_model(
        "generic_floodlight",
        (),
        "Blink floodlight ({code})",
        DeviceKind.FLOODLIGHT,
        support_url=BLINK_SUPPORT_HOME,
        procedures=_wired_floodlight(),
        model_notes=(_GENERIC_NOTE,),
    ),
    DeviceKind.SYNC_MODULE: _mains_model(
        "generic_sync_module",
        (),
        "Blink Sync Module ({code})",
        DeviceKind.SYNC_MODULE,
        support_url=BLINK_SUPPORT_HOME,
        procedures=_sync_module(charted=False, reset_named=False, storage="generic"),
        model_notes=(
            _GENERIC_NOTE,
            (
                "The Sync Module XR and Sync Module Core have no confirmed product code, so one of "
                "them arrives here. For the steps written for them, look them up by model name: "
                "'Sync Module XR' or 'Sync Module Core'."
            ),
        ),
    ),
}
