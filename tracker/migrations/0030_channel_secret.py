"""Notification channels' Apprise URLs encrypted at rest (`tracker.models.secrets`): the column
becomes text (a Fernet token is longer than its URL) and the existing URLs are encrypted with
the current SECRET_KEY; undone, they are decrypted back (with SECRET_KEY or a fallback).

The rows are read and written with SQL, not the ORM: the historical model's field is the
encrypting field itself, which would decrypt on reading and encrypt on writing."""

from django.db import migrations

from tracker.models import secrets


def _rewrite(apps, schema_editor, change) -> None:
    model = apps.get_model("tracker", "NotificationChannel")
    table = schema_editor.quote_name(model._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, url FROM {table} WHERE url <> ''")
        changed = [(new, pk) for pk, url in cursor.fetchall() if (new := change(url)) != url]
        if changed:
            cursor.executemany(f"UPDATE {table} SET url = %s WHERE id = %s", changed)


def _encrypted(url: str) -> str:
    try:
        secrets.decrypt(url)
    except secrets.SecretUnreadable:
        return secrets.encrypt(url)
    return url  # encrypted already: a plain URL is never a valid token


def _decrypted(token: str) -> str:
    try:
        return secrets.decrypt(token)
    except secrets.SecretUnreadable:
        raise RuntimeError(
            "A notification channel's Apprise URL cannot be decrypted with DJANGO_SECRET_KEY or "
            "DJANGO_SECRET_KEY_FALLBACKS; add the key it was encrypted with, or delete the "
            "channels that `manage.py reencrypt_channels` reports unreadable, then try again."
        ) from None


def encrypt_urls(apps, schema_editor) -> None:
    _rewrite(apps, schema_editor, _encrypted)


def decrypt_urls(apps, schema_editor) -> None:
    _rewrite(apps, schema_editor, _decrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0028_languages"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notificationchannel",
            name="url",
            field=secrets.EncryptedTextField(blank=True, editable=False, max_length=2000),
        ),
        migrations.RunPython(encrypt_urls, decrypt_urls),
    ]
