"""Issue 6 (getting data in and out): a calendar-feed secret for every user, and evidence
that may have no author (imported from the command line without --user).

Added in three steps so that existing users each get their own token: a nullable column,
a token per row, then the unique constraint.
"""

import secrets

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import tracker.models.users


def fill_tokens(apps, schema_editor):
    User = apps.get_model("tracker", "User")
    for user in User.objects.filter(calendar_token__isnull=True).only("pk"):
        User.objects.filter(pk=user.pk).update(calendar_token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [("tracker", "0005_early_warnings_extensions_dependencies")]

    operations = [
        migrations.AlterField(
            model_name="evidence",
            name="logged_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="calendar_token",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="calendar_token",
            field=models.CharField(
                default=tracker.models.users.new_calendar_token,
                editable=False,
                max_length=64,
                unique=True,
            ),
        ),
    ]
