from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Theo kế hoạch")
    IN_PROGRESS = "in_progress", _("Đang kiểm tra, dự thảo kết luận")
    CONCLUDED = "concluded", _("Đã ban hành kết luận")
    CLOSED = "closed", _("Đã hoàn thành khắc phục")


class FindingKind(models.TextChoices):
    """The three parts of a conclusion notice, in the order they are printed."""

    ACHIEVEMENT = "achievement", _("Kết quả đạt được")
    SHORTCOMING = "shortcoming", _("Tồn tại, hạn chế")
    RECOMMENDATION = "recommendation", _("Nhiệm vụ, kiến nghị")


class TeamRole(models.TextChoices):
    HEAD = "head", _("Trưởng đoàn")
    DEPUTY = "deputy", _("Phó trưởng đoàn")
    MEMBER = "member", _("Thành viên")
    SECRETARY = "secretary", _("Thư ký")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Chưa báo cáo")
    REPORTED = "reported", _("Đã báo cáo, chờ xem xét")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    RETURNED = "returned", _("Trả lại, yêu cầu bổ sung")


class RemediationReportStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã gửi")
    REVIEWED = "reviewed", _("Đã xem xét")


class ItemProgress(models.TextChoices):
    DONE = "done", _("Đã hoàn thành")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    NOT_DONE = "not_done", _("Chưa thực hiện")


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("Chờ xem xét")
    ACCEPTED = "accepted", _("Chấp nhận")
    RETURNED = "returned", _("Trả lại")


class ReportFileKind(models.TextChoices):
    DOCUMENT = "document", _("Văn bản báo cáo")
    EVIDENCE = "evidence", _("Tài liệu kiểm chứng")
