from django.db import migrations, models

from backrelease.common.schema_changes import SetLockTimeout


class Migration(migrations.Migration):
    dependencies = [
        ("backrelease", "0011_database_time_zone"),
    ]

    operations = [
        SetLockTimeout(),
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[("en-gb", "English"), ("de", "Deutsch"), ("es", "Español")],
                help_text="The pages, the spoken guidance and the mails the app sends you use it.",
                max_length=16,
                verbose_name="language",
            ),
        ),
    ]
