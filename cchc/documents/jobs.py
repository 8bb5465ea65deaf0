"""The kernel's job kind: render (and sign) an official document."""

from ..jobs.kinds import STARTER_OR_EDITORS, STARTER_OR_STAFF, JobKind
from .services import RENDER_JOB, render_job_work

DOCUMENT_RENDER = JobKind(
    key=RENDER_JOB,  # "document_render"
    task="cchc.render_document",
    work=render_job_work,
    read=STARTER_OR_STAFF,
    retry=STARTER_OR_EDITORS,
)
