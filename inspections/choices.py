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


class UnitGroup(models.TextChoices):
    """Groups of units a point of a document can assign a task to, resolved
    against the unit tree on the issue date (and stored)."""

    DEPARTMENTS = "departments", _("Các cơ quan chuyên môn (sở, ban, ngành; phòng, ban)")
    DISTRICTS = "districts", _("UBND các huyện, thị xã, thành phố")
    COMMUNES = "communes", _("UBND các xã, phường, thị trấn")
    RECIPIENTS = "recipients", _("Các đơn vị trong “Kính gửi”")
    INSPECTED = "inspected", _("Các đơn vị được kiểm tra theo kế hoạch")


class DeadlineKind(models.TextChoices):
    DATE = "date", _("Đến ngày")
    DAYS = "days", _("Trong số ngày kể từ ngày ban hành")
    WORKING_DAYS = "working_days", _("Trong số ngày làm việc kể từ ngày ban hành")
    PERIODIC = "periodic", _("Định kỳ")


class Recurrence(models.TextChoices):
    """How often a periodic task is reported; the months between two due dates."""

    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half_yearly", _("6 tháng")
    YEARLY = "yearly", _("Hằng năm")


RECURRENCE_MONTHS = {
    Recurrence.MONTHLY: 1,
    Recurrence.QUARTERLY: 3,
    Recurrence.HALF_YEARLY: 6,
    Recurrence.YEARLY: 12,
}


class CellState(models.TextChoices):
    """The state of one (unit, point) cell of a document's monitoring matrix."""

    NOT_DUE = "not_due", _("Chưa đến hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    REPORTED = "reported", _("Đã báo cáo, chờ xem xét")
    REPORTED_LATE = "reported_late", _("Báo cáo muộn")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã chấp nhận")
