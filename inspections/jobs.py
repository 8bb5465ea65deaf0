"""Job kinds of the inspections app."""

from cchc.jobs.kinds import STARTER_OR_EDITORS, STARTER_OR_STAFF, JobKind

from .drafting import PLAN_NOTICES_JOB, plan_notices_work

PLAN_NOTICES = JobKind(
    key=PLAN_NOTICES_JOB,  # "plan_notices_issue"
    task="inspections.issue_plan_notices",
    work=plan_notices_work,
    read=STARTER_OR_STAFF,
    retry=STARTER_OR_EDITORS,
)
