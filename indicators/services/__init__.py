"""Changes to indicator tables, by sub-domain:

- ``tables``: a table's life (created, sent, returned, approved, locked,
  reopened) and its comments;
- ``cells``: entering cells and acknowledging their warnings;
- ``imports``: workbooks imported all or nothing, checked first, by a
  background job when large;
- ``exports``: province-wide Excel exports made by a background job, and
  their clean-up.

Views, tasks and commands call them through this package (``from indicators
import services``); what each module offers is listed here.
"""

from .cells import CellResult, StaleCellError, table_values_save, value_acknowledge, value_set
from .exports import (
    EXPORT_FOLDER,
    export_file_name,
    export_in_background,
    export_job_file,
    export_work,
    exports_cleanup,
    indicator_export_create,
)
from .imports import (
    MAX_UPLOAD_BYTES,
    ImportOutcome,
    import_apply_work,
    import_check_work,
    import_workbook,
    indicator_import_apply,
    indicator_import_check,
    indicator_import_create,
)
from .tables import (
    table_approve,
    table_comment_add,
    table_create,
    table_lock,
    table_reopen,
    table_return,
    table_submit,
)

__all__ = [
    "EXPORT_FOLDER",
    "MAX_UPLOAD_BYTES",
    "CellResult",
    "ImportOutcome",
    "StaleCellError",
    "export_file_name",
    "export_in_background",
    "export_job_file",
    "export_work",
    "exports_cleanup",
    "import_apply_work",
    "import_check_work",
    "import_workbook",
    "indicator_export_create",
    "indicator_import_apply",
    "indicator_import_check",
    "indicator_import_create",
    "table_approve",
    "table_comment_add",
    "table_create",
    "table_lock",
    "table_reopen",
    "table_return",
    "table_submit",
    "table_values_save",
    "value_acknowledge",
    "value_set",
]
