"""Signals of the kernel that other apps act on."""

from django.dispatch import Signal

# Sent by cchc.services.unit_end inside its transaction, with ``unit``,
# ``successors`` and ``last_day``: the apps hand over what the unit still had
# open (the inspections app passes remediation tasks to the successor).
unit_ended = Signal()

# Sent by cchc.documents.services.document_publish inside its transaction,
# with ``document`` (published): the apps act on publication (the inspections
# app marks an inspection concluded when its conclusion notice is published).
document_published = Signal()

# Sent by cchc.unit_loader.load_official_units inside its transaction when it
# created or changed units or successions in bulk (which sends no post_save):
# the apps refresh what they derive from the tree (the dashboards' roll-up).
units_loaded = Signal()

#: Sent by ``cchc.documents.services.document_number`` inside its
#: transaction when a draft gets its number and date (``document``).
document_issued = Signal()

#: Sent by ``par.remediation.remediation_tasks_propose`` inside its
#: transaction when a PAR decision is issued, with ``document`` (the
#: decision) and ``tasks``: dicts of ``responsible_unit_id``,
#: ``monitoring_unit_id``, ``description``, ``deadline``, for the criteria
#: each unit lost points on. The inspections app makes them remediation
#: tasks of the document (par does not import inspections).
par_tasks_proposed = Signal()
