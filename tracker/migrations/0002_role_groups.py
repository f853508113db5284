from django.db import migrations


def sync_roles(apps, schema_editor):
    from tracker.roles import sync_role_groups

    sync_role_groups(apps, create_permissions=True)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
