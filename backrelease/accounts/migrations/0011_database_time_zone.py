from django.db import migrations


class Migration(migrations.Migration):
    """Sessions on this database start in UTC, the zone Django keeps its connections in (USE_TZ).
    On any other zone (Debian's initdb writes the machine's, `Etc/UTC`), Django sends `SET TIME
    ZONE 'UTC'` on every new connection: a session-level SET, which behind PgBouncer in
    transaction pooling lands on a shared server connection (docs/deploy/pgbouncer.ini resets
    each one after every transaction). Needs the app's role to own the database, as it does."""

    dependencies = [
        ("backrelease", "0010_person_sessions"),
    ]

    operations = [
        migrations.RunSQL(
            "DO $$ BEGIN EXECUTE format("
            "'ALTER DATABASE %I SET timezone TO %L', current_database(), 'UTC'); END $$",
            "DO $$ BEGIN EXECUTE format("
            "'ALTER DATABASE %I RESET timezone', current_database()); END $$",
        ),
    ]
