"""A covering index for analytics (``chiso.analytics.selectors``, DESIGN.md section 3).

Analytics first lists the units whose values go into a row (a unit's subtree and its
predecessors'), then reads their values by (unit, indicator, period range). This index answers
that from the index alone: the key is (orgunit, indicator, period_start) and it carries every
other column the aggregation reads. On PostgreSQL those columns are ``INCLUDE``d (index-only
scans need the visibility map, which (auto)vacuum keeps); SQLite has no ``INCLUDE``, so they
are trailing key columns there.

Written as SQL per engine rather than as a ``models.Index`` because the two definitions differ
(Django drops ``include`` on SQLite, which would leave SQLite reading every row from the table).
It is therefore not part of the model state: ``makemigrations`` does not see it, and the
analytics query names it (``INDEXED BY`` on SQLite), so it must keep this name.
"""

from django.db import migrations

INDEX = "datavalue_analytics_idx"
KEY = ("orgunit_id", "indicator_id", "period_start")
COVERED = ("period_end", "period_type", "option_combo_id", "value", "status", "deleted")


def create_index(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("datavalues", "DataValue")._meta.db_table)
    if schema_editor.connection.vendor == "postgresql":
        columns = f"{', '.join(KEY)}) INCLUDE ({', '.join(COVERED)}"
    else:
        columns = ", ".join((*KEY, *COVERED))
    schema_editor.execute(f"CREATE INDEX {INDEX} ON {table} ({columns})")


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("datavalues", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
