"""Every write of the PAR index, by sub-domain, imported as ``par.services``:
``sets.py`` (create, copy, replace the tree, issue), ``workbook.py`` (Excel
import with preview, and export), ``cycles.py`` (create with units resolved
from the unit tree, adjust units, deadlines), ``survey.py`` (survey import),
``results.py`` (compute every index and rank in bulk)."""

from .cycles import (
    ResolvedUnit,
    cycle_create,
    cycle_open,
    cycle_unit_set,
    cycle_units_resolve,
    cycle_update,
    resolution_date,
    scorecards_prepare,
    scored_leaves,
    survey_nodes,
)
from .results import cycle_results_compute, cycle_tree
from .sets import (
    BandSpec,
    NodeSpec,
    band_specs,
    criteria_set_copy,
    criteria_set_create,
    criteria_set_delete,
    criteria_set_issue,
    criteria_set_problems,
    criteria_set_replace_tree,
    criteria_set_update,
    node_specs,
    tree_problems,
)
from .survey import SurveyPreview, survey_import_read, survey_import_save
from .workbook import (
    SetImportPreview,
    criteria_set_import_read,
    criteria_set_import_save,
    criteria_set_workbook,
    params_from_text,
    params_to_text,
)

__all__ = [
    "BandSpec",
    "NodeSpec",
    "ResolvedUnit",
    "SetImportPreview",
    "SurveyPreview",
    "band_specs",
    "criteria_set_copy",
    "criteria_set_create",
    "criteria_set_delete",
    "criteria_set_import_read",
    "criteria_set_import_save",
    "criteria_set_issue",
    "criteria_set_problems",
    "criteria_set_replace_tree",
    "criteria_set_update",
    "criteria_set_workbook",
    "cycle_create",
    "cycle_open",
    "scorecards_prepare",
    "cycle_results_compute",
    "cycle_tree",
    "cycle_unit_set",
    "cycle_units_resolve",
    "cycle_update",
    "node_specs",
    "params_from_text",
    "params_to_text",
    "resolution_date",
    "scored_leaves",
    "survey_import_read",
    "survey_import_save",
    "survey_nodes",
    "tree_problems",
]
