from django.core.management.base import BaseCommand, CommandError

from tracker.notifications import channels


class Command(BaseCommand):
    help = (
        "Encrypt every notification channel's Apprise URL again with the current "
        "DJANGO_SECRET_KEY, after a rotation, so that the old key can leave "
        "DJANGO_SECRET_KEY_FALLBACKS (docs/operations.md). One transaction. Exit 1 if any URL "
        "cannot be decrypted with any key: those channels' users must add them again."
    )

    def handle(self, *args, **options) -> None:
        result = channels.channels_reencrypt()
        self.stdout.write(
            f"Re-encrypted {result.reencrypted} channel URLs with the current key "
            f"({result.from_fallback} were under a key of DJANGO_SECRET_KEY_FALLBACKS)."
        )
        if result.unreadable:
            raise CommandError(
                f"{result.unreadable} channel URLs cannot be decrypted with DJANGO_SECRET_KEY "
                "or any of DJANGO_SECRET_KEY_FALLBACKS: put the key they were encrypted with "
                "back in the fallbacks and run this again, or their users must add those "
                "channels again (sending to them fails and pauses them).",
                returncode=1,
            )
