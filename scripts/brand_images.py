"""Draw blink_care's brand icons into ``custom_components/blink_care/brand/``.

Home Assistant 2026.3+ serves a custom integration's icon from that folder, so the
artwork lives in code: anyone can review the design and regenerate the PNGs exactly.

Pillow is only needed here, not by the integration, so it is not a project requirement.
Run it with a throwaway Pillow on the host, or in the project environment (its virtualenv
already has Pillow); both give byte-identical files::

    pip install --target /tmp/pillow pillow
    PYTHONPATH=/tmp/pillow python3 scripts/brand_images.py

    source scripts/_env.sh && in_env python scripts/brand_images.py

The design is original (no Blink or Amazon marks): a rounded-square camera with a
lens, and a round badge holding a battery with a heartbeat line, for "battery care".
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

REPO_ROOT = Path(__file__).resolve().parent.parent
BRAND_DIR = REPO_ROOT / "custom_components" / "blink_care" / "brand"

# Drawing happens at this multiple of the output size and is then averaged down,
# because ImageDraw itself does not anti-alias.
SUPERSAMPLE = 8

TRANSPARENT = (0, 0, 0, 0)
CAMERA_BODY = (14, 116, 144, 255)  # teal-blue
LENS_GLASS = (12, 45, 62, 255)  # deep navy
CARE_BADGE = (244, 99, 78, 255)  # warm coral
WHITE = (255, 255, 255, 255)

# Geometry in fractions of the canvas side, so every size is the same drawing.
BODY_SIDE = 0.84
BODY_RADIUS = 0.21
LENS_RING_RADIUS = 0.205
LENS_GLASS_RADIUS = 0.14
GLINT_OFFSET = 0.05
GLINT_RADIUS = 0.032
LED_RADIUS = 0.026
BADGE_RADIUS = 0.235
BADGE_GAP = 0.04
STROKE = 0.024

Point = tuple[float, float]
Colour = tuple[int, int, int, int]


class Canvas:
    """A supersampled RGBA drawing surface addressed in canvas fractions (0..1)."""

    def __init__(self, size: int) -> None:
        """Start a transparent canvas that will be reduced to ``size`` pixels."""
        self.size = size
        self.scale = size * SUPERSAMPLE
        self.image = Image.new("RGBA", (self.scale, self.scale), TRANSPARENT)
        self.draw = ImageDraw.Draw(self.image)

    def px(self, fraction: float) -> float:
        """Convert a canvas fraction to supersampled pixels."""
        return fraction * self.scale

    def box(self, left: float, top: float, right: float, bottom: float) -> list[float]:
        """Convert a box given in fractions to pixel coordinates."""
        return [self.px(left), self.px(top), self.px(right), self.px(bottom)]

    def circle(self, centre: Point, radius: float, colour: Colour) -> None:
        """Fill a circle; a transparent colour punches a hole instead."""
        x, y = centre
        self.draw.ellipse(self.box(x - radius, y - radius, x + radius, y + radius), fill=colour)

    def rounded_rect(
        self,
        box: tuple[float, float, float, float],
        radius: float,
        fill: Colour | None = None,
        outline: Colour | None = None,
    ) -> None:
        """Fill and/or outline a rounded rectangle with a stroke of width ``STROKE``."""
        self.draw.rounded_rectangle(
            self.box(*box),
            radius=self.px(radius),
            fill=fill,
            outline=outline,
            width=round(self.px(STROKE)) if outline else 0,
        )

    def polyline(self, points: list[Point], colour: Colour) -> None:
        """Stroke a line with rounded joints and caps, like a drawn pen line."""
        pixels = [(self.px(x), self.px(y)) for x, y in points]
        self.draw.line(pixels, fill=colour, width=round(self.px(STROKE)), joint="curve")
        for end in (points[0], points[-1]):
            self.circle(end, STROKE / 2, colour)

    def finish(self) -> Image.Image:
        """Average the supersampled drawing down to the output size."""
        return self.image.resize((self.size, self.size), Image.Resampling.BOX)


def draw_camera(canvas: Canvas) -> None:
    """Draw the camera (body, lens, status light), filling the top-left of the canvas."""
    canvas.rounded_rect((0, 0, BODY_SIDE, BODY_SIDE), BODY_RADIUS, fill=CAMERA_BODY)
    centre = (BODY_SIDE / 2, BODY_SIDE / 2 - 0.02)
    canvas.circle(centre, LENS_RING_RADIUS, WHITE)
    canvas.circle(centre, LENS_GLASS_RADIUS, LENS_GLASS)
    glint = (centre[0] - GLINT_OFFSET, centre[1] - GLINT_OFFSET)
    canvas.circle(glint, GLINT_RADIUS, WHITE)
    canvas.circle((BODY_SIDE / 2, 0.085), LED_RADIUS, WHITE)


def draw_care_badge(canvas: Canvas) -> None:
    """Draw the battery-with-heartbeat badge over the camera's bottom-right corner.

    A transparent ring is cut around the badge first so it stays distinct from the
    camera on any background, light or dark.
    """
    centre = (1 - BADGE_RADIUS, 1 - BADGE_RADIUS)
    canvas.circle(centre, BADGE_RADIUS + BADGE_GAP, TRANSPARENT)
    canvas.circle(centre, BADGE_RADIUS, CARE_BADGE)

    cx, cy = centre
    half_width, half_height = 0.13, 0.08
    shift = 0.014  # the terminal sticks out right, so nudge the cell left to look centred
    cell = (cx - half_width - shift, cy - half_height, cx + half_width - shift, cy + half_height)
    canvas.rounded_rect(cell, 0.028, fill=WHITE)
    terminal = (cell[2] + 0.008, cy - 0.032, cell[2] + 0.03, cy + 0.032)
    canvas.rounded_rect(terminal, 0.01, fill=WHITE)

    left, right = cell[0] + 0.03, cell[2] - 0.03
    mid = (left + right) / 2
    beat = 0.042
    canvas.polyline(
        [
            (left, cy),
            (mid - 0.05, cy),
            (mid - 0.02, cy - beat),
            (mid + 0.02, cy + beat),
            (mid + 0.05, cy),
            (right, cy),
        ],
        CARE_BADGE,
    )


def draw_icon(size: int) -> Image.Image:
    """Render the full icon at ``size`` x ``size`` pixels."""
    canvas = Canvas(size)
    draw_camera(canvas)
    draw_care_badge(canvas)
    return canvas.finish()


def main() -> None:
    """Write icon.png (256 px) and icon@2x.png (512 px)."""
    BRAND_DIR.mkdir(parents=True, exist_ok=True)
    for name, size in (("icon.png", 256), ("icon@2x.png", 512)):
        path = BRAND_DIR / name
        draw_icon(size).save(path, optimize=True)
        print(f"{path.relative_to(REPO_ROOT)}: {size}x{size}, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
