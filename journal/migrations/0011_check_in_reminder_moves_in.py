import django.db.models.deletion
import django.db.models.functions.datetime
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The weekly check-in's reminder, moved from the sessions app with its table
    (`release_sessions.0008`): nothing changes in the database."""

    dependencies = [
        ('release_sessions', '0008_reminders_move_out'),
        ('journal', '0010_own_tags'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CheckInReminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')], default=6)),
                        ('at', models.TimeField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True, db_default=django.db.models.functions.datetime.Now())),
                        ('person', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='check_in_reminder', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'release_sessions_checkinreminder',
                        'constraints': [models.CheckConstraint(condition=models.Q(('weekday__in', [0, 1, 2, 3, 4, 5, 6])), name='check_in_reminder_day_is_a_weekday')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
