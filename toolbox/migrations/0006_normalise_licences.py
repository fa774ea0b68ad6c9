"""Licences saved before license-expression in their SPDX form: deprecated ids (GPL-3.0, AGPL-3.0,
LGPL-2.1, GPL-2.0+) become their current ones (GPL-3.0-only…), as the forms now save them."""

from django.db import migrations


def normalise_licences(apps, schema_editor):
    from license_expression import get_spdx_licensing

    licensing = get_spdx_licensing()
    Tool = apps.get_model("toolbox", "Tool")
    for pk, licence in Tool.objects.exclude(licence_spdx="").values_list("pk", "licence_spdx"):
        try:
            normal = str(licensing.parse(licence, strict=True))
        except Exception:  # left as it is: its next edit asks for a valid one
            continue
        if normal != licence and len(normal) <= 200:
            Tool.objects.filter(pk=pk).update(licence_spdx=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("toolbox", "0005_text_length_caps"),
    ]

    operations = [migrations.RunPython(normalise_licences, migrations.RunPython.noop)]
