"""The visible stamp of a signature made on the server: its two styles (the
organisation's signature on a document, the number and time on an
appendix) and where it goes on the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStamp, TextStampStyle

from .stamp_font import STAMP_FONT_SIZE, SubsetFontFactory

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: The id of the signing block's blank space in the official templates: the
#: stamp of a signature made on the server goes there.
SIGNATURE_ANCHOR = "signature-space"
STAMP_LEADING = 12
MM = 72 / 25.4

# pyHanko formats the signing time (its own clock, the one it puts in the
# signed attributes) with the style's timestamp_format; we ask for a format
# we can read back, and write it in Vietnam's time.
_MACHINE_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"


@dataclass(frozen=True)
class _VietnamStampStyle(TextStampStyle):
    vietnam_time_format: str = "%H:%M %d/%m/%Y"

    def create_stamp(self, writer, box, text_params):
        params = dict(text_params)
        signed_at = dt.datetime.strptime(params["ts"], _MACHINE_TIME_FORMAT).astimezone(VIETNAM_TZ)
        params["ts"] = _format_vietnam_time(signed_at, self.vietnam_time_format)
        return TextStamp(writer=writer, style=self, box=box, text_params=params)


def _format_vietnam_time(value: dt.datetime, fmt: str) -> str:
    if fmt == "iso":
        # ISO 8601 with Vietnam's offset, as the decree asks for an
        # appendix's stamp: 2019-11-08T16:45:30+07:00.
        return value.replace(microsecond=0).isoformat()
    return value.strftime(fmt)


_NO_SCALING_TOP_LEFT = layout.SimpleBoxLayoutRule(
    x_align=layout.AxisAlignment.ALIGN_MIN,
    y_align=layout.AxisAlignment.ALIGN_MAX,
    margins=layout.Margins.uniform(0),
    inner_content_scaling=layout.InnerScaling.NO_SCALING,
)

# Signature stamp (the organisation's signature on the main document): the
# text in blue, 10 pt, in a thin frame.
# Nghị định 30/2020, Phụ lục I: the organisation's signature shows the
# organisation's name (from its certificate) and the signing time, with
# seconds and Vietnam's offset in ISO 8601; no person's name (the
# certificate is the organisation's).
_SIGNATURE_TEMPLATE = "%(organisation)s\n%(ts)s"
SIGNATURE_PADDING = 4
SIGNATURE_DEFAULT_WIDTH = 220.0
# Appendix stamp (Nghị định 30/2020, Phụ lục I): top right of the first page,
# no image; number and symbol and the signing time, 10 pt, black.
_APPENDIX_TEMPLATE = "%(number_symbol)s\n%(ts)s"
APPENDIX_PADDING = 1


def _text_box(factory: SubsetFontFactory, color: tuple[float, float, float]) -> TextBoxStyle:
    """The stamp's text: the document face at 10 pt, never scaled."""
    return TextBoxStyle(
        font=factory,
        font_size=STAMP_FONT_SIZE,
        leading=STAMP_LEADING,
        box_layout_rule=_NO_SCALING_TOP_LEFT,
        text_color=color,
    )


def signature_style(factory: SubsetFontFactory, *, fit: bool) -> _VietnamStampStyle:
    return _VietnamStampStyle(
        stamp_text=_SIGNATURE_TEMPLATE,
        timestamp_format=_MACHINE_TIME_FORMAT,
        vietnam_time_format="iso",
        border_width=1,
        border_color=(0.0, 0.0, 0.7),
        background=None,
        text_box_style=_text_box(factory, (0.0, 0.0, 0.7)),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(SIGNATURE_PADDING),
            # A box the caller chose may be too small: shrink rather than
            # spill; the default box is made to fit, so the text stays 10 pt.
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT
            if fit
            else layout.InnerScaling.NO_SCALING,
        ),
    )


def appendix_style(factory: SubsetFontFactory) -> _VietnamStampStyle:
    return _VietnamStampStyle(
        stamp_text=_APPENDIX_TEMPLATE,
        timestamp_format=_MACHINE_TIME_FORMAT,
        vietnam_time_format="iso",
        border_width=0,
        background=None,
        text_box_style=_text_box(factory, (0.0, 0.0, 0.0)),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(APPENDIX_PADDING),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )


def page_size(writer: IncrementalPdfFileWriter, page: int) -> tuple[float, float, float, float]:
    page_ref, _resources = writer.find_page_for_modification(page)
    page_obj = page_ref.get_object()
    box = page_obj.get("/CropBox") or _inherited(page_obj, "/MediaBox")
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _page_index(writer: IncrementalPdfFileWriter, page_ref) -> int | None:
    """The index of the page ``page_ref`` points to, found with pyHanko's
    own page lookup (the one signing uses to place the field)."""
    for index in range(int(writer.root["/Pages"]["/Count"])):
        ref, _resources = writer.find_page_for_modification(index)
        if ref.idnum == page_ref.idnum:
            return index
    return None


def named_destination(writer: IncrementalPdfFileWriter, name: str) -> tuple[int, float, float] | None:
    """(page index, x, y) of the named destination ``name``, which
    WeasyPrint writes for every element with an ``id``; None without it."""
    names = writer.root.get("/Names")
    tree = names.get("/Dests") if names is not None else None
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        stack.extend(node.get("/Kids") or [])
        pairs = node.get("/Names") or []
        for index in range(0, len(pairs) - 1, 2):
            if str(pairs[index]) != name:
                continue
            destination = pairs[index + 1]
            destination = destination.get_object() if hasattr(destination, "get_object") else destination
            if isinstance(destination, dict):
                destination = destination.get("/D")
            page_ref = destination.raw_get(0) if hasattr(destination, "raw_get") else destination[0]
            index = _page_index(writer, page_ref)
            if index is not None and str(destination[1]) == "/XYZ":
                return index, float(destination[2]), float(destination[3])
    return None


def _inherited(page_obj, key):
    node = page_obj
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return [0, 0, 595.28, 841.89]  # A4


def composite_image(
    *, width_mm: float, height_mm: float, signature: bytes | None, seal: bytes | None, seal_mm: float
):
    """The picture of the organisation's visible signature (Nghị định
    30/2020, Phụ lục I), at actual size (10 pixels a millimetre): the
    competent person's signature (blue) in the middle of the signing block
    and the seal (red) over the left third of it. Both are transparent
    PNGs; None when there is neither."""
    from io import BytesIO

    from PIL import Image

    if not signature and not seal:
        return None
    scale = 10
    canvas = Image.new("RGBA", (round(width_mm * scale), round(height_mm * scale)), (0, 0, 0, 0))
    sig_left = canvas.width * 0.22
    sig_width = canvas.width * 0.5
    if signature:
        image = Image.open(BytesIO(signature)).convert("RGBA")
        ratio = min(sig_width / image.width, canvas.height * 0.6 / image.height)
        image = image.resize((max(1, round(image.width * ratio)), max(1, round(image.height * ratio))))
        sig_width = image.width
        canvas.alpha_composite(image, (round(sig_left), round(canvas.height * 0.05)))
    if seal:
        side = round(min(seal_mm, height_mm) * scale)
        image = Image.open(BytesIO(seal)).convert("RGBA").resize((side, side))
        # The seal's right edge at a third of the signature: it covers the
        # signature's left third.
        x = max(0, round(sig_left + sig_width / 3 - side))
        canvas.alpha_composite(image, (x, round((canvas.height - side) / 2)))
    return canvas


def image_signature_style(factory: SubsetFontFactory, picture) -> _VietnamStampStyle:
    """The organisation's signature with the picture of
    :func:`composite_image` behind it and its name and signing time at the
    bottom right, 10 pt, black, no frame."""
    from pyhanko.pdf_utils.images import PdfImage

    return _VietnamStampStyle(
        stamp_text=_SIGNATURE_TEMPLATE,
        timestamp_format=_MACHINE_TIME_FORMAT,
        vietnam_time_format="iso",
        border_width=0,
        background=PdfImage(picture),
        background_opacity=1.0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
        text_box_style=_text_box(factory, (0.0, 0.0, 0.0)),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins.uniform(1),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )
