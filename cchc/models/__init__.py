"""Models of the shared kernel."""

from .documents import NumberRegister, OfficialDocument
from .jobs import Job, JobStatus
from .notifications import Notification
from .units import AuthoredModel, Membership, ReformArea, TimeStampedModel, Unit, UnitSuccession, User

__all__ = [
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
