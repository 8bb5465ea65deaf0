"""Job kinds of the dashboards: the PDF handout of a dashboard."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.access import STAFF
from cchc.jobs.kinds import JobCard, JobFile, JobKind, JobRule

from .handouts import HANDOUT_JOB, handout_file, handout_name, handout_work, query_of


def _file(job) -> JobFile | None:
    name = handout_file(job)
    if name is None:
        return None
    return JobFile(name=name, download_name=handout_name(job), content_type="application/pdf")


def _card(job) -> JobCard:
    return JobCard(
        title=_("Tài liệu họp (PDF)"),
        download_label=_("Tải tài liệu họp (PDF)"),
        back_link=reverse("dashboards:overview") + "?" + query_of(job),
        back_label=_("Về bảng điều hành"),
    )


# A handout holds the figures of its requester's scope: only they read it,
# retry it and download it, while they are provincial staff.
HANDOUT = JobKind(
    key=HANDOUT_JOB,  # "dashboard_handout"
    task="dashboards.render_handout",
    work=handout_work,
    read=JobRule(roles=STAFF),
    result_file=_file,
    present=_card,
)
