"""One access-log line per adviser, organisation, kind of page and hour: the hour column, filled
for the lines already there, the lines that repeat the hour's first one removed, then the
unique constraint."""

from datetime import UTC

from django.db import migrations, models
from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncHour


def fill_hours(apps, schema_editor):
    AccessLog = apps.get_model("advisers", "AccessLog")
    lines = AccessLog.objects.annotate(bucket=TruncHour("at", tzinfo=UTC))
    earlier = lines.filter(
        organisation=OuterRef("organisation"),
        adviser=OuterRef("adviser"),
        what=OuterRef("what"),
        bucket=OuterRef("bucket"),
        pk__lt=OuterRef("pk"),
    )
    # The repeats go first, so that filling the column never breaks the constraint.
    AccessLog.objects.filter(pk__in=lines.filter(Exists(earlier)).values("pk")).delete()
    AccessLog.objects.update(hour=TruncHour("at", tzinfo=UTC))


class Migration(migrations.Migration):
    dependencies = [
        ("advisers", "0003_backfill_observatory_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslog",
            name="hour",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill_hours, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="accesslog",
            name="hour",
            field=models.DateTimeField(),
        ),
        migrations.AddConstraint(
            model_name="accesslog",
            constraint=models.UniqueConstraint(
                fields=("organisation", "adviser", "what", "hour"),
                name="one_access_log_per_adviser_page_and_hour",
            ),
        ),
    ]
