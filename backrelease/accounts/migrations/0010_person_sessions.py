import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Django's session table gains the column that names a session's person (see
    `PersonSession`): nullable and without a default, so added without rewriting the table and
    invisible to servers of the release before; its foreign key added NOT VALID (a short lock)
    and validated after its index is built concurrently, so no write to the table waits."""

    atomic = False

    dependencies = [
        ("backrelease", "0009_mail_counted_by_limits"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonSession",
            fields=[
                (
                    "session_key",
                    models.CharField(
                        max_length=40,
                        primary_key=True,
                        serialize=False,
                        verbose_name="session key",
                    ),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                (
                    "person",
                    models.ForeignKey(
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "django_session",
                "managed": False,
            },
        ),
        migrations.RunSQL(
            "BEGIN; SET LOCAL lock_timeout = '5s';"
            " ALTER TABLE django_session ADD COLUMN IF NOT EXISTS person_id bigint NULL;"
            " ALTER TABLE django_session ADD CONSTRAINT django_session_person_id_fk"
            " FOREIGN KEY (person_id) REFERENCES backrelease_user (id) ON DELETE CASCADE NOT VALID;"
            " COMMIT;",
            "ALTER TABLE django_session DROP COLUMN IF EXISTS person_id",
        ),
        migrations.RunSQL(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS django_session_person_id"
            " ON django_session (person_id)",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "ALTER TABLE django_session VALIDATE CONSTRAINT django_session_person_id_fk",
            migrations.RunSQL.noop,
        ),
    ]
