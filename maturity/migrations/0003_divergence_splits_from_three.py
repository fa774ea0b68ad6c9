"""Results stored before the rule: how answers to a disputed question split, and the spread, are
kept only when at least three people's answers are counted (maturity.results.compute)."""

from django.db import migrations

MINIMUM = 3  # maturity.results.MIN_SKILLS_RESPONDENTS when this was written
ONE_CHOICE_KINDS = {"single", "scale"}


def _people_counted(item: dict, kinds: set[str]) -> int:
    counts = [answer["count"] for answer in item.get("answers") or []]
    if not counts:
        return 0
    # One choice per person: the counts add up to the people. Several choices per person (or
    # a question not found): at least as many people as the largest count, maybe no more.
    return sum(counts) if kinds and kinds <= ONE_CHOICE_KINDS else max(counts)


def hide_small_splits(apps, schema_editor):
    Question = apps.get_model("maturity", "Question")
    ResultSnapshot = apps.get_model("maturity", "ResultSnapshot")
    snapshots = ResultSnapshot.objects.select_related("diagnostic").only(
        "data", "diagnostic__questionnaire_id"
    )
    for snapshot in snapshots.iterator(chunk_size=500):
        items = (snapshot.data or {}).get("divergence") or []
        changed = False
        for item in items:
            if not item.get("answers") and item.get("spread") is None:
                continue
            kinds = set(
                Question.objects.filter(
                    questionnaire_id=snapshot.diagnostic.questionnaire_id, text=item["question"]
                ).values_list("kind", flat=True)
            )
            if _people_counted(item, kinds) < MINIMUM:
                item["answers"] = []
                item["spread"] = None
                changed = True
        if changed:
            snapshot.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("maturity", "0002_roadmap_historicalroadmapaction_roadmaprules_and_more"),
    ]

    operations = [migrations.RunPython(hide_small_splits, migrations.RunPython.noop)]
