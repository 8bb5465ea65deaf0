"""Signing on the server: a PAdES baseline B-B signature with the
organisation's certificate, in an incremental update, with a visible
stamp."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from io import BytesIO
from typing import Literal

from asn1crypto import x509 as asn1_x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError

from .signer import SigningError, load_signer
from .stamp import (
    APPENDIX_PADDING,
    MM,
    SIGNATURE_ANCHOR,
    SIGNATURE_DEFAULT_WIDTH,
    SIGNATURE_PADDING,
    STAMP_LEADING,
    VIETNAM_TZ,
    appendix_style,
    named_destination,
    page_size,
    signature_style,
)
from .stamp_font import STAMP_FONT_SIZE, SubsetFontFactory, font_assets

logger = logging.getLogger(__name__)

SIGNATURE_FIELD_PREFIX = "ChuKySoCoQuan"

StampStyleName = Literal["signature", "appendix"]


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
    signature_image: bytes | None = None,
    seal_image: bytes | None = None,
    seal_mm: float = 36,
) -> bytes:
    """Sign ``pdf`` with the organisation's certificate: a PAdES baseline B-B
    signature (no timestamp) in an incremental update, with a visible stamp.
    Returns the new bytes, which start with ``pdf`` unchanged.

    ``stamp_style="signature"``: the organisation and the signing time in the box
    ``(x1, y1, x2, y2)`` (PDF points, origin bottom left) on ``page`` (0-based,
    negative from the end; default the last page), or in the lower right of
    that page. ``stamp_style="appendix"``: the number and symbol and the
    signing time, 10 pt, no image, at the top right of the first page (``box``
    may move it).

    With ``signature_image`` (the competent person's, blue) or
    ``seal_image`` (the organisation's, red, ``seal_mm`` across), both
    transparent PNGs, the signature stamp shows them at actual size, the
    seal over the left third of the signature, with the organisation and
    the time at the bottom right and no frame."""
    if stamp_style not in ("signature", "appendix"):
        raise ValueError(f"stamp_style: {stamp_style!r}")
    signer = load_signer(p12_path, password)
    _check_validity_period(signer.signing_cert)
    factory = SubsetFontFactory(font_assets())

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
        padding = APPENDIX_PADDING
        style = appendix_style(factory)
    else:
        text_params = {"signer_name": signer_name, "organisation": organisation}
        lines = [organisation, "0000-00-00T00:00:00+07:00"]
        padding = SIGNATURE_PADDING
        style = signature_style(factory, fit=box is not None)

    anchor = None
    if stamp_style == "signature" and box is None and page == -1:
        try:
            anchor = named_destination(writer, SIGNATURE_ANCHOR)
        except (PdfError, IndexError, KeyError, TypeError, ValueError, AttributeError):
            anchor = None
        if anchor is not None:
            page = anchor[0]
    try:
        x0, y0, x1, y1 = page_size(writer, page)
    except (PdfError, IndexError, KeyError, ValueError) as error:
        raise SigningError(_("Văn bản không có trang %(page)s để đặt chữ ký.") % {"page": page}) from error
    with_images = stamp_style == "signature" and (signature_image or seal_image)
    if with_images and box is None and anchor is not None:
        # Over the signing block's blank, the seal at its actual size.
        _page, left, top = anchor
        right = max(x1 - 15 * MM, left + 60 * MM)
        height = max(seal_mm if seal_image else 24, 24) * MM
        top = top + 2 * MM
        box = (left, top - height, right, top)
    if with_images and box is not None:
        from .stamp import composite_image, image_signature_style

        picture = composite_image(
            width_mm=(box[2] - box[0]) / MM,
            height_mm=(box[3] - box[1]) / MM,
            signature=signature_image,
            seal=seal_image,
            seal_mm=seal_mm,
        )
        style = image_signature_style(factory, picture)
    elif box is None and anchor is not None:
        # Over the space left for the signature in the signing block, whose
        # top left corner the document marks (see templates/official/base.html),
        # kept inside the right margin: a long name is shrunk to the width
        # of the block rather than spill over "Nơi nhận".
        height = STAMP_LEADING * len(lines) + 2 * padding + 2
        _page, left, top = anchor
        right = max(x1 - 15 * MM, left + 40 * MM)
        top = top - 2 * MM
        box = (left, top - height, right, top)
        style = signature_style(factory, fit=True)
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
            width = max(SIGNATURE_DEFAULT_WIDTH, text_width)
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
