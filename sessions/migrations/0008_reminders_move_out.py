from django.db import migrations


class Migration(migrations.Migration):
    """The reminders leave this app for `reminders` and `journal`; their tables stay as they are."""

    dependencies = [
        ('release_sessions', '0007_corrected_at'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='calendarfeed',
                    name='person',
                ),
                migrations.RemoveConstraint(
                    model_name='checkinreminder',
                    name='check_in_reminder_day_is_a_weekday',
                ),
                migrations.RemoveConstraint(
                    model_name='sessionreminder',
                    name='one_session_reminder_a_time',
                ),
                migrations.RemoveConstraint(
                    model_name='sessionreminder',
                    name='session_reminder_days_are_weekdays',
                ),
                migrations.DeleteModel(
                    name='CalendarFeed',
                ),
                migrations.RemoveField(
                    model_name='sessionreminder',
                    name='person',
                ),
                migrations.DeleteModel(
                    name='CheckInReminder',
                ),
                migrations.DeleteModel(
                    name='SessionReminder',
                ),
            ],
            database_operations=[],
        ),
    ]
