"""Job kinds of the indicators app: checking and applying an imported
workbook, and the Excel export of a province's tables."""

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cchc.access import ALL_ROLES
from cchc.jobs.kinds import STARTER_OR_EDITORS, STARTER_OR_STAFF, JobCard, JobFile, JobKind, JobRule
from cchc.uploads import XLSX

from .choices import EXPORT_JOB, IMPORT_APPLY_JOB, IMPORT_CHECK_JOB
from .services import (
    export_job_file,
    export_work,
    import_apply_work,
    import_check_work,
)

IMPORT_MEMORY_LIMIT_MB = 1024

IMPORT_CHECK = JobKind(
    key=IMPORT_CHECK_JOB,  # "indicator_import_check"
    task="indicators.check_import",
    work=import_check_work,
    read=STARTER_OR_STAFF,
    retry=STARTER_OR_EDITORS,
    # A workbook within the row bound is read in seconds and some tens of MB.
    time_limit=5 * 60,
    memory_limit_mb=IMPORT_MEMORY_LIMIT_MB,
)

IMPORT_APPLY = JobKind(
    key=IMPORT_APPLY_JOB,  # "indicator_import_apply"
    task="indicators.apply_import",
    work=import_apply_work,
    read=STARTER_OR_STAFF,
    retry=STARTER_OR_EDITORS,
    time_limit=10 * 60,
    memory_limit_mb=IMPORT_MEMORY_LIMIT_MB,
)


def export_file(job) -> JobFile | None:
    name = export_job_file(job)
    if name is None:
        return None
    return JobFile(name=name, download_name=job.result.get("name") or "chi-tieu.xlsx", content_type=XLSX)


def export_card(job) -> JobCard:
    units = (job.result or {}).get("units") or 0
    size = (job.result or {}).get("bytes") or 0
    return JobCard(
        title=_("Bản xuất bảng số liệu theo mẫu Phụ lục"),
        description=_(
            "%(unit)s và các đơn vị trực thuộc · các năm %(first)s–%(last)s · Excel, mỗi đơn vị một trang "
            "tính, thêm trang tổng hợp."
        )
        % {"unit": job.unit, "first": job.params.get("first"), "last": job.params.get("last")},
        counter=_("%(done)s/%(total)s bước") % {"done": job.progress_done, "total": job.progress_total},
        running_note=_(
            "Mỗi đơn vị một bước, bước cuối lưu tệp. Có thể rời trang này: bản xuất vẫn được tạo, mở lại từ "
            "trang Xuất."
        ),
        download_label=_("Tải tệp Excel"),
        summary=ngettext("%(n)s đơn vị", "%(n)s đơn vị", units) % {"n": units} + " · " + filesizeformat(size),
        missing_file=_("Không còn tệp của bản xuất này; hãy tạo bản xuất mới."),
        back_link=reverse("indicators:export"),
        back_label=_("Xuất"),
    )


# A province's export holds the figures of the requester's scope: only they
# read it, retry it and download it, while the unit is still in their scope.
EXPORT = JobKind(
    key=EXPORT_JOB,  # "indicator_export"
    task="indicators.export",
    work=export_work,
    read=JobRule(roles=ALL_ROLES, starter_scope=ALL_ROLES),
    result_file=export_file,
    present=export_card,
)
