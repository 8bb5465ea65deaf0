"""The organisation's signer: its PKCS#12 file loaded once per file and
modification time, and how a certificate is described in the record of
who signed."""

from __future__ import annotations

import functools
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from django.utils.translation import gettext as _
from pyhanko.sign import signers


class SigningError(Exception):
    """Signing on the server failed; the message (Vietnamese) says why."""


def wrong_password_message(path: Path) -> str:
    return _(
        "Không mở được tệp chứng thư số %(name)s: mật khẩu không đúng hoặc tệp không phải PKCS#12. "
        "Quản trị viên cần kiểm tra CCHC_SIGNING_P12 và CCHC_SIGNING_P12_PASSWORD."
    ) % {"name": path.name}


def file_key(path: Path) -> tuple[str, int, int]:
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
    return _load_signer_cached(*file_key(path), password or "")


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
        raise SigningError(wrong_password_message(Path(path))) from error
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
    name = ", ".join(flat(p) for p in parts if p) or cert.subject.human_friendly
    issuer_name = flat(issuer.get("common_name") or "") or cert.issuer.human_friendly
    return f"{name} (cấp bởi: {issuer_name}; số sê-ri: {cert.serial_number:x})"


def flat(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def describe_signer(*, p12_path, password) -> str:
    """Who the server signs as, from the configured PKCS#12 file."""
    return describe_certificate(load_signer(p12_path, password).signing_cert)


def certificate_organisation(*, p12_path, password) -> str:
    """The organisation (O) named in the signing certificate of a PKCS#12
    file: the name the organisation's visible signature prints."""
    subject = load_signer(p12_path, password).signing_cert.subject.native
    return flat(subject.get("organization_name") or subject.get("common_name") or "")
