"""An import's totals count tables as ``tables_new``, ``tables_changed`` and
``tables_unchanged`` (no longer ``reports_*``): the totals already stored in
imports' previews and results are renamed so that their pages still show
how many tables a file created."""

from django.db import migrations

OLD_TO_NEW = {
    "reports_new": "tables_new",
    "reports_changed": "tables_changed",
    "reports_unchanged": "tables_unchanged",
}


def _rename(apps, mapping):
    IndicatorImport = apps.get_model("indicators", "IndicatorImport")
    changed = []
    for record in IndicatorImport.objects.only("pk", "preview", "result").iterator():
        touched = False
        for stored in (record.preview, record.result):
            totals = stored.get("totals") if isinstance(stored, dict) else None
            if not isinstance(totals, dict):
                continue
            for old, new in mapping.items():
                if old in totals:
                    totals[new] = totals.pop(old)
                    touched = True
        if touched:
            changed.append(record)
    IndicatorImport.objects.bulk_update(changed, ["preview", "result"], batch_size=500)


def forwards(apps, schema_editor):
    _rename(apps, OLD_TO_NEW)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in OLD_TO_NEW.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_value_table"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
