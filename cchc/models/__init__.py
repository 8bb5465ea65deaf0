"""Models of the shared kernel."""

from .documents import DocumentKind, DocumentStatus, NumberRegister, OfficialDocument
from .jobs import Job, JobStatus
from .notifications import Notification
from .units import AuthoredModel, Membership, ReformArea, TimeStampedModel, Unit, UnitSuccession, User

__all__ = [
    "DocumentKind",
    "DocumentStatus",
    "Job",
    "JobStatus",
    "Membership",
    "Notification",
    "NumberRegister",
    "OfficialDocument",
    "ReformArea",
    "AuthoredModel",
    "TimeStampedModel",
    "Unit",
    "UnitSuccession",
    "User",
]
