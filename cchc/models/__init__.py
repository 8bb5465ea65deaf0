"""Models of the shared kernel."""

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
