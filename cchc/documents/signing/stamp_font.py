"""The stamp's font: a TrueType subset covering Latin and Vietnamese,
embedded as a CID font (pyHanko's own OpenType support needs uharfbuzz,
which the project doesn't install)."""

from __future__ import annotations

import functools
import logging
import unicodedata
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory, ShapeResult

from .signer import SigningError, file_key

logger = logging.getLogger(__name__)

# The stamp's font: the first of these that exists and covers Vietnamese.
# Liberation Serif is metric-compatible with Times New Roman (the face the
# decree asks for) when the machine has it; DejaVu Serif ships with the
# machine image (fonts-dejavu-core) and covers every Vietnamese letter.
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
)

STAMP_FONT_SIZE = 10

_VIETNAMESE_LETTERS = "ĂăÂâĐđÊêÔôƠơƯưĨĩŨũ"
_STAMP_CODEPOINTS = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x100), *map(ord, _VIETNAMESE_LETTERS), *range(0x1EA0, 0x1EFA)]
    + [0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2212]
)


@dataclass(frozen=True)
class _FontAssets:
    """A font subset, ready to embed: everything that doesn't depend on the
    text drawn is computed once per (font file, modification time)."""

    ps_name: str
    program: bytes  # the subset font file, Flate-compressed
    program_length: int
    gid_by_codepoint: dict[int, int]
    width_by_gid: dict[int, int]  # in 1/1000 em
    descriptor: dict


def font_assets() -> _FontAssets:
    """The first candidate font (``settings.CCHC_SIGNING_FONT`` if set, then
    :data:`FONT_CANDIDATES`) that is a TrueType font covering Vietnamese."""
    candidates = [Path(settings.CCHC_SIGNING_FONT)] if settings.CCHC_SIGNING_FONT else []
    # The documents' own face first (installed by the set-up with the
    # front-end packages), then the system's.
    candidates.append(
        Path(settings.NODE_MODULES) / "@expo-google-fonts" / "tinos" / "400Regular" / "Tinos_400Regular.ttf"
    )
    for path in [*candidates, *FONT_CANDIDATES]:
        if path.is_file():
            assets = _load_font_assets(*file_key(path))
            if assets is not None:
                return assets
    raise SigningError(
        _(
            "Không tìm thấy phông chữ TrueType có đủ chữ tiếng Việt để vẽ dấu chữ ký "
            "(cần /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf, gói fonts-dejavu-core)."
        )
    )


@functools.lru_cache(maxsize=4)
def _load_font_assets(path: str, _mtime_ns: int, _size: int) -> _FontAssets | None:
    """The subset of one font file, or None if it can't serve (not
    TrueType outlines, or Vietnamese letters missing)."""
    from fontTools import subset, ttLib

    try:
        font = ttLib.TTFont(path, lazy=False)
        cmap = font.getBestCmap() or {}
    except Exception:  # an unreadable font file is skipped, the next candidate is tried
        logger.warning("Font %s cannot be read", path, exc_info=True)
        return None
    if "glyf" not in font or any(ord(c) not in cmap for c in _VIETNAMESE_LETTERS):
        logger.warning("Font %s is not TrueType or lacks Vietnamese letters", path)
        return None
    ps_name = next(
        (rec.toUnicode() for rec in font["name"].names if rec.nameID == 6), Path(path).stem
    ).replace(" ", "")
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GPOS", "GSUB", "GDEF", "MATH", "gasp", "FFTM", "DSIG"]
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=_STAMP_CODEPOINTS)
    # fontTools reports every subsetting step at INFO; once per font file is
    # still noise in the worker's log.
    subset_logger = logging.getLogger("fontTools.subset")
    level = subset_logger.level
    subset_logger.setLevel(logging.WARNING)
    try:
        subsetter.subset(font)
    finally:
        subset_logger.setLevel(level)

    units = font["head"].unitsPerEm
    glyph_order = font.getGlyphOrder()
    gid_of = {name: gid for gid, name in enumerate(glyph_order)}
    gid_by_codepoint = {cp: gid_of[name] for cp, name in font.getBestCmap().items()}
    hmtx = font["hmtx"]
    width_by_gid = {gid: round(hmtx[name][0] * 1000 / units) for name, gid in gid_of.items()}

    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    scale = 1000 / units
    descriptor = {
        "/Ascent": round(hhea.ascent * scale),
        "/Descent": round(hhea.descent * scale),
        "/CapHeight": round(getattr(os2, "sCapHeight", 0) * scale) or round(hhea.ascent * scale),
        "/FontBBox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "/ItalicAngle": float(getattr(font["post"], "italicAngle", 0)),
        "/StemV": int(10 + 220 * (os2.usWeightClass - 50) / 900),
        # Serif, nonsymbolic.
        "/Flags": 0b100010,
    }
    buffer = BytesIO()
    font.save(buffer)
    program = buffer.getvalue()
    return _FontAssets(
        ps_name=ps_name,
        program=zlib.compress(program, 6),
        program_length=len(program),
        gid_by_codepoint=gid_by_codepoint,
        width_by_gid=width_by_gid,
        descriptor=descriptor,
    )


class _SubsetFontEngine(FontEngine):
    """A pyHanko font engine for a cached TrueType subset: one glyph per
    character (no shaping), Identity-H encoding, a ToUnicode map so that the
    stamp's text can be extracted and searched."""

    def __init__(self, writer, assets: _FontAssets, font_size: int):
        self.assets = assets
        super().__init__(writer, assets.ps_name, embedded_subset=True, font_size=font_size)
        self._font_ref = writer.allocate_placeholder()
        self._used: dict[int, str] = {}
        self._written = False

    @property
    def uses_complex_positioning(self):
        return False

    def shape(self, txt: str) -> ShapeResult:
        txt = unicodedata.normalize("NFC", txt)
        gids = []
        advance = 0
        for char in txt:
            gid = self.assets.gid_by_codepoint.get(ord(char), 0)
            gids.append(gid)
            if gid:
                self._used.setdefault(gid, char)
            advance += self.assets.width_by_gid.get(gid, 0)
        ops = b"<" + "".join(f"{gid:04x}" for gid in gids).encode("ascii") + b"> Tj"
        return ShapeResult(graphics_ops=ops, x_advance=advance / 1000, y_advance=0)

    def as_resource(self):
        return self._font_ref

    def prepare_write(self):
        if self._written:
            return
        self._written = True
        writer, assets = self.writer, self.assets
        name = f"{self.subset_prefix}+{assets.ps_name}"
        program = generic.StreamObject(
            {
                "/Filter": generic.NameObject("/FlateDecode"),
                "/Length1": generic.NumberObject(assets.program_length),
            },
            encoded_data=assets.program,
        )
        descriptor = generic.DictionaryObject(
            {
                "/Type": generic.NameObject("/FontDescriptor"),
                "/FontName": generic.NameObject("/" + name),
                "/FontFile2": writer.add_object(program),
            }
        )
        for key, value in assets.descriptor.items():
            if isinstance(value, list):
                descriptor[key] = generic.ArrayObject(generic.NumberObject(v) for v in value)
            elif isinstance(value, float):
                descriptor[key] = generic.FloatObject(value)
            else:
                descriptor[key] = generic.NumberObject(value)
        used = sorted(self._used) or [0]
        widths = generic.ArrayObject()
        for gid in used:
            widths.append(generic.NumberObject(gid))
            widths.append(generic.ArrayObject([generic.NumberObject(assets.width_by_gid.get(gid, 0))]))
        cid_font = generic.DictionaryObject(
            {
                "/Type": generic.NameObject("/Font"),
                "/Subtype": generic.NameObject("/CIDFontType2"),
                "/BaseFont": generic.NameObject("/" + name),
                "/CIDSystemInfo": generic.DictionaryObject(
                    {
                        "/Registry": generic.pdf_string("Adobe"),
                        "/Ordering": generic.pdf_string("Identity"),
                        "/Supplement": generic.NumberObject(0),
                    }
                ),
                "/FontDescriptor": writer.add_object(descriptor),
                "/CIDToGIDMap": generic.NameObject("/Identity"),
                "/W": widths,
            }
        )
        type0 = generic.DictionaryObject(
            {
                "/Type": generic.NameObject("/Font"),
                "/Subtype": generic.NameObject("/Type0"),
                "/BaseFont": generic.NameObject("/" + name),
                "/Encoding": generic.NameObject("/Identity-H"),
                "/DescendantFonts": generic.ArrayObject([writer.add_object(cid_font)]),
                "/ToUnicode": writer.add_object(self._to_unicode()),
            }
        )
        writer.add_object(type0, idnum=self._font_ref.idnum)

    def _to_unicode(self) -> generic.StreamObject:
        entries = sorted(self._used.items())
        lines = [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<0000> <FFFF>",
            "endcodespacerange",
        ]
        for start in range(0, len(entries), 100):
            chunk = entries[start : start + 100]
            lines.append(f"{len(chunk)} beginbfchar")
            lines.extend(f"<{gid:04x}> <{char.encode('utf-16-be').hex()}>" for gid, char in chunk)
            lines.append("endbfchar")
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        stream = generic.StreamObject(stream_data="\n".join(lines).encode("ascii"))
        stream.compress()
        return stream


@dataclass(frozen=True)
class SubsetFontFactory(FontEngineFactory):
    assets: _FontAssets
    font_size: int = STAMP_FONT_SIZE

    def create_font_engine(self, writer, obj_stream=None):
        return _SubsetFontEngine(writer, self.assets, self.font_size)

    def text_width(self, text: str, font_size: float) -> float:
        text = unicodedata.normalize("NFC", text)
        assets = self.assets
        units = sum(assets.width_by_gid.get(assets.gid_by_codepoint.get(ord(c), 0), 0) for c in text)
        return units * font_size / 1000
