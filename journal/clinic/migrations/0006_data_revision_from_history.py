"""Each person's data revision starts at their insights' revision, which every Reviewed mark so
far was kept under (0005): copied in batches. A person whose data changed since 0005 has a number
of the triggers' already, and keeps it: their mark is cleared, as new data clears it."""

from django.db import migrations

from backrelease.common.schema_changes import RunInBatches


def copied(rows) -> None:
    revisions = rows.model._meta.apps.get_model("clinic", "DataRevision")
    revisions.objects.bulk_create(
        [revisions(person_id=row.pk, number=row.number) for row in rows],
        ignore_conflicts=True,
    )


def left_as_they_are(rows) -> None:
    """Going back, 0005 drops the table this filled in."""


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("clinic", "0005_data_revision")]

    operations = [
        RunInBatches("journal.HistoryRevision", copied, left_as_they_are),
    ]
