"""Values and their audit keep their foreign keys in the ORM only (docs/architecture.md,
"Storage").

The database stops checking ``DataValue``'s and ``DataValueAudit``'s references: on
PostgreSQL those checks were about three quarters of a bulk import's time. Every write goes
through ``chiso.datavalues.services``, which resolves each reference from existing rows in the
same transaction, and ``on_delete`` (PROTECT, SET_NULL) is still enforced by Django when a
referenced row is deleted. Two indexes go too, for the same import time: the option combo's
(only deleting an option combo, which is refused, looks values up by it) and (unit,
period_start) (reads by unit use the covering analytics index, which starts with the unit).

SQLite cannot drop a constraint, so Django rebuilds the table there, which loses the raw-SQL
analytics index of migration 0002: it is created again afterwards (in both directions).
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

analytics_index = importlib.import_module(
    "chiso.datavalues.migrations.0002_datavalue_analytics_index"
)


def restore_analytics_index(apps, schema_editor):
    """Create the analytics index of migration 0002 again if a table rebuild dropped it."""
    model = apps.get_model("datavalues", "DataValue")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        existing = connection.introspection.get_constraints(cursor, model._meta.db_table)
    if analytics_index.INDEX not in existing:
        analytics_index.create_index(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("datavalues", "0002_datavalue_analytics_index"),
        ("indicators", "0001_initial"),
        ("orgunits", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_analytics_index),
        migrations.AlterField(
            model_name="datavalue",
            name="indicator",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                to="indicators.indicator",
            ),
        ),
        migrations.AlterField(
            model_name="datavalue",
            name="option_combo",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                to="indicators.categoryoptioncombo",
            ),
        ),
        migrations.RemoveIndex(model_name="datavalue", name="datavalues__orgunit_e723b9_idx"),
        migrations.AlterField(
            model_name="datavalue",
            name="orgunit",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                to="orgunits.orgunit",
            ),
        ),
        migrations.AlterField(
            model_name="datavalue",
            name="stored_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="datavalueaudit",
            name="datavalue",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="audits",
                to="datavalues.datavalue",
            ),
        ),
        migrations.AlterField(
            model_name="datavalueaudit",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(restore_analytics_index, migrations.RunPython.noop),
    ]
