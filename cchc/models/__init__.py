"""Models of the shared kernel."""

from .documents import DocumentKind, DocumentStatus, NumberRegister, OfficialDocument
from .jobs import Job, JobStatus
from .units import Membership, ReformArea, TimeStampedModel, Unit, UnitSuccession, User

__all__ = [
    "DocumentKind",
    "DocumentStatus",
    "Job",
    "JobStatus",
    "Membership",
    "NumberRegister",
    "OfficialDocument",
    "ReformArea",
    "TimeStampedModel",
    "Unit",
    "UnitSuccession",
    "User",
]
