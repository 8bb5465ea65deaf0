"""A value and a history entry point at their table through ``table``, no
longer ``report``: the columns are renamed, the rows are kept.

The named unique constraint (``unique_cell``) and index
(``ind_event_order_idx``) keep their names, which do not carry the field's,
but list the field: they are dropped before the rename and built again on
``table`` after it (SQLite copies a table to rename a foreign key column,
and builds the copy's constraints from the fields the state names)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_indicator_table"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="indicatorvalue", name="indicators_indicatorvalue_unique_cell"),
        migrations.RemoveIndex(model_name="indicatortableevent", name="ind_event_order_idx"),
        migrations.RenameField(model_name="indicatorvalue", old_name="report", new_name="table"),
        migrations.RenameField(model_name="historicalindicatorvalue", old_name="report", new_name="table"),
        migrations.RenameField(model_name="indicatortableevent", old_name="report", new_name="table"),
        migrations.AlterModelOptions(
            name="indicatortableevent",
            options={
                "ordering": ["table_id", "created_at", "id"],
                "verbose_name": "lịch sử, ý kiến về bảng số liệu",
                "verbose_name_plural": "lịch sử, ý kiến về bảng số liệu",
            },
        ),
        migrations.AlterModelOptions(
            name="indicatorvalue",
            options={
                "ordering": ["table_id", "indicator_id"],
                "verbose_name": "số liệu chỉ tiêu",
                "verbose_name_plural": "số liệu chỉ tiêu",
            },
        ),
        migrations.AddConstraint(
            model_name="indicatorvalue",
            constraint=models.UniqueConstraint(
                fields=("table", "indicator"),
                name="indicators_indicatorvalue_unique_cell",
                violation_error_message="Bảng số liệu đã có giá trị cho chỉ tiêu này.",
            ),
        ),
        migrations.AddIndex(
            model_name="indicatortableevent",
            index=models.Index(fields=["table", "created_at"], name="ind_event_order_idx"),
        ),
    ]
