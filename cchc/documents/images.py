"""Signature and seal images: the checks an uploaded image must pass (from
:mod:`cchc.images`), and the clearly marked demonstration images drawn by
code.

A signer's signature is a blue image on a transparent background; a body's
seal is a red image on a transparent background, printed at its actual size
(Nghị định 30/2020, Phụ lục I: the organisation's signature shows the seal
over a third of the person's signature, on the left).
"""

from __future__ import annotations

import math
from io import BytesIO
from pathlib import Path

from ..images import MAX_IMAGE_BYTES, check_transparent_png  # noqa: F401 - the checks live in the kernel

DEMO_MARK = "MẪU DEMO"


def _font(size: int):
    from django.conf import settings
    from PIL import ImageFont

    from .signing.stamp_font import FONT_CANDIDATES

    tinos = (
        Path(settings.NODE_MODULES) / "@expo-google-fonts" / "tinos" / "400Regular" / "Tinos_400Regular.ttf"
    )
    for path in (tinos, *FONT_CANDIDATES):
        if Path(path).is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def demo_signature_png(name: str) -> bytes:
    """A blue, transparent demonstration signature: a flourish, the name
    and "MẪU DEMO" across it. Clearly not anybody's signature."""
    from PIL import Image, ImageDraw

    width, height = 600, 240
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    blue = (20, 40, 170, 255)
    points = [(40 + x, 120 + 45 * math.sin(x / 38) * math.exp(-x / 700)) for x in range(0, 520, 4)]
    draw.line(points, fill=blue, width=6, joint="curve")
    draw.text((60, 160), name, fill=blue, font=_font(34))
    draw.text((150, 20), DEMO_MARK, fill=(20, 40, 170, 200), font=_font(48))
    output = BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def demo_seal_png(name: str) -> bytes:
    """A red, transparent demonstration seal: two rings, the body's name
    and "MẪU DEMO" in the middle. Clearly not a real seal."""
    from PIL import Image, ImageDraw

    side = 480
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (210, 20, 20, 230)
    draw.ellipse((8, 8, side - 8, side - 8), outline=red, width=14)
    draw.ellipse((70, 70, side - 70, side - 70), outline=red, width=5)
    font = _font(30)
    for index, line in enumerate(_lines(name.upper(), 18)[:3]):
        box = draw.textbbox((0, 0), line, font=font)
        draw.text(((side - (box[2] - box[0])) / 2, 150 + index * 40), line, fill=red, font=font)
    big = _font(50)
    box = draw.textbbox((0, 0), DEMO_MARK, font=big)
    draw.text(((side - (box[2] - box[0])) / 2, 290), DEMO_MARK, fill=red, font=big)
    output = BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def _lines(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines
