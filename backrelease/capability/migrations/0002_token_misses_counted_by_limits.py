from django.db import migrations


class Migration(migrations.Migration):
    """Wrong tokens are counted by `limits.Count` now. The model leaves Django's state only: the
    table stays for the servers of the previous release until every one is replaced, and a later
    release drops it (docs/migrations.md, expand and contract)."""

    dependencies = [
        ("capability", "0001_initial"),
        ("limits", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TokenMiss")],
            database_operations=[],
        ),
    ]
