"""DLA structures and adviser profiles now belong to advisers (advisers 0006), which keeps
their tables: they leave accounts' state only, no table is dropped."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_membershipchange"),
        ("advisers", "0006_adviser_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AdviserProfile"),
                migrations.DeleteModel(name="DlaStructure"),
            ],
            database_operations=[],
        ),
    ]
