"""The demo data set: the Pakistan–Afghanistan counter-terrorism accord of the seed article.

One source: the agreement is `docs/examples/pak-afg.yaml`, imported through the importer as
any file is. The file is dated as if loaded on `EXAMPLE_DAY`; every date in it is moved by
as many days as today is after that, so that whenever it is loaded the demo has overdue,
due-soon and implemented commitments. The agreement is public (its pages under /public/), and
has a published interim assessment round 1, cut off four weeks ago, with a reply from
Afghanistan's representative (docs/rounds.md). Loading it again changes nothing.
"""

import re
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .. import services
from ..import_files import read_document
from ..importer import run_import
from ..models import Agreement, Party, Role, RoundKind, User

SLUG = "pak-afg-counter-terrorism"
FOLLOW_UP = "Follow-up meeting on benchmarks and timelines"
EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "pak-afg.yaml"
# The day the example's dates are those of a demo loaded that day.
EXAMPLE_DAY = date(2026, 11, 29)

DEMO_USERS = [
    # username, role, password, staff (may open the admin)
    ("viewer", Role.VIEWER, "viewer-demo", False),
    ("analyst", Role.ANALYST, "analyst-demo", False),
    ("editor", Role.EDITOR, "editor-demo", True),
    ("admin", Role.ADMIN, "admin-demo", True),
]

# The keys of the import format that hold a date, a moment, or a timeline that may name a day.
# Not an extension's `recorded_at`: it is the extension's natural key, so the file imported
# into a demo loaded on any day still finds the extension recorded rather than refusing it.
DATE_KEYS = {"signed_on", "published_on", "date", "occurred_on", "source_date"}
MOMENT_KEYS = {"at", "logged_at", "retracted_at"}
TIMELINE_KEYS = {"timeline", "from_timeline"}
BY_DAY = re.compile(r"by (\d{1,2} \w+ \d{4})")
# Afghanistan's representative, who replies to the assessment rounds for Afghanistan.
REPRESENTATIVE = ("afg-rep", "AFG", "afg-rep-demo")
ROUND_CUTOFF_DAYS = 28


def load_demo(*, today: date | None = None) -> tuple[bool, list[tuple[str, str, str]]]:
    """Load the demo agreement and users. Returns (created, [(username, role, password)])."""
    today = today or timezone.localdate()
    with transaction.atomic():
        users = _users()
        if Agreement.objects.filter(slug=SLUG).exists():
            return False, users + _representative()
        editor = User.objects.get(username="editor")
        run_import(demo_document(today), file_name=EXAMPLE.name, by=editor)
        # Public (issue 22), so that the demo shows /public/, its feeds and its card.
        agreement = Agreement.objects.get(slug=SLUG)
        agreement.is_public = True
        services.agreement_save(agreement=agreement, parties=agreement.parties.all(), by=editor)
        users += _representative()
        _published_round(agreement, editor, today)
    services.overdue_scan(today=today)
    return True, users


def _representative() -> list[tuple[str, str, str]]:
    """Afghanistan's representative: a viewer who replies to rounds for Afghanistan."""
    username, code, password = REPRESENTATIVE
    party = Party.objects.filter(code=code).first()
    if party is None:
        return []
    user, created = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org", "represents_party": party}
    )
    if created:
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=Role.VIEWER.label))
    return [(username, f"{Role.VIEWER.label}, replies for {party.name}", password)]


def _published_round(agreement: Agreement, editor: User, today: date) -> None:
    """Round 1, interim, cut off four weeks ago: reviewed, replied to by Afghanistan's
    representative about the joint border patrols, and published."""
    round_ = services.round_open(
        agreement=agreement,
        kind=RoundKind.INTERIM,
        cutoff=today - timedelta(days=ROUND_CUTOFF_DAYS),
        by=editor,
    )
    services.round_to_review(round_=round_, by=editor)
    representative = User.objects.get(username=REPRESENTATIVE[0])
    patrols = next(
        item
        for item in round_.snapshot["commitments"]
        if item["title"] == "Create joint border patrols"
    )
    services.round_reply(
        round_=round_,
        commitment_id=patrols["id"],
        party=representative.represents_party,
        text="Afghan border police joined the first patrols near Torkham; two of the four "
        "agreed sectors are patrolled jointly.",
        recalibrated_score=2,
        recalibration_reason="Two of the four sectors are patrolled: partly implemented.",
        by=representative,
    )
    services.round_publish(round_=round_, by=editor)


def demo_document(today: date) -> dict:
    """The example file as the importer reads it, its dates moved to count back from `today`."""
    document = read_document(EXAMPLE.name, EXAMPLE.read_bytes())
    return _shifted(document, today - EXAMPLE_DAY)


def _shifted(value, days: timedelta):
    if isinstance(value, list):
        return [_shifted(item, days) for item in value]
    if not isinstance(value, dict):
        return value
    moved = {}
    for key, item in value.items():
        if not isinstance(item, str):
            moved[key] = _shifted(item, days)
        elif key in DATE_KEYS:
            moved[key] = (date.fromisoformat(item) + days).isoformat()
        elif key in MOMENT_KEYS:
            moved[key] = (datetime.fromisoformat(item) + days).isoformat()
        elif key in TIMELINE_KEYS:
            moved[key] = BY_DAY.sub(lambda m: _day_moved(m[1], days), item)
        else:
            moved[key] = item
    return moved


def _day_moved(day: str, days: timedelta) -> str:
    moved = datetime.strptime(day, "%d %B %Y").date() + days
    return f"by {moved.day} {moved:%B %Y}"


def _users() -> list[tuple[str, str, str]]:
    logins = []
    for username, role, password, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "is_staff": staff},
        )
        if created:
            user.is_superuser = role == Role.ADMIN
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=role.label))
        logins.append((username, role.label, password))
    return logins
