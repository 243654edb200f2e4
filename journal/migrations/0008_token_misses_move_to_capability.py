# The count of wrong tokens now covers every capability URL and lives in the capability app
# (capability.0001_initial). It holds only the last ten minutes, so the table is dropped rather
# than moved.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0007_share_range_ends_by_expiry"),
    ]

    operations = [
        migrations.DeleteModel(name="ShareTokenMiss"),
    ]
