"""par's receivers of the kernel's signals (connected in ``ParConfig.ready``)."""

from django.dispatch import receiver

from cchc.signals import document_issued

from .publication import cycles_published
from .remediation import remediation_tasks_propose


@receiver(document_issued, dispatch_uid="par.cycles_published")
def decision_issued(sender, document, **kwargs):
    """An issued decision publishes its cycles: each unit sees its result."""
    if cycles_published(document=document):
        remediation_tasks_propose(document=document)
