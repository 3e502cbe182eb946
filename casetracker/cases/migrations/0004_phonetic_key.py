from django.db import migrations, models


def fill_keys(apps, schema_editor):
    # The keys of names saved before this migration; later changes to the transliteration
    # tables are applied with `manage.py rebuildnamekeys`.
    from casetracker.names.keys import rebuild_keys

    for model_name in ("Person", "Alias"):
        rebuild_keys(apps.get_model("cases", model_name).objects.all())


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="alias",
            name="phonetic_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="historicalalias",
            name="phonetic_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="historicalperson",
            name="phonetic_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="person",
            name="phonetic_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
