"""Models of the shared kernel."""

from .audit import AuditEvent
from .documents import NumberRegister, OfficialDocument
from .jobs import Job, JobStatus
from .notifications import Notification
from .units import (
    AuthoredModel,
    DraftingUnit,
    Membership,
    ReformArea,
    Seal,
    Signatory,
    TimeStampedModel,
    Unit,
    UnitSuccession,
    User,
)

__all__ = [
    "AuditEvent",
    "DraftingUnit",
    "Job",
    "JobStatus",
    "Membership",
    "Notification",
    "NumberRegister",
    "OfficialDocument",
    "ReformArea",
    "Seal",
    "Signatory",
    "AuthoredModel",
    "TimeStampedModel",
    "Unit",
    "UnitSuccession",
    "User",
]
