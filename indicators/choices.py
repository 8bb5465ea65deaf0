from django.db import models
from django.utils.translation import gettext_lazy as _


class ValueKind(models.TextChoices):
    """What a cell of an indicator holds."""

    COUNT = "count", _("Số lượng")
    FRACTION = "fraction", _("Tỉ lệ a/b (giữ cả tử số và mẫu số)")
    TEXT = "text", _("Văn bản")
    LEVELS = "levels", _("Số liệu theo cấp (H:113 X:288)")


class Rollup(models.TextChoices):
    """How the figures of several units add up to a province's."""

    SUM = "sum", _("Cộng")
    RATIO = "ratio", _("Cộng tử số trên cộng mẫu số")
    NONE = "none", _("Không tổng hợp")


class TableStatus(models.TextChoices):
    """Where an indicator table is in its review."""

    DRAFT = "draft", _("Đang nhập")
    SUBMITTED = "submitted", _("Đã gửi, chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    LOCKED = "locked", _("Đã khóa")


class TableAction(models.TextChoices):
    """What happened to a table: the entries of its history and comments."""

    COMMENT = "comment", _("Ý kiến")
    SUBMIT = "submit", _("Gửi duyệt")
    RETURN = "return", _("Trả lại để sửa")
    APPROVE = "approve", _("Duyệt")
    LOCK = "lock", _("Khóa")
    REOPEN = "reopen", _("Mở lại")
    IMPORT = "import", _("Nhập từ tệp Excel")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Đã tải lên")
    CHECKING = "checking", _("Đang kiểm tra")
    READY = "ready", _("Sẵn sàng nhập")
    REJECTED = "rejected", _("Có lỗi, không nhập được")
    APPLYING = "applying", _("Đang nhập")
    IMPORTED = "imported", _("Đã nhập")


#: Kinds of the background jobs of indicator tables (``Job.kind``).
IMPORT_CHECK_JOB = "indicator_import_check"
IMPORT_APPLY_JOB = "indicator_import_apply"
EXPORT_JOB = "indicator_export"

#: Levels a "values by level" cell may name: tỉnh, huyện, xã.
LEVEL_LABELS = {"T": _("cấp tỉnh"), "H": _("cấp huyện"), "X": _("cấp xã")}
