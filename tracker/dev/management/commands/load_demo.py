from django.core.management.base import BaseCommand

from tracker.dev.demo import SLUG, load_demo


class Command(BaseCommand):
    help = (
        "Load the seed agreement (Pakistan–Afghanistan), its commitments, evidence and one "
        "demo user per role; the agreement is public (/public/). Dates count back from today. "
        "Running it again changes nothing."
    )

    def handle(self, *args, **options) -> None:
        created, logins = load_demo()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo agreement “{SLUG}”."))
        else:
            self.stdout.write(f"The demo agreement “{SLUG}” is already loaded; nothing changed.")
        self.stdout.write("Demo logins (username / password, role; passwords set on first load):")
        for username, role, password in logins:
            self.stdout.write(f"  {username:<8} / {password:<14} {role}")
