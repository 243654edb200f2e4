from django.db import migrations


class Migration(migrations.Migration):
    """Mails are counted by `limits.Count` now. The model leaves Django's state only: the table
    stays for the servers of the previous release until every one is replaced, and a later release
    drops it (docs/migrations.md, expand and contract)."""

    dependencies = [
        ("backrelease", "0008_login_failures"),
        ("limits", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="MailCount")],
            database_operations=[],
        ),
    ]
