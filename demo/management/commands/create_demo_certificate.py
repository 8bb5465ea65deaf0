"""``manage.py create_demo_certificate``: a self-signed demonstration
certificate for signing on the server.

Creates a demonstration root ("cchc demo root — not for production") and a
signer certificate it issued for UBND tỉnh Quảng Nam, at
``settings.CCHC_SIGNING_P12`` (protected by ``CCHC_SIGNING_P12_PASSWORD``) and
``settings.CCHC_TRUSTED_ROOTS[0]``. Files that exist are kept. Refuses to run
unless ``settings.CCHC_ALLOW_DEMO_DATA`` is on: a signature made with it
proves nothing, and a production server must use the organisation's own
certificate.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cchc.documents.signing import SigningError, describe_signer
from demo.certificate import create_demo_certificate

DEMO_ORGANISATION = "UBND tỉnh Quảng Nam"
#: The other issuing bodies of the demo province: a document is signed only
#: with its issuing body's certificate, so each gets one of its own, in
#: ``CCHC_SIGNING_P12_DIR``.
DEMO_BODIES = {
    "van-phong-ubnd-tinh-quang-nam": "Văn phòng UBND tỉnh Quảng Nam",
    "ubnd-huyen-huong-son": "UBND huyện Hương Sơn",
    # Today's province of the demo (demo/living.py): its conclusion notices.
    "ubnd-thanh-pho-da-nang": "UBND thành phố Đà Nẵng",
}


class Command(BaseCommand):
    help = (
        "Tạo chứng thư số tự ký dùng để trình diễn việc ký số trên máy chủ (UBND tỉnh Quảng Nam). "
        "Chỉ chạy được khi CCHC_ALLOW_DEMO_DATA bật; không dùng cho vận hành thật."
    )

    def handle(self, *args, **options):
        if not settings.CCHC_ALLOW_DEMO_DATA:
            raise CommandError(
                "Chứng thư số minh họa là chứng thư tự ký, không có giá trị pháp lý "
                "nên không được tạo ở đây: CCHC_ALLOW_DEMO_DATA đang tắt (mặc định chỉ bật khi DEBUG). "
                "Trên máy vận hành, quản trị viên cấu hình CCHC_SIGNING_P12, CCHC_SIGNING_P12_PASSWORD "
                "và CCHC_TRUSTED_ROOTS bằng chứng thư số thật của cơ quan."
            )
        p12_path = Path(settings.CCHC_SIGNING_P12)
        roots = list(settings.CCHC_TRUSTED_ROOTS)
        if not roots:
            raise CommandError("CCHC_TRUSTED_ROOTS trống: cần một đường dẫn để ghi chứng thư gốc minh họa.")
        root_path = Path(roots[0])
        password = settings.CCHC_SIGNING_P12_PASSWORD
        existed = p12_path.exists() and root_path.exists()
        try:
            create_demo_certificate(
                directory=p12_path.parent,
                organisation=DEMO_ORGANISATION,
                password=password,
                p12_path=p12_path,
                root_path=root_path,
            )
            signer = describe_signer(p12_path=p12_path, password=password)
        except SigningError as error:
            raise CommandError(str(error)) from error

        bodies = Path(settings.CCHC_SIGNING_P12_DIR)
        try:
            for slug, organisation in DEMO_BODIES.items():
                create_demo_certificate(
                    directory=bodies,
                    organisation=organisation,
                    common_name=f"{organisation} (chứng thư minh họa)",
                    password=password,
                    p12_path=bodies / f"{slug}.p12",
                    root_path=bodies / f"{slug}-root.pem",
                )
        except SigningError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"  Chứng thư của các cơ quan khác: {bodies}")
        if existed:
            self.stdout.write(f"Chứng thư số minh họa đã có, giữ nguyên: {p12_path}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Đã tạo chứng thư số minh họa: {p12_path}"))
        self.stdout.write(f"  Chứng thư ký: {signer}")
        self.stdout.write(f"  Chứng thư gốc tin cậy: {root_path}")
        self.stdout.write(
            self.style.WARNING(
                "LƯU Ý: đây là chứng thư TỰ KÝ chỉ để trình diễn (cchc demo root — not for production), "
                "không do tổ chức cung cấp dịch vụ chứng thực chữ ký số cấp. Phần mềm đọc PDF sẽ báo chữ ký "
                "hợp lệ nhưng chứng thư không được tin cậy. Không dùng cho văn bản thật."
            )
        )
