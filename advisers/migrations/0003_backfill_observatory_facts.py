"""Fill the observatory's table for the diagnostics completed before it existed, so a deployment
needs nothing but `migrate` (`manage.py rebuild_observatory` does the same with today's code,
through advisers.observatory.record). Written against the historical models on purpose."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.utils import timezone

CHUNK = 2000
SLOTS = 20  # advisers.models.DIMENSION_SLOTS at the time of this migration


def backfill(apps, schema_editor):
    Diagnostic = apps.get_model("maturity", "Diagnostic")
    ResultSnapshot = apps.get_model("maturity", "ResultSnapshot")
    DimensionResult = apps.get_model("maturity", "DimensionResult")
    ObservatoryDimension = apps.get_model("advisers", "ObservatoryDimension")
    ObservatoryFact = apps.get_model("advisers", "ObservatoryFact")
    if ObservatoryFact.objects.exists():
        return
    completed = Diagnostic.objects.filter(status="completed", completed_at__isnull=False)
    slots = dict(ObservatoryDimension.objects.values_list("code", "slot"))
    codes = (
        DimensionResult.objects.filter(snapshot__diagnostic__in=completed)
        .order_by("dimension")
        .values_list("dimension", flat=True)
        .distinct()
    )
    for code in codes:
        if code not in slots and len(slots) < SLOTS:
            slots[code] = len(slots) + 1
            ObservatoryDimension.objects.create(code=code, slot=slots[code])
    zone = timezone.get_default_timezone()
    snapshot_ids = list(
        ResultSnapshot.objects.filter(diagnostic__in=completed)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(snapshot_ids), CHUNK):
        chunk = snapshot_ids[start : start + CHUNK]
        scores = {}
        for snapshot_id, code, score in DimensionResult.objects.filter(
            snapshot_id__in=chunk
        ).values_list("snapshot_id", "dimension", "score"):
            scores.setdefault(snapshot_id, {})[code] = score
        facts = []
        for snapshot in ResultSnapshot.objects.filter(pk__in=chunk).values(
            "pk",
            "diagnostic_id",
            "overall_score",
            "overall_level",
            "diagnostic__organisation_id",
            "diagnostic__completed_at",
        ):
            completed_at = snapshot["diagnostic__completed_at"]
            fact = ObservatoryFact(
                diagnostic_id=snapshot["diagnostic_id"],
                organisation_id=snapshot["diagnostic__organisation_id"],
                completed_at=completed_at,
                year=timezone.localtime(completed_at, zone).year,
                overall_score=snapshot["overall_score"],
                overall_level=snapshot["overall_level"],
            )
            for code, score in scores.get(snapshot["pk"], {}).items():
                if code in slots:
                    setattr(fact, f"score_{slots[code]:02d}", score)
            facts.append(fact)
        ObservatoryFact.objects.bulk_create(facts)
    newest = ObservatoryFact.objects.filter(organisation=OuterRef("organisation")).order_by(
        "-completed_at", "-diagnostic_id"
    )
    ObservatoryFact.objects.filter(pk=Subquery(newest.values("pk")[:1])).update(is_latest=True)
    ObservatoryFact.objects.filter(
        pk=Subquery(newest.filter(year=OuterRef("year")).values("pk")[:1])
    ).update(is_latest_of_year=True)


class Migration(migrations.Migration):
    dependencies = [
        ("advisers", "0002_observatory_facts"),
        ("maturity", "0002_roadmap_historicalroadmapaction_roadmaprules_and_more"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
