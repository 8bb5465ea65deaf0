"""Certificates under the demo root for tests of files signed more than once:
the competent person's (as the Government Cipher Committee's tool would
use from a USB token), a time-stamping authority's; and signing with them
through pyHanko, as a signing tool outside the app would."""

import datetime as dt
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.stamp import TextStampStyle

PERSON_NAME = "Lê Ngọc Quảng"


def issue_certificate(
    *,
    root_pem: Path,
    root_key: Path,
    password: str,
    common_name: str,
    organisation: str = "",
    time_stamping: bool = False,
):
    """A certificate issued by the demo root (whose key ``create_demo_certificate``
    kept at ``root_key``): for signing (digitalSignature, nonRepudiation), or
    for a time-stamping authority. Returns (private key, certificate, root)."""
    root = x509.load_pem_x509_certificate(root_pem.read_bytes())
    issuer_key = serialization.load_pem_private_key(root_key.read_bytes(), password.encode())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    # digitalSignature and nonRepudiation.
    builder = builder.add_extension(
        x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
    )
    if time_stamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return key, builder.sign(issuer_key, hashes.SHA256()), root


def issue_signer(directory: Path, *, root_pem: Path, root_key: Path, password: str, **names) -> Path:
    """A PKCS#12 file (protected by ``password``) with a signer certificate
    issued by the demo root, and the root as its chain."""
    key, cert, root = issue_certificate(root_pem=root_pem, root_key=root_key, password=password, **names)
    path = directory / f"signer-{cert.serial_number:x}.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"signer", key, cert, [root], serialization.BestAvailableEncryption(password.encode())
        )
    )
    return path


def demo_timestamper(*, root_pem: Path, root_key: Path, password: str) -> timestamps.DummyTimeStamper:
    """An RFC 3161 time-stamping authority certified by the demo root
    (pyHanko's in-process one: no network)."""
    key, cert, root = issue_certificate(
        root_pem=root_pem,
        root_key=root_key,
        password=password,
        common_name="Dịch vụ cấp dấu thời gian minh họa",
        time_stamping=True,
    )

    def der(certificate):
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return timestamps.DummyTimeStamper(tsa_cert=der(cert), tsa_key=key_info, certs_to_embed=[der(root)])


def sign_as(
    pdf: bytes,
    p12: Path,
    password: str,
    *,
    field_name: str = "ChuKyCaNhan",
    box: tuple[float, float, float, float] | None = (330.0, 120.0, 540.0, 170.0),
    page: int = -1,
    writer: IncrementalPdfFileWriter | None = None,
    timestamper=None,
) -> bytes:
    """Sign ``pdf`` (or what ``writer`` holds) in a new incremental update,
    with a visible signature in ``box`` on ``page`` (invisible if None), the
    way a signing tool outside the app does."""
    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=password.encode())
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box) if box else None
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamper,
        new_field_spec=spec,
        # The tools' appearance: ASCII only, pyHanko's built-in font has no Vietnamese.
        stamp_style=TextStampStyle(stamp_text="Ky so ca nhan\n%(ts)s"),
    )
    output = BytesIO()
    pdf_signer.sign_pdf(writer or IncrementalPdfFileWriter(BytesIO(pdf)), output=output)
    return output.getvalue()
