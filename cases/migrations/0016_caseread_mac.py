"""Each read carries a MAC of its own fields, checked until (and when) it is sealed.

Adding the column does not touch existing rows (PostgreSQL stores the default in the catalogue),
so the read log's append-only triggers do not fire. Reads from before it have an empty MAC: they
were sealed when their request committed; one left unsealed by a crash must be sealed before
this migration (`manage.py verify_read_log`), or the checks report it as altered.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_desk_item"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseread",
            name="mac",
            field=models.BinaryField(default=b"", editable=False, max_length=32),
        ),
    ]
