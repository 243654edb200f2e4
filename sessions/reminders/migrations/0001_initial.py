import django.contrib.postgres.fields
import django.db.models.deletion
import django.db.models.functions.datetime
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The session reminders and the calendar feed, moved from the sessions app with their tables
    (`release_sessions.0008`): nothing changes in the database."""

    initial = True

    dependencies = [
        ('release_sessions', '0008_reminders_move_out'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CalendarFeed',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token_hash', models.CharField(max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('last_fetched_at', models.DateTimeField(blank=True, null=True)),
                        ('person', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feed', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'release_sessions_calendarfeed',
                    },
                ),
                migrations.CreateModel(
                    name='SessionReminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('weekdays', django.contrib.postgres.fields.ArrayField(base_field=models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')]), size=7)),
                        ('at', models.TimeField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True, db_default=django.db.models.functions.datetime.Now())),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='session_reminders', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'release_sessions_sessionreminder',
                        'ordering': ['at'],
                        'constraints': [models.UniqueConstraint(fields=('person', 'at'), name='one_session_reminder_a_time', violation_error_message='You already have a reminder at that time.'), models.CheckConstraint(condition=models.Q(('weekdays__contained_by', [0, 1, 2, 3, 4, 5, 6]), ('weekdays__len__gte', 1)), name='session_reminder_days_are_weekdays')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
