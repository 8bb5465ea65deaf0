"""Digital signatures on official documents (PAdES).

Two ways to get a signed copy of an issued PDF (DESIGN.md, "Signing"):

- on the server, :func:`sign_pdf` adds a PAdES baseline B-B signature made
  with the organisation's certificate (a PKCS#12 file and its password,
  configured by the administrator) and a visible stamp in Vietnamese;
- outside the app, the competent person signs the issued PDF with a USB
  token through the Government Cipher Committee's tool, then the records
  office (văn thư) adds the organisation's signature, and the office uploads
  the result; :func:`verify_signed_upload` keeps it only if it is the issued
  file byte for byte followed by one or more incremental updates, each adding
  a signature (or only validation data, DSS/VRI), every signature intact and
  chaining to a root the administrator configured, and nothing after the
  issued bytes changing what the pages show.

Signing never rewrites a file: it returns new bytes (the issued bytes plus an
incremental update) and the caller stores them as a file of their own.

Limits, on purpose:

- no timestamp server is called (B-B, not B-T): the signing time is the one
  the server's clock puts in the signed attributes;
- no network during verification (``allow_fetching=False``): revocation is
  checked only against what the file itself carries, and missing revocation
  information is a soft failure (accepted). A certificate revoked by its CA is
  therefore only caught when the uploaded file embeds the CRL or OCSP
  response that says so;
- a certificate is checked at the time of the upload (not at the signing
  time, even when a trusted timestamp would vouch for it), so a file signed
  with a certificate that has expired since is refused as expired;
- a file signed outside may add at most :data:`MAX_SIGNED_REVISIONS`
  revisions to the issued file. The first must hold a signature (or a
  document timestamp) and change nothing but adding it: the form, the
  signature widget and its appearance, the metadata (checked here, object by
  object: pyHanko's difference analysis needs a form in the base revision,
  which the issued file doesn't have). Every later revision is judged by
  pyHanko's difference analysis (its standard policy): from each signature on,
  nothing beyond filling in or adding signature fields (ModificationLevel
  FORM_FILLING) and validation data; a revision that holds no signature may
  only add validation data (LTA_UPDATES); the DocMDP and field locks of the
  signatures are obeyed. A revision that only prepares an empty signature
  field is refused;
- a document timestamp's or a signature timestamp's authority must chain to
  a configured root too (pyHanko's bottom line);
- the signers and signing times reported for an upload are those the
  signatures claim (their certificates' subjects, their signing-time
  attributes; a document timestamp's time);
- the stamp's text is drawn with an embedded TrueType font (a subset covering
  Latin and Vietnamese), without OpenType shaping or kerning (pyHanko's own
  OpenType support needs uharfbuzz, which the project doesn't install):
  Vietnamese is written with precomposed letters (text is NFC-normalised
  first), which the fonts used here all have. Rotated pages (/Rotate) are
  not taken into account when placing the stamp.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import os
import threading
import unicodedata
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.api import FontEngine, FontEngineFactory, ShapeResult
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, SuspiciousModification
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStamp, TextStampStyle
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

DEMO_ROOT_NAME = "cchc demo root — not for production"
DEMO_P12_FILE = "demo-signer.p12"
DEMO_ROOT_FILE = "demo-root.pem"
DEMO_VALIDITY = dt.timedelta(days=5 * 365 + 1)

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
#: The id of the signing block's blank space in the official templates: the
#: stamp of a signature made on the server goes there.
SIGNATURE_ANCHOR = "signature-space"
STAMP_LEADING = 12
MM = 72 / 25.4

SIGNATURE_FIELD_PREFIX = "ChuKySoCoQuan"

StampStyleName = Literal["signature", "appendix"]


class SigningError(Exception):
    """Signing on the server failed; the message (Vietnamese) says why."""


@dataclass(frozen=True)
class SignerInfo:
    """One signature of a signed file, as the document records it: who signed
    (the certificate's subject: common name and organisation), when (the
    signing time the signature claims; a document timestamp's time), and
    whether it is a signature or a document timestamp."""

    kind: Literal["signature", "timestamp"]
    name: str
    organisation: str = ""
    certificate: str = ""  # describe_certificate(): subject, issuer, serial number
    signed_at: dt.datetime | None = None
    field: str = ""
    issuer: str = ""  # the issuing CA's common name
    serial: str = ""  # the certificate's serial number, in hexadecimal

    def as_record(self) -> dict:
        """A JSON-serialisable dict (for ``OfficialDocument.signatures``)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "organisation": self.organisation,
            "certificate": self.certificate,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "field": self.field,
            "issuer": self.issuer,
            "serial": self.serial,
        }


@dataclass(frozen=True)
class SignatureCheck:
    """What :func:`verify_signed_upload` found. ``reason`` is the refusal in
    Vietnamese (in the active language), empty when ``ok``. ``signer`` and
    ``signed_at`` name the signature refused, or, when ``ok``, every signer
    (``; ``-separated) and the last signing time; ``signatures`` lists every
    signature of an accepted file, in signing order."""

    ok: bool
    reason: str = ""
    signer: str = ""
    signed_at: dt.datetime | None = None
    signatures: tuple[SignerInfo, ...] = ()


# --------------------------------------------------------------------------
# Demonstration certificate
# --------------------------------------------------------------------------


def create_demo_certificate(
    *,
    directory: Path,
    organisation: str,
    password: str,
    common_name: str | None = None,
    p12_path: Path | None = None,
    root_path: Path | None = None,
    root_key_path: Path | None = None,
) -> tuple[Path, Path]:
    """Create a self-signed demonstration root and a signer certificate it
    issued, for ``organisation``: ``demo-signer.p12`` (key, certificate and
    chain, protected by ``password``) and ``demo-root.pem`` in ``directory``
    (or at ``p12_path`` / ``root_path``). Never for production.

    With ``root_key_path``, the root's private key is also written there
    (PEM, encrypted with ``password``), so that other demonstration signers
    can be issued under the same root (a person's certificate beside the
    organisation's, in tests and demonstrations).

    Idempotent: files that exist are kept as they are. Returns
    ``(p12_path, root_path)``."""
    directory = Path(directory)
    p12_path = Path(p12_path) if p12_path else directory / DEMO_P12_FILE
    root_path = Path(root_path) if root_path else directory / DEMO_ROOT_FILE
    if p12_path.exists():
        if not root_path.exists():
            # Recover the root from the chain inside the PKCS#12 file.
            root = _root_from_p12(p12_path, password)
            with contextlib.suppress(FileExistsError):
                _write_file(root_path, root.public_bytes(serialization.Encoding.PEM), mode=0o644)
        return p12_path, root_path
    if root_path.exists():
        raise SigningError(
            _(
                "Đã có chứng thư gốc %(root)s nhưng không có tệp chứng thư ký %(p12)s: "
                "không thể tạo lại chứng thư ký từ chứng thư gốc đó. "
                "Hãy xoá tệp chứng thư gốc minh họa rồi chạy lại."
            )
            % {"root": root_path, "p12": p12_path}
        )
    if not password:
        raise SigningError(_("Cần mật khẩu để bảo vệ tệp chứng thư số minh họa (CCHC_SIGNING_P12_PASSWORD)."))

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    not_before = now - dt.timedelta(minutes=5)
    not_after = now + DEMO_VALIDITY

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_ROOT_NAME),
        ]
    )
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    root_cert = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(root_ski, critical=False)
        .sign(root_key, hashes.SHA256())
    )

    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(
                NameOID.COMMON_NAME, common_name or f"Văn phòng {organisation} (chứng thư minh họa)"
            ),
        ]
    )
    signer_cert = (
        x509.CertificateBuilder()
        .subject_name(signer_name)
        .issuer_name(root_name)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signer_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )

    p12 = pkcs12.serialize_key_and_certificates(
        name=b"cchc-demo-signer",
        key=signer_key,
        cert=signer_cert,
        cas=[root_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode("utf-8")),
    )
    # The PKCS#12 file first: a root lost on the way can be written again
    # from the chain it holds (above), not the other way round.
    try:
        _write_file(p12_path, p12, mode=0o600)
    except FileExistsError:
        # Another process made one meanwhile: keep that one.
        return create_demo_certificate(
            directory=directory,
            organisation=organisation,
            password=password,
            p12_path=p12_path,
            root_path=root_path,
            root_key_path=root_key_path,
        )
    _write_file(root_path, root_cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
    if root_key_path is not None:
        key_pem = root_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password.encode("utf-8")),
        )
        _write_file(Path(root_key_path), key_pem, mode=0o600)
    return p12_path, root_path


def _write_file(path: Path, data: bytes, *, mode: int) -> None:
    """Write ``data`` to a new file at ``path`` (never over an existing one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _root_from_p12(p12_path: Path, password: str) -> x509.Certificate:
    try:
        _key, cert, extra = pkcs12.load_key_and_certificates(
            p12_path.read_bytes(), password.encode("utf-8") if password else None
        )
    except ValueError as error:
        raise SigningError(_wrong_password_message(p12_path)) from error
    for candidate in [*(extra or []), cert]:
        if candidate is not None and candidate.issuer == candidate.subject:
            return candidate
    raise SigningError(_("Tệp %(path)s không chứa chứng thư gốc để ghi ra tệp PEM.") % {"path": p12_path})


# --------------------------------------------------------------------------
# The signer (cached per file and modification time)
# --------------------------------------------------------------------------


def _wrong_password_message(path: Path) -> str:
    return _(
        "Không mở được tệp chứng thư số %(name)s: mật khẩu không đúng hoặc tệp không phải PKCS#12. "
        "Quản trị viên cần kiểm tra CCHC_SIGNING_P12 và CCHC_SIGNING_P12_PASSWORD."
    ) % {"name": path.name}


def _file_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def load_signer(p12_path, password) -> _CachedKeySigner:
    """The organisation's signer from its PKCS#12 file, cached in-process
    per (path, modification time). Raises :class:`SigningError` with a
    Vietnamese message when the file is missing, unreadable or the password
    is wrong."""
    path = Path(p12_path) if p12_path else None
    if path is None or not path.is_file():
        raise SigningError(
            _(
                "Không tìm thấy tệp chứng thư số (PKCS#12) %(path)s. "
                "Quản trị viên cần cấu hình CCHC_SIGNING_P12 (hoặc chạy manage.py create_demo_certificate "
                "trên máy trình diễn)."
            )
            % {"path": path or _("(chưa cấu hình)")}
        )
    return _load_signer_cached(*_file_key(path), password or "")


class _CachedKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner re-parses (and, for RSA, re-checks) the private
    key on every signature, some 40 ms for RSA-2048; this one parses it once.
    Other mechanisms than RSA PKCS#1 v1.5 and ECDSA go the usual way."""

    _private_key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        if name not in ("rsassa_pkcs1v15", "ecdsa"):
            return super().sign_raw(data, digest_algorithm)
        if self._private_key is None:
            self._private_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        hash_algorithm = getattr(hashes, digest_algorithm.upper().replace("-", "_"))()
        if name == "ecdsa":
            return self._private_key.sign(data, ec.ECDSA(hash_algorithm))
        return self._private_key.sign(data, padding.PKCS1v15(), hash_algorithm)

    @functools.cached_property
    def bytes_to_reserve(self) -> int:
        """Room for the CMS object (hex digits): the certificates, the
        signature value and the signed attributes, with a margin; saves
        pyHanko's trial signature."""
        certs = {cert.dump() for cert in self.cert_registry}
        certs.add(self.signing_cert.dump())
        key_bytes = (self.signing_cert.public_key.bit_size + 7) // 8
        return 2 * (sum(map(len, certs)) + 2 * key_bytes + 2048)


@functools.lru_cache(maxsize=8)
def _load_signer_cached(path: str, _mtime_ns: int, _size: int, password: str) -> _CachedKeySigner:
    data = Path(path).read_bytes()
    try:
        loaded = signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=[], passphrase=password.encode("utf-8") if password else None
        )
    except (ValueError, TypeError) as error:
        raise SigningError(_wrong_password_message(Path(path))) from error
    if loaded.signing_cert is None or loaded.signing_key is None:
        raise SigningError(
            _("Tệp chứng thư số %(name)s không có khóa bí mật hoặc chứng thư ký.") % {"name": Path(path).name}
        )
    return _CachedKeySigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )


def describe_certificate(cert: asn1_x509.Certificate) -> str:
    """ "CN, O (cấp bởi: issuer CN; số sê-ri: …)" for the record of who signed."""
    subject = cert.subject.native
    issuer = cert.issuer.native
    parts = [subject.get("common_name"), subject.get("organization_name")]
    name = ", ".join(_flat(p) for p in parts if p) or cert.subject.human_friendly
    issuer_name = _flat(issuer.get("common_name") or "") or cert.issuer.human_friendly
    return f"{name} (cấp bởi: {issuer_name}; số sê-ri: {cert.serial_number:x})"


def _flat(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def describe_signer(*, p12_path, password) -> str:
    """Who the server signs as, from the configured PKCS#12 file."""
    return describe_certificate(load_signer(p12_path, password).signing_cert)


# --------------------------------------------------------------------------
# The stamp's font: a TrueType subset, embedded as a CID font
# --------------------------------------------------------------------------

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


def _font_assets() -> _FontAssets:
    """The first candidate font (``settings.CCHC_SIGNING_FONT`` if set, then
    :data:`FONT_CANDIDATES`) that is a TrueType font covering Vietnamese."""
    from django.conf import settings

    configured = getattr(settings, "CCHC_SIGNING_FONT", None)
    candidates = [Path(configured)] if configured else []
    # The documents' own face first (installed by the set-up with the
    # front-end packages), then the system's.
    candidates.append(
        Path(settings.NODE_MODULES) / "@expo-google-fonts" / "tinos" / "400Regular" / "Tinos_400Regular.ttf"
    )
    for path in [*candidates, *FONT_CANDIDATES]:
        if path.is_file():
            assets = _load_font_assets(*_file_key(path))
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
class _SubsetFontFactory(FontEngineFactory):
    assets: _FontAssets
    font_size: int = STAMP_FONT_SIZE

    def create_font_engine(self, writer, obj_stream=None):
        return _SubsetFontEngine(writer, self.assets, self.font_size)

    def text_width(self, text: str, font_size: float) -> float:
        text = unicodedata.normalize("NFC", text)
        assets = self.assets
        units = sum(assets.width_by_gid.get(assets.gid_by_codepoint.get(ord(c), 0), 0) for c in text)
        return units * font_size / 1000


# --------------------------------------------------------------------------
# Signing on the server
# --------------------------------------------------------------------------

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
_SIGNATURE_TEMPLATE = "Ký bởi: %(signer_name)s\nCơ quan: %(organisation)s\nThời gian ký: %(ts)s"
_SIGNATURE_PADDING = 4
_SIGNATURE_DEFAULT_WIDTH = 220.0
# Appendix stamp (Nghị định 30/2020, Phụ lục I): top right of the first page,
# no image; number and symbol and the signing time, 10 pt, black.
_APPENDIX_TEMPLATE = "%(number_symbol)s\n%(ts)s"
_APPENDIX_PADDING = 1


def _signature_style(factory: _SubsetFontFactory, *, fit: bool) -> _VietnamStampStyle:
    return _VietnamStampStyle(
        stamp_text=_SIGNATURE_TEMPLATE,
        timestamp_format=_MACHINE_TIME_FORMAT,
        vietnam_time_format="%H:%M %d/%m/%Y",
        border_width=1,
        border_color=(0.0, 0.0, 0.7),
        background=None,
        text_box_style=TextBoxStyle(
            font=factory,
            font_size=STAMP_FONT_SIZE,
            leading=STAMP_LEADING,
            box_layout_rule=_NO_SCALING_TOP_LEFT,
            text_color=(0.0, 0.0, 0.7),
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(_SIGNATURE_PADDING),
            # A box the caller chose may be too small: shrink rather than
            # spill; the default box is made to fit, so the text stays 10 pt.
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT
            if fit
            else layout.InnerScaling.NO_SCALING,
        ),
    )


def _appendix_style(factory: _SubsetFontFactory) -> _VietnamStampStyle:
    return _VietnamStampStyle(
        stamp_text=_APPENDIX_TEMPLATE,
        timestamp_format=_MACHINE_TIME_FORMAT,
        vietnam_time_format="iso",
        border_width=0,
        background=None,
        text_box_style=TextBoxStyle(
            font=factory,
            font_size=STAMP_FONT_SIZE,
            leading=STAMP_LEADING,
            box_layout_rule=_NO_SCALING_TOP_LEFT,
            text_color=(0.0, 0.0, 0.0),
        ),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX,
            y_align=layout.AxisAlignment.ALIGN_MAX,
            margins=layout.Margins.uniform(_APPENDIX_PADDING),
            inner_content_scaling=layout.InnerScaling.NO_SCALING,
        ),
    )


def _page_size(writer: IncrementalPdfFileWriter, page: int) -> tuple[float, float, float, float]:
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


def _named_destination(writer: IncrementalPdfFileWriter, name: str) -> tuple[int, float, float] | None:
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


def _field_name(writer: IncrementalPdfFileWriter) -> str:
    existing = {name for name, _value, _ref in fields.enumerate_sig_fields(writer.prev)}
    number = 1
    while f"{SIGNATURE_FIELD_PREFIX}{number}" in existing:
        number += 1
    return f"{SIGNATURE_FIELD_PREFIX}{number}"


def _check_validity_period(cert: asn1_x509.Certificate) -> None:
    now = dt.datetime.now(dt.UTC)
    validity = cert["tbs_certificate"]["validity"]
    not_before, not_after = validity["not_before"].native, validity["not_after"].native
    local = "%d/%m/%Y"
    if now < not_before:
        raise SigningError(
            _("Chứng thư số của cơ quan chưa đến thời hạn sử dụng (từ ngày %(date)s).")
            % {"date": not_before.astimezone(VIETNAM_TZ).strftime(local)}
        )
    if now > not_after:
        raise SigningError(
            _("Chứng thư số của cơ quan đã hết hạn ngày %(date)s; quản trị viên cần cấu hình chứng thư mới.")
            % {"date": not_after.astimezone(VIETNAM_TZ).strftime(local)}
        )


_sign_lock = threading.Lock()


def sign_pdf(
    pdf: bytes,
    *,
    p12_path,
    password,
    signer_name: str,
    organisation: str,
    reason: str = "",
    location: str = "",
    page: int = -1,
    box: tuple[float, float, float, float] | None = None,
    stamp_style: StampStyleName = "signature",
    number_symbol: str = "",
) -> bytes:
    """Sign ``pdf`` with the organisation's certificate: a PAdES baseline B-B
    signature (no timestamp) in an incremental update, with a visible stamp.
    Returns the new bytes, which start with ``pdf`` unchanged.

    ``stamp_style="signature"``: "Ký bởi / Cơ quan / Thời gian ký" in the box
    ``(x1, y1, x2, y2)`` (PDF points, origin bottom left) on ``page`` (0-based,
    negative from the end; default the last page), or in the lower right of
    that page. ``stamp_style="appendix"``: the number and symbol and the
    signing time, 10 pt, no image, at the top right of the first page (``box``
    may move it)."""
    if stamp_style not in ("signature", "appendix"):
        raise ValueError(f"stamp_style: {stamp_style!r}")
    signer = load_signer(p12_path, password)
    _check_validity_period(signer.signing_cert)
    factory = _SubsetFontFactory(_font_assets())

    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
    except (PdfError, ValueError) as error:
        raise SigningError(_("Không đọc được tệp PDF cần ký.")) from error
    if writer.security_handler is not None:
        raise SigningError(_("Tệp PDF được mã hóa; không ký được."))

    if stamp_style == "appendix":
        page = 0
        text_params = {"number_symbol": number_symbol or ""}
        lines = [number_symbol or "", "0000-00-00T00:00:00+07:00"]
        padding = _APPENDIX_PADDING
        style = _appendix_style(factory)
    else:
        text_params = {"signer_name": signer_name, "organisation": organisation}
        lines = [f"Ký bởi: {signer_name}", f"Cơ quan: {organisation}", "Thời gian ký: 00:00 00/00/0000"]
        padding = _SIGNATURE_PADDING
        style = _signature_style(factory, fit=box is not None)

    anchor = None
    if stamp_style == "signature" and box is None and page == -1:
        try:
            anchor = _named_destination(writer, SIGNATURE_ANCHOR)
        except (PdfError, IndexError, KeyError, TypeError, ValueError, AttributeError):
            anchor = None
        if anchor is not None:
            page = anchor[0]
    try:
        x0, y0, x1, y1 = _page_size(writer, page)
    except (PdfError, IndexError, KeyError, ValueError) as error:
        raise SigningError(_("Văn bản không có trang %(page)s để đặt chữ ký.") % {"page": page}) from error
    if box is None and anchor is not None:
        # Over the space left for the signature in the signing block, whose
        # top left corner the document marks (see templates/official/base.html),
        # kept inside the right margin: a long name is shrunk to the width
        # of the block rather than spill over "Nơi nhận".
        height = STAMP_LEADING * len(lines) + 2 * padding + 2
        _page, left, top = anchor
        right = max(x1 - 15 * MM, left + 40 * MM)
        top = top - 2 * MM
        box = (left, top - height, right, top)
        style = _signature_style(factory, fit=True)
    if box is None:
        text_width = max(factory.text_width(line, STAMP_FONT_SIZE) for line in lines) + 2 * padding + 2
        height = STAMP_LEADING * len(lines) + 2 * padding + 2
        right = x1 - 20 * MM
        if stamp_style == "appendix":
            # In the top margin (20–25 mm), which is empty on page 1.
            top = y1 - 8 * MM
            box = (right - text_width, top - height, right, top)
        else:
            # Lower right, over the space left for the signature in the
            # signing block; a caller that knows where the block is passes
            # its position.
            width = max(_SIGNATURE_DEFAULT_WIDTH, text_width)
            bottom = y0 + 25 * MM
            box = (right - width, bottom, right, bottom + height)

    meta = signers.PdfSignatureMetadata(
        field_name=_field_name(writer),
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=signer_name or None,
    )
    field_spec = fields.SigFieldSpec(
        sig_field_name=meta.field_name, on_page=page, box=tuple(round(v, 2) for v in box)
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=field_spec)
    try:
        # pyHanko runs an event loop of its own per call; one signature at a
        # time keeps the cached signer out of concurrent use.
        with _sign_lock:
            try:
                signed = _write_signature(pdf_signer, writer, text_params, signer.bytes_to_reserve)
            except PyHankoSigningError as error:
                if "larger than expected" not in str(error):
                    raise
                # A signature bigger than the room kept for it (a long chain
                # in the PKCS#12 file): let pyHanko measure it, on a fresh
                # copy of the issued bytes.
                writer = IncrementalPdfFileWriter(BytesIO(pdf))
                signed = _write_signature(pdf_signer, writer, text_params, None)
    except (PyHankoSigningError, PdfError) as error:
        logger.exception("PDF signing failed")
        raise SigningError(_("Ký số không thành công: %(error)s") % {"error": error}) from error
    if not signed.startswith(pdf):  # pragma: no cover - an incremental update never rewrites
        raise SigningError(_("Ký số không thành công: bản ký không giữ nguyên bản phát hành."))
    return signed


def _write_signature(pdf_signer: signers.PdfSigner, writer, text_params: dict, bytes_reserved) -> bytes:
    output = BytesIO()
    pdf_signer.sign_pdf(
        writer, appearance_text_params=text_params, output=output, bytes_reserved=bytes_reserved
    )
    return output.getvalue()


# --------------------------------------------------------------------------
# Verifying a file signed outside the app
# --------------------------------------------------------------------------

# The most revisions an upload may add to the issued file: the person's
# signature, the organisation's, and room for LTV data and timestamps.
MAX_SIGNED_REVISIONS = 5

NOT_ISSUED_REASON = gettext_lazy(
    "Tệp đã ký không phải là bản đã phát hành: phần đầu tệp phải trùng từng byte với bản PDF "
    "do hệ thống phát hành (hãy tải đúng bản phát hành về rồi ký, không lưu lại hay in ra PDF mới)."
)
NOT_INTACT_REASON = gettext_lazy("Chữ ký không toàn vẹn: tệp đã bị sửa sau khi ký.")
INVALID_REASON = gettext_lazy("Chữ ký không hợp lệ: giá trị chữ ký không khớp với chứng thư số.")
UNREADABLE_SIGNATURE_REASON = gettext_lazy("Chữ ký số trong tệp không đọc được hoặc không đúng định dạng.")
UNTRUSTED_REASON = gettext_lazy("Chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy.")
NO_SIGNATURE_REASON = gettext_lazy("Tệp tải lên không có chữ ký số.")
NOT_A_PDF_REASON = gettext_lazy("Tệp tải lên không phải là tệp PDF đọc được.")
ISSUED_UNREADABLE_REASON = gettext_lazy("Không đọc được bản đã phát hành để đối chiếu.")
NO_TRUSTED_ROOTS_REASON = gettext_lazy(
    "Chưa cấu hình chứng thư gốc tin cậy (CCHC_TRUSTED_ROOTS) nên không kiểm tra được chữ ký."
)
CHANGED_AFTER_SIGNING_REASON = gettext_lazy(
    "Tệp đã bị thay đổi sau khi ký: chữ ký không bao trùm toàn bộ tệp (có phần được thêm vào sau chữ ký)."
)
TOO_MANY_REVISIONS_REASON = gettext_lazy(
    "Tệp đã ký có %(count)s lần cập nhật sau bản đã phát hành: chỉ nhận tối đa %(limit)s "
    "(mỗi lần thêm một chữ ký số)."
)
NOT_A_SIGNATURE_REVISION_REASON = gettext_lazy(
    "Lần cập nhật thứ %(number)s sau bản đã phát hành không phải là một lần ký số: ngoài các lần ký "
    "(mỗi lần thêm một chữ ký cùng ô chữ ký, hình thể hiện và dấu thời gian của nó), tệp chỉ được thêm "
    "dữ liệu kiểm tra chứng thư (LTV)."
)
NOT_COVERING_REASON = gettext_lazy(
    "Chữ ký không bao trùm trọn bản đã phát hành và lần ký của nó (phạm vi ký không chuẩn)."
)
CHANGED_CONTENT_REASON = gettext_lazy(
    "Lần ký đã thay đổi nội dung văn bản so với bản đã phát hành (ngoài việc thêm chữ ký)."
)
CHANGED_LATER_REASON = gettext_lazy(
    "Nội dung văn bản đã bị thay đổi sau chữ ký này (ngoài việc thêm chữ ký)."
)
DOCMDP_REASON = gettext_lazy(
    "Chữ ký không cho phép thay đổi văn bản sau khi ký (chữ ký chứng nhận hoặc ô chữ ký bị khóa), "
    "nhưng tệp đã được cập nhật sau đó."
)
TIMESTAMP_REASON = gettext_lazy(
    "Dấu thời gian kèm chữ ký không hợp lệ hoặc đơn vị cấp dấu thời gian không được tin cậy."
)
SEED_VALUE_REASON = gettext_lazy("Chữ ký không đáp ứng các ràng buộc do ô chữ ký quy định.")
NOT_VALID_REASON = gettext_lazy("Chữ ký không hợp lệ theo kiểm tra chữ ký số PDF (PAdES).")


_COVERING = (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION)


def _refuse(reason, *, signer: str = "", signed_at: dt.datetime | None = None) -> SignatureCheck:
    """A refusal; ``reason`` (lazy or not) is rendered in the active language."""
    return SignatureCheck(ok=False, reason=str(reason), signer=signer, signed_at=signed_at)


def _load_roots(trusted_roots) -> list[asn1_x509.Certificate]:
    roots = []
    for item in trusted_roots or []:
        path = Path(item)
        if not path.is_file():
            logger.warning("Trusted root %s does not exist", path)
            continue
        roots.extend(_load_roots_cached(*_file_key(path)))
    return roots


@functools.lru_cache(maxsize=16)
def _load_roots_cached(path: str, _mtime_ns: int, _size: int) -> tuple[asn1_x509.Certificate, ...]:
    data = Path(path).read_bytes()
    certs = []
    try:
        if b"-----BEGIN" in data:
            for cert in x509.load_pem_x509_certificates(data):
                certs.append(asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)))
        else:
            certs.append(asn1_x509.Certificate.load(data))
            _ = certs[-1].subject  # parse now, not during validation
    except ValueError:
        logger.warning("Trusted root %s is not a certificate (PEM or DER)", path)
        return ()
    return tuple(certs)


def _usage_allows_signing(cert: asn1_x509.Certificate) -> bool:
    usage = cert.key_usage_value
    return usage is None or bool({"digital_signature", "non_repudiation"} & set(usage.native))


def _trust_reason(status) -> str:
    """The refusal for a signature whose certificate isn't trusted, from
    pyHanko's AdES sub-indication."""
    indication = getattr(status.trust_problem_indic, "name", "") or ""
    if status.revoked or indication.startswith("REVOKED"):
        return _("Chứng thư số đã bị thu hồi.")
    if indication in ("EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
        return _("Chứng thư số đã hết hạn.")
    if indication == "NOT_YET_VALID":
        return _("Chứng thư số chưa đến thời hạn sử dụng.")
    if indication in ("SIG_CONSTRAINTS_FAILURE", "CHAIN_CONSTRAINTS_FAILURE") and not _usage_allows_signing(
        status.signing_cert
    ):
        # pyHanko reports a key usage mismatch as a chain constraint failure.
        return _("Chứng thư số không được cấp cho mục đích ký số (thiếu mục đích sử dụng khóa phù hợp).")
    if indication in ("CRYPTO_CONSTRAINTS_FAILURE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"):
        return _("Chữ ký dùng thuật toán không còn được chấp nhận.")
    return str(UNTRUSTED_REASON)


# What the revision that adds a signature may change in objects that were
# already there: the catalog gets the form (and PAdES/ISO extensions,
# permissions, a version bump, updated XMP metadata), a page gets the widget
# annotation, the document information its dates and producer.
_CATALOG_KEYS_A_SIGNATURE_MAY_CHANGE = frozenset(
    {"/AcroForm", "/Extensions", "/Perms", "/DSS", "/Metadata", "/Version", "/NeedsRendering"}
)
_PAGE_KEYS_A_SIGNATURE_MAY_CHANGE = frozenset({"/Annots"})


def _raw_items(container) -> list:
    if isinstance(container, generic.ArrayObject):
        return [container.raw_get(i) for i in range(len(container))]
    return []


def _page_refs(resolver) -> tuple[set, set]:
    """References of the page objects of a revision, and of their /Annots
    arrays when those are indirect."""
    pages, annots = set(), set()
    stack = [resolver.root.raw_get("/Pages")]
    seen = set()
    while stack:
        item = stack.pop()
        if not isinstance(item, generic.IndirectObject) or item.reference in seen:
            continue
        seen.add(item.reference)
        node = item.get_object()
        if "/Kids" in node:
            stack.extend(_raw_items(node.raw_get("/Kids")))
            continue
        pages.add(item.reference)
        if "/Annots" in node and isinstance(node.raw_get("/Annots"), generic.IndirectObject):
            annots.add(node.raw_get("/Annots").reference)
    return pages, annots


def _same_except(old: generic.DictionaryObject, new: generic.DictionaryObject, allowed: frozenset) -> bool:
    for key in (set(old.keys()) | set(new.keys())) - allowed:
        if key not in old or key not in new or old.raw_get(key) != new.raw_get(key):
            return False
    return True


def _annotations(page: generic.DictionaryObject) -> list:
    return _raw_items(page.get("/Annots")) if "/Annots" in page else []


def _is_signature_widget(item) -> bool:
    annot = item.get_object() if isinstance(item, generic.IndirectObject) else item
    if not isinstance(annot, generic.DictionaryObject) or annot.get("/Subtype") != "/Widget":
        return False
    parent = annot.get("/Parent")
    return annot.get("/FT") == "/Sig" or (parent is not None and parent.get_object().get("/FT") == "/Sig")


def _changes_besides_signature(reader: PdfFileReader, *, base: int, revision: int) -> str:
    """What ``revision`` changes, compared with ``base``, beyond adding a
    signature (empty when nothing): rewritten objects other than the
    catalog, the pages' annotation lists and the metadata; changed page
    content; annotations added other than signature widgets; freed objects."""
    old = reader.get_historical_resolver(base)
    new = reader.get_historical_resolver(revision)
    if new.refs_freed_in_revision():
        return "freed objects"
    root_ref = old.root_ref
    if new.root_ref != root_ref:
        return "a new catalog"
    page_refs, annots_refs = _page_refs(old)
    harmless = set(annots_refs)
    for owner, key in ((old.trailer_view, "/Info"), (old.root, "/Metadata"), (old.root, "/AcroForm")):
        value = owner.raw_get(key) if key in owner else None
        if isinstance(value, generic.IndirectObject):
            harmless.add(value.reference)
    for ref in new.explicit_refs_in_revision():
        try:
            if reader.xrefs.get_introducing_revision(ref) > base:
                continue  # a new object
        except KeyError:
            continue
        if ref == root_ref:
            if not _same_except(old.root, new.root, _CATALOG_KEYS_A_SIGNATURE_MAY_CHANGE):
                return "the catalog"
        elif ref in page_refs:
            if not _same_except(old.get_object(ref), new.get_object(ref), _PAGE_KEYS_A_SIGNATURE_MAY_CHANGE):
                return f"page object {ref.idnum}"
        elif ref not in harmless:
            return f"object {ref.idnum}"
    # Annotation lists may only gain signature widgets.
    for ref in page_refs:
        before = _annotations(old.get_object(ref))
        after = _annotations(new.get_object(ref))
        if any(item not in after for item in before):
            return f"annotations removed from page object {ref.idnum}"
        if any(item not in before and not _is_signature_widget(item) for item in after):
            return f"an annotation other than a signature on page object {ref.idnum}"
    return ""


def _signer_info(embedded) -> SignerInfo:
    """Who made one embedded signature (or document timestamp), and when it
    says it was made. Nothing is validated here."""
    kind = "timestamp" if embedded.sig_object_type == "/DocTimeStamp" else "signature"
    name = organisation = certificate = issuer = serial = ""
    signed_at = None
    with contextlib.suppress(Exception):  # a malformed signature is described as far as it reads
        cert = embedded.signer_cert
        subject = cert.subject.native
        name = _flat(subject.get("common_name") or "") or cert.subject.human_friendly
        organisation = _flat(subject.get("organization_name") or "")
        certificate = describe_certificate(cert)
        issuer = _flat(cert.issuer.native.get("common_name") or "") or cert.issuer.human_friendly
        serial = f"{cert.serial_number:x}"
    with contextlib.suppress(Exception):
        if kind == "timestamp":
            signed_at = embedded.signed_data["encap_content_info"]["content"].parsed["gen_time"].native
        else:
            signed_at = embedded.self_reported_timestamp
    field = ""
    with contextlib.suppress(Exception):
        field = str(embedded.field_name or "")
    return SignerInfo(
        kind=kind,
        name=name,
        organisation=organisation,
        certificate=certificate,
        signed_at=signed_at,
        field=field,
        issuer=issuer,
        serial=serial,
    )


def read_signatures(pdf: bytes) -> list[SignerInfo]:
    """The signatures and document timestamps embedded in ``pdf``, in
    signing order, as they describe themselves (not validated: for a file the
    server has just signed, or one :func:`verify_signed_upload` accepted)."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    return [_signer_info(embedded) for embedded in reader.embedded_signatures]


def _which(index: int, infos: list[SignerInfo]) -> str:
    """ "Chữ ký thứ 2/3 (Nguyễn Văn A)" for the refusal of one signature among
    several; empty when the file has only one."""
    if len(infos) < 2:
        return ""
    info = infos[index]
    params = {"number": index + 1, "total": len(infos), "name": info.name or "?"}
    if info.kind == "timestamp":
        return _("Dấu thời gian thứ %(number)s/%(total)s (%(name)s)") % params
    return _("Chữ ký thứ %(number)s/%(total)s (%(name)s)") % params


def _about(index: int | None, infos: list[SignerInfo], reason) -> str:
    which = _which(index, infos) if index is not None else ""
    if not which:
        return str(reason)
    return _("%(which)s: %(reason)s") % {"which": which, "reason": reason}


def _level_between(reader: PdfFileReader, base: int, revision: int) -> ModificationLevel:
    """pyHanko's verdict on what ``revision`` changes compared with ``base``
    (its standard difference policy); OTHER when it finds the change
    suspicious."""
    try:
        result = DEFAULT_DIFF_POLICY.apply(
            reader.get_historical_resolver(base), reader.get_historical_resolver(revision)
        )
    except SuspiciousModification:
        logger.info(
            "Revision %s of an upload changes more than revision %s allows", revision, base, exc_info=True
        )
        return ModificationLevel.OTHER
    return result.modification_level


def verify_signed_upload(
    *, issued: bytes, signed: bytes, trusted_roots: list[Path], max_revisions: int = MAX_SIGNED_REVISIONS
) -> SignatureCheck:
    """Check a file signed outside the app against the issued one. It is
    kept only if all of these hold:

    - it starts with the issued bytes, byte for byte, and adds at most
      ``max_revisions`` incremental updates;
    - it carries at least one signature; every signature and document
      timestamp in it is intact and cryptographically valid, was added after
      the issued file and covers all of it up to the end of its own revision;
    - the first update holds a signature and adds nothing but it (its field,
      widget and appearance, the form, metadata), checked object by object;
    - every later update holds a signature or document timestamp, or only
      validation data (pyHanko: ModificationLevel.LTA_UPDATES); from each
      signature on, pyHanko's difference analysis finds nothing beyond
      signature fields filled in or added and validation data
      (at most FORM_FILLING), within what each signature's DocMDP and field
      locks allow;
    - every certificate (signers', timestamp authorities') chains to one of
      ``trusted_roots`` (PEM or DER files), and pyHanko's bottom line holds
      (timestamp tokens trusted, seed values met).

    Otherwise the answer says why, naming the signature at fault when there
    are several ("Chữ ký thứ 2/2 (Nguyễn Văn A): ...").

    No network: revocation is checked only against information in the file;
    missing revocation information is accepted (soft-fail)."""
    try:
        reader = PdfFileReader(BytesIO(signed), strict=False)
        embedded = list(reader.embedded_signatures)
        total = reader.xrefs.total_revisions
    except Exception:  # whatever the parser trips on, the answer is the same refusal
        logger.info("Uploaded signed file is not readable", exc_info=True)
        return _refuse(NOT_A_PDF_REASON)
    if not any(item.sig_object_type == "/Sig" for item in embedded):
        return _refuse(NO_SIGNATURE_REASON)
    try:
        issued_revisions = PdfFileReader(BytesIO(issued), strict=False).xrefs.total_revisions
    except Exception:
        logger.exception("The issued file cannot be read")
        return _refuse(ISSUED_UNREADABLE_REASON)

    # Bound the work before validating anything: each signature's difference
    # analysis reads every revision after it.
    added = total - issued_revisions
    if added > max_revisions or len(embedded) > max_revisions:
        if not signed.startswith(issued):
            return _refuse(NOT_ISSUED_REASON)
        return _refuse(
            TOO_MANY_REVISIONS_REASON % {"count": max(added, len(embedded)), "limit": max_revisions}
        )

    infos = [_signer_info(item) for item in embedded]

    def refuse(index: int | None, reason) -> SignatureCheck:
        info = infos[index] if index is not None else None
        return _refuse(
            _about(index, infos, reason),
            signer=info.certificate if info else "",
            signed_at=info.signed_at if info else None,
        )

    roots = _load_roots(trusted_roots)
    if not roots:
        return refuse(len(infos) - 1, NO_TRUSTED_ROOTS_REASON)

    # Every signature: intact, valid; pyHanko's difference analysis of what
    # follows it.
    statuses = []
    for index, item in enumerate(embedded):
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        try:
            if infos[index].kind == "timestamp":
                status = validate_pdf_timestamp(
                    item, validation_context=context, diff_policy=DEFAULT_DIFF_POLICY
                )
            else:
                status = validate_pdf_signature(
                    item,
                    signer_validation_context=context,
                    key_usage_settings=KeyUsageConstraints(
                        key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
                    ),
                    diff_policy=DEFAULT_DIFF_POLICY,
                )
        except Exception:  # a malformed signature is refused, not a server error
            logger.info("Validation of an uploaded signature failed", exc_info=True)
            return refuse(index, UNREADABLE_SIGNATURE_REASON)
        if infos[index].kind == "signature" and status.signer_reported_dt is not None:
            infos[index] = dataclasses.replace(infos[index], signed_at=status.signer_reported_dt)
        if not status.intact:
            return refuse(index, NOT_INTACT_REASON)
        if not status.valid:
            return refuse(index, INVALID_REASON)
        statuses.append(status)

    if not signed.startswith(issued):
        return refuse(None, NOT_ISSUED_REASON)
    for index, (item, status) in enumerate(zip(embedded, statuses, strict=True)):
        if item.signed_revision < issued_revisions:  # pragma: no cover - the issued file is never signed
            return refuse(index, NOT_ISSUED_REASON)
        if status.coverage not in _COVERING:
            return refuse(index, NOT_COVERING_REASON)

    # The revisions after the issued file, one by one.
    signature_revisions = {item.signed_revision for item in embedded}
    last_signed = max(signature_revisions)
    if embedded[0].signed_revision != issued_revisions:
        return refuse(None, NOT_A_SIGNATURE_REVISION_REASON % {"number": 1})
    # The first: its signature and nothing else. pyHanko's difference
    # analysis can't judge it (it needs a form in the base revision, and the
    # issued file has none), hence this check of every object it rewrites.
    try:
        unexpected = _changes_besides_signature(reader, base=issued_revisions - 1, revision=issued_revisions)
    except Exception:
        logger.info("Comparing an uploaded file with the issued one failed", exc_info=True)
        unexpected = "?"
    if unexpected:
        logger.info("Uploaded signed file changes %s besides adding the first signature", unexpected)
        return refuse(0, CHANGED_CONTENT_REASON)
    # The others: a signature each, or validation data only.
    for revision in range(issued_revisions + 1, total):
        if revision in signature_revisions:
            continue
        if _level_between(reader, revision - 1, revision) > ModificationLevel.LTA_UPDATES:
            if revision > last_signed:
                return refuse(None, CHANGED_AFTER_SIGNING_REASON)
            return refuse(None, NOT_A_SIGNATURE_REVISION_REASON % {"number": revision - issued_revisions + 1})
    # What follows the first signature, by pyHanko's difference analysis:
    # no more than signatures (FORM_FILLING) and validation data. The
    # revision at fault is named.
    by_revision = {item.signed_revision: index for index, item in enumerate(embedded)}
    first_signed = embedded[0].signed_revision
    for revision in range(first_signed + 1, total):
        if _level_between(reader, first_signed, revision) > ModificationLevel.FORM_FILLING:
            return refuse(by_revision.get(revision), CHANGED_CONTENT_REASON)
    # What each signature's own rules (DocMDP, field locks) allow after it,
    # as pyHanko judged it while validating the signature.
    for index, status in enumerate(statuses):
        if status.docmdp_ok is False:
            return refuse(index, DOCMDP_REASON)
        level = status.modification_level
        if level is not None and level > ModificationLevel.FORM_FILLING:
            return refuse(index, CHANGED_LATER_REASON)

    # Trust, and pyHanko's bottom line.
    for index, status in enumerate(statuses):
        if not status.trusted:
            return refuse(index, _trust_reason(status))
        if infos[index].kind == "signature":
            timestamp = status.timestamp_validity
            if timestamp is not None and not (timestamp.intact and timestamp.valid and timestamp.trusted):
                return refuse(index, TIMESTAMP_REASON)
            if not status.seed_value_ok:
                return refuse(index, SEED_VALUE_REASON)
            if not status.bottom_line:
                return refuse(index, NOT_VALID_REASON)

    signers = [info for info in infos if info.kind == "signature"]
    return SignatureCheck(
        ok=True,
        reason="",
        signer="; ".join(info.certificate for info in signers if info.certificate),
        signed_at=signers[-1].signed_at,
        signatures=tuple(infos),
    )
