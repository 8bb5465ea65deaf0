"""Job kinds of the PAR index: computing a cycle's results."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cchc.access import PAR_MANAGERS, STAFF
from cchc.jobs.kinds import JobCard, JobKind, JobRule

from .choices import COMPUTE_JOB
from .models import Cycle
from .services import cycle_results_compute


def compute_work(job) -> dict:
    """Compute the results of the cycle ``job.params["cycle"]`` (idempotent:
    a retry computes them again)."""
    cycle = Cycle.objects.get(pk=job.params["cycle"])
    count = cycle_results_compute(cycle=cycle)
    return {"results": count}


def _card(job) -> JobCard:
    count = (job.result or {}).get("results")
    cycle_url = reverse("par:cycle_detail", args=[job.params["cycle"]])
    return JobCard(
        title=_("Tính Chỉ số CCHC"),
        summary=_("Đã tính chỉ số của %(n)s đơn vị.") % {"n": count} if count is not None else "",
        link=cycle_url + "#cycle-results",
        link_label=_("Xem kết quả"),
        back_link=cycle_url,
        back_label=_("Về đợt đánh giá"),
    )


# The province's staff follow the computation; its managers retry it.
COMPUTE = JobKind(
    key=COMPUTE_JOB,  # "par_results_compute"
    task="par.compute_results",
    work=compute_work,
    read=JobRule(roles=STAFF, scope=STAFF),
    retry=JobRule(roles=PAR_MANAGERS, scope=PAR_MANAGERS),
    present=_card,
)
