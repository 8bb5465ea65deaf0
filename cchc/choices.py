from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """Levels and kinds of administrative body."""

    PROVINCE = "province", _("UBND tỉnh, thành phố")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("UBND huyện, thị xã, thành phố thuộc tỉnh")
    COMMUNE = "commune", _("UBND xã, phường, thị trấn, đặc khu")
    OFFICE = "office", _("Cơ quan, đơn vị khác")


class SuccessionKind(models.TextChoices):
    MERGE = "merge", _("Sáp nhập, hợp nhất")
    SPLIT = "split", _("Chia tách")
    RENAME = "rename", _("Đổi tên")
    TRANSFER = "transfer", _("Chuyển giao, điều chỉnh địa giới")


class Role(models.TextChoices):
    """What a user does in a unit."""

    INSPECTOR = "inspector", _("Cán bộ kiểm tra")
    UNIT_OFFICER = "unit_officer", _("Cán bộ đơn vị")
    LEADER = "leader", _("Lãnh đạo")
    ADMINISTRATOR = "administrator", _("Quản trị")
    # A member of the PAR index appraisal council (hội đồng thẩm định Chỉ số
    # CCHC), placed in their department: appraises the criteria it owns.
    APPRAISER = "appraiser", _("Thành viên hội đồng thẩm định")


class DocumentKind(models.TextChoices):
    """The official documents the app drafts."""

    INSPECTION_PLAN = "inspection_plan", _("Kế hoạch kiểm tra")
    TEAM_DECISION = "team_decision", _("Quyết định thành lập đoàn kiểm tra")
    CONCLUSION_NOTICE = "conclusion_notice", _("Thông báo kết luận kiểm tra")
    CONFERENCE_NOTICE = "conference_notice", _("Thông báo kết luận hội nghị")
    INSPECTION_REPORT = "inspection_report", _("Báo cáo kết quả kiểm tra")
    REPORT_APPENDIX = "report_appendix", _("Phụ lục báo cáo kết quả kiểm tra")
    FOLLOW_UP_LETTER = "follow_up_letter", _("Công văn chấn chỉnh, khắc phục")
    PAR_DECISION = "par_decision", _("Quyết định công bố Chỉ số CCHC")


class DocumentStatus(models.TextChoices):
    """Where an official document is from draft to publication."""

    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã cấp số")
    RENDERED = "rendered", _("Đã tạo bản PDF")
    SIGNED = "signed", _("Đã ký số")
    PUBLISHED = "published", _("Đã phát hành")


class SigningMethod(models.TextChoices):
    """How a document's signed copy was made."""

    SERVER = "server", _("Ký trên máy chủ")
    EXTERNAL = "external", _("Ký ngoài, tải lên")


class JobStatus(models.TextChoices):
    """Where a background job stands."""

    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    SUCCEEDED = "succeeded", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class Language(models.TextChoices):
    """The languages of the pages; Vietnamese is the default for everyone."""

    VI = "vi", _("Tiếng Việt")
    EN = "en", _("English")


class AuditKind(models.TextChoices):
    """What an entry of the audit trail records."""

    LOGIN = "login", _("Đăng nhập")
    LOGIN_FAILED = "login_failed", _("Đăng nhập sai")
    LOCKOUT = "lockout", _("Khóa đăng nhập")
    LOGOUT = "logout", _("Đăng xuất")
    DOWNLOAD = "download", _("Tải tệp")
    ISSUE = "issue", _("Cấp số văn bản")
    SIGN = "sign", _("Ký số")
    PUBLISH = "publish", _("Phát hành")
    REVIEW = "review", _("Xem xét, duyệt")
    ROLE_CHANGE = "role_change", _("Thay đổi phân công")
    HAND_OVER = "hand_over", _("Giao nhiệm vụ cho đơn vị kế thừa")
    VERIFY = "verify", _("Kiểm tra văn bản tải lên")
