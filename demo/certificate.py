"""A self-signed demonstration root and a signer certificate it issued, for
demonstrations and tests. Never for production."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils.translation import gettext as _

from cchc.documents.signing.signer import SigningError, wrong_password_message

DEMO_ROOT_NAME = "cchc demo root — not for production"
DEMO_P12_FILE = "demo-signer.p12"
DEMO_ROOT_FILE = "demo-root.pem"
DEMO_VALIDITY = dt.timedelta(days=5 * 365 + 1)


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
        raise SigningError(wrong_password_message(p12_path)) from error
    for candidate in [*(extra or []), cert]:
        if candidate is not None and candidate.issuer == candidate.subject:
            return candidate
    raise SigningError(_("Tệp %(path)s không chứa chứng thư gốc để ghi ra tệp PEM.") % {"path": p12_path})
