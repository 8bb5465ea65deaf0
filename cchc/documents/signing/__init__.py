"""Digital signatures on official documents (PAdES).

The package, by concern: ``signer`` (the organisation's PKCS#12 signer),
``stamp_font`` and ``stamp`` (the visible stamp), ``sign`` (signing on the
server), ``verify`` (checking a file signed outside). The demonstration
certificate is the demo app's (``demo.certificate``).
The public API is imported from here.

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

from .sign import SIGNATURE_FIELD_PREFIX, sign_pdf
from .signer import SigningError, certificate_organisation, describe_certificate, describe_signer, load_signer
from .stamp import SIGNATURE_ANCHOR
from .stamp_font import FONT_CANDIDATES
from .verify import MAX_SIGNED_REVISIONS, SignatureCheck, SignerInfo, read_signatures, verify_signed_upload

__all__ = [
    "FONT_CANDIDATES",
    "MAX_SIGNED_REVISIONS",
    "SIGNATURE_ANCHOR",
    "SIGNATURE_FIELD_PREFIX",
    "SignatureCheck",
    "SignerInfo",
    "SigningError",
    "certificate_organisation",
    "describe_certificate",
    "describe_signer",
    "load_signer",
    "read_signatures",
    "sign_pdf",
    "verify_signed_upload",
]
