"""Indicator tables are called tables: IndicatorReport becomes IndicatorTable
(and its events IndicatorTableEvent); the rows are kept."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cchc", "0005_document_signatures"),
        ("indicators", "0002_report_event_data"),
    ]

    operations = [
        migrations.RenameModel(old_name="IndicatorReport", new_name="IndicatorTable"),
        migrations.RenameModel(old_name="IndicatorReportEvent", new_name="IndicatorTableEvent"),
        migrations.AlterField(
            model_name="indicatortable",
            name="unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="indicator_tables",
                to="cchc.unit",
                verbose_name="đơn vị",
            ),
        ),
        migrations.RenameIndex(
            model_name="indicatortable", new_name="ind_table_order_idx", old_name="ind_report_order_idx"
        ),
        migrations.RemoveConstraint(
            model_name="indicatortable", name="indicators_indicatorreport_unique_year"
        ),
        migrations.RemoveConstraint(
            model_name="indicatortable", name="indicators_indicatorreport_unique_period"
        ),
        migrations.RemoveConstraint(
            model_name="indicatortable", name="indicators_indicatorreport_year_range"
        ),
        migrations.RemoveConstraint(
            model_name="indicatortable", name="indicators_indicatorreport_status_valid"
        ),
        migrations.RemoveConstraint(
            model_name="indicatortable", name="indicators_indicatorreport_approved_has_date"
        ),
        migrations.RemoveConstraint(
            model_name="indicatortableevent", name="indicators_indicatorreportevent_comment_has_text"
        ),
        migrations.RemoveConstraint(
            model_name="indicatortableevent", name="indicators_indicatorreportevent_return_has_reason"
        ),
        migrations.AddConstraint(
            model_name="indicatortableevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("action", "comment"), _negated=True),
                    models.Q(("text", ""), _negated=True),
                    _connector="OR",
                ),
                name="indicators_indicatortableevent_comment_has_text",
                violation_error_message="Ý kiến không được để trống.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatortableevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("action", "return"), _negated=True),
                    models.Q(("text", ""), _negated=True),
                    _connector="OR",
                ),
                name="indicators_indicatortableevent_return_has_reason",
                violation_error_message="Trả lại bảng số liệu phải nêu lý do.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatortable",
            constraint=models.UniqueConstraint(
                condition=models.Q(("through__isnull", True)),
                fields=("unit", "year"),
                name="indicators_indicatortable_unique_year",
                violation_error_message="Đơn vị đã có bảng số liệu cả năm này.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatortable",
            constraint=models.UniqueConstraint(
                condition=models.Q(("through__isnull", False)),
                fields=("unit", "year", "through"),
                name="indicators_indicatortable_unique_period",
                violation_error_message="Đơn vị đã có bảng số liệu cho kỳ này.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatortable",
            constraint=models.CheckConstraint(
                condition=models.Q(("year__gte", 2000), ("year__lte", 2100)),
                name="indicators_indicatortable_year_range",
                violation_error_message="Năm phải trong khoảng 2000 - 2100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatortable",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "submitted", "approved", "locked"])),
                name="indicators_indicatortable_status_valid",
                violation_error_message="Trạng thái bảng số liệu không hợp lệ.",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatortable",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["approved", "locked"]), _negated=True),
                    ("approved_at__isnull", False),
                    _connector="OR",
                ),
                name="indicators_indicatortable_approved_has_date",
                violation_error_message="Bảng đã duyệt phải có thời điểm duyệt.",
            ),
        ),
    ]
