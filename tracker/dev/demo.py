"""The demo data set: the Pakistan–Afghanistan counter-terrorism accord of the seed article.

Dates count back from `today`, so that whenever it is loaded the demo has overdue, due-soon
and implemented commitments. Loading it again changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .. import deadlines, services
from ..models import (
    Agreement,
    AgreementStatus,
    Commitment,
    CommitmentStatus,
    Milestone,
    MilestoneKind,
    Party,
    Priority,
    Role,
    Source,
    Stance,
    Theme,
    User,
)

SLUG = "pak-afg-counter-terrorism"
SIGNED_DAYS_AGO = 110
FOLLOW_UP = "Follow-up meeting on benchmarks and timelines"

DEMO_USERS = [
    # username, role, password, staff (may open the admin)
    ("viewer", Role.VIEWER, "viewer-demo", False),
    ("analyst", Role.ANALYST, "analyst-demo", False),
    ("editor", Role.EDITOR, "editor-demo", True),
    ("admin", Role.ADMIN, "admin-demo", True),
]

SUMMARY = (
    "Pakistan and Afghanistan committed to strengthen their collaboration against "
    "cross-border terrorism: intelligence sharing, coordinated security operations, joint "
    "border patrols and regular high-level consultations, with a follow-up meeting the next "
    "month to set benchmarks and timelines."
)


@dataclass
class DemoCommitment:
    reference: str
    title: str
    theme: Theme
    wording: str
    status: CommitmentStatus = CommitmentStatus.NOT_STARTED
    parties: tuple[str, ...] = ("PAK", "AFG")
    from_follow_up: bool = False
    priority: Priority = Priority.MEDIUM
    description: str = ""
    # (days after signing, status, reason) steps that lead to `status`
    history: list[tuple[int, CommitmentStatus, str]] = field(default_factory=list)
    # (days after signing, stance, reliability, credibility, summary, quote)
    evidence: list[tuple[int, Stance, str, int, str, str]] = field(default_factory=list)


def _commitments(today: date) -> list[DemoCommitment]:
    S, T = CommitmentStatus, Theme
    task_force_due = today + timedelta(days=12)
    return [
        DemoCommitment(
            "1.1",
            "Improve intelligence exchange on terrorist activities and movements",
            T.INTELLIGENCE,
            "ongoing",
            S.IN_PROGRESS,
            priority=Priority.HIGH,
            description="Both nations will enhance communication regarding terrorist "
            "activities and movements.",
            history=[(20, S.IN_PROGRESS, "Liaison officers named on both sides.")],
            evidence=[
                (
                    18,
                    Stance.PROGRESS,
                    "B",
                    2,
                    "Liaison officers for intelligence exchange named by both interior ministries.",
                    "",
                )
            ],
        ),
        DemoCommitment(
            "1.2",
            "Plan coordinated military operations against strongholds near the border",
            T.JOINT_OPERATIONS,
            "within 6 months",
            priority=Priority.HIGH,
        ),
        DemoCommitment(
            "1.3",
            "Hold regular high-level consultations to evaluate progress",
            T.DIALOGUE,
            "ongoing",
            S.IN_PROGRESS,
            history=[(31, S.IN_PROGRESS, "First consultation held at the follow-up meeting.")],
        ),
        DemoCommitment(
            "2.1",
            "Create joint border patrols",
            T.BORDER,
            "Within 3 months",
            S.IN_PROGRESS,
            priority=Priority.HIGH,
            history=[(45, S.IN_PROGRESS, "Patrol routes agreed by the border commands.")],
            evidence=[
                (
                    44,
                    Stance.PROGRESS,
                    "C",
                    3,
                    "Border commanders met and agreed four patrol sectors.",
                    "",
                ),
                (
                    85,
                    Stance.SETBACK,
                    "B",
                    2,
                    "Crossings closed after a clash; no joint patrol has taken place yet.",
                    "",
                ),
            ],
        ),
        DemoCommitment(
            "2.2",
            "Create communication networks",
            T.COMMUNICATIONS,
            "Within 1 month",
            S.IMPLEMENTED,
            history=[
                (10, S.IN_PROGRESS, "Hotline equipment delivered."),
                (26, S.IMPLEMENTED, "Hotline between the border commands is live."),
            ],
            evidence=[
                (
                    25,
                    Stance.PROGRESS,
                    "B",
                    2,
                    "Hotline between the two border commands activated and tested.",
                    "",
                )
            ],
        ),
        DemoCommitment(
            "2.3",
            "Hold a follow-up meeting to set benchmarks and timelines",
            T.DIALOGUE,
            "next month",
            S.IMPLEMENTED,
            history=[(31, S.IMPLEMENTED, "The follow-up meeting took place.")],
            evidence=[
                (
                    31,
                    Stance.PROGRESS,
                    "A",
                    1,
                    "Follow-up meeting held; joint communiqué lists benchmarks.",
                    "",
                )
            ],
        ),
        DemoCommitment(
            "3.1",
            "Increase joint military exercises on counterterrorism tactics",
            T.JOINT_OPERATIONS,
            "within two weeks",
            S.STALLED,
            from_follow_up=True,
            history=[
                (40, S.IN_PROGRESS, "Exercise planning cell set up."),
                (60, S.STALLED, "First exercise postponed without a new date."),
            ],
            evidence=[
                (
                    58,
                    Stance.SETBACK,
                    "D",
                    4,
                    "Local press reports the first exercise was postponed.",
                    "",
                )
            ],
        ),
        DemoCommitment(
            "3.2",
            "Escalate intelligence-sharing protocols for rapid responses",
            T.INTELLIGENCE,
            "within 135 days",
            S.IN_PROGRESS,
            history=[(70, S.IN_PROGRESS, "Draft protocol exchanged.")],
        ),
        DemoCommitment(
            "3.3",
            "Form specialised task forces targeting known terrorist havens",
            T.JOINT_OPERATIONS,
            f"by {task_force_due.day} {task_force_due:%B %Y}",
            priority=Priority.HIGH,
        ),
        DemoCommitment(
            "4.1",
            "Create structures for cyclical high-level dialogues",
            T.DIALOGUE,
            "within a year",
        ),
        DemoCommitment(
            "4.2",
            "Launch community outreach programmes in border districts",
            T.COMMUNITY,
            "within fourteen (14) months",
            parties=("AFG",),
        ),
        DemoCommitment(
            "4.3",
            "Encourage cross-border trade projects",
            T.TRADE,
            "ongoing",
            priority=Priority.LOW,
        ),
        DemoCommitment(
            "5.1",
            "Share actionable intelligence to thwart planned attacks",
            T.INTELLIGENCE,
            "ongoing",
            S.PARTIAL,
            history=[
                (30, S.IN_PROGRESS, "First alerts exchanged."),
                (90, S.PARTIAL, "Alerts flow one way only so far."),
            ],
        ),
        DemoCommitment(
            "5.2",
            "Conduct joint military drills preparing forces for coordinated action",
            T.JOINT_OPERATIONS,
            "Within 3 months",
        ),
        DemoCommitment(
            "5.3",
            "Run public awareness campaigns on the dangers of radicalisation",
            T.PUBLIC_AWARENESS,
            "within 6 months",
            parties=("PAK",),
            from_follow_up=True,
            priority=Priority.LOW,
        ),
    ]


def load_demo(*, today: date | None = None) -> tuple[bool, list[tuple[str, str, str]]]:
    """Load the demo agreement and users. Returns (created, [(username, role, password)])."""
    today = today or timezone.localdate()
    with transaction.atomic():
        users = _users()
        if Agreement.objects.filter(slug=SLUG).exists():
            return False, users
        _agreement(today, by=User.objects.get(username="analyst"))
    services.overdue_scan(today=today)
    return True, users


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


def _agreement(today: date, *, by: User) -> Agreement:
    signed_on = today - timedelta(days=SIGNED_DAYS_AGO)
    editor = User.objects.get(username="editor")
    parties = {
        code: services.party_get_or_create(party=Party(code=code, name=name))
        for code, name in (("PAK", "Pakistan"), ("AFG", "Afghanistan"))
    }
    agreement = services.agreement_save(
        agreement=Agreement(
            slug=SLUG,
            title="Pakistan–Afghanistan accord on countering cross-border terrorism",
            signed_on=signed_on,
            signed_on_kind=Agreement.DateKind.ANNOUNCED,
            status=AgreementStatus.IN_FORCE,
            summary=SUMMARY,
        ),
        parties=parties.values(),
        by=editor,
    )
    Source.objects.create(
        agreement=agreement,
        kind=Source.Kind.ARTICLE,
        title="Pakistan and Afghanistan Unite to Combat Cross-Border Terrorism",
        publisher="Seed article",
        published_on=signed_on + timedelta(days=1),
    )
    follow_up = services.milestone_save(
        milestone=Milestone(
            agreement=agreement,
            kind=MilestoneKind.MEETING,
            name=FOLLOW_UP,
            date=deadlines.due_date("next month", signed_on),
        ),
        by=editor,
    )
    for item in _commitments(today):
        commitment = services.commitment_save(
            commitment=Commitment(
                agreement=agreement,
                reference=item.reference,
                title=item.title,
                description=item.description,
                theme=item.theme,
                priority=item.priority,
                timeline_wording=item.wording,
                deadline_milestone=follow_up if item.from_follow_up else None,
            ),
            responsible=[parties[code] for code in item.parties],
            by=editor,
        )
        _history(commitment, item, signed_on, by=by)
    _warnings(agreement, parties, today, by=by)
    return agreement


def _warnings(agreement: Agreement, parties: dict, today: date, *, by: User) -> None:
    """A disputed claim, a dependency on an overdue commitment, and an extended deadline."""
    by_reference = {c.reference: c for c in agreement.commitments.all()}
    patrols = by_reference["2.1"]
    for code, stance, summary, publisher in (
        ("PAK", Stance.PROGRESS, "Pakistan's army says joint patrols began at Torkham.", "ISPR"),
        ("AFG", Stance.SETBACK, "Kabul denies that any joint patrol has taken place.", "MoD"),
    ):
        services.evidence_log(
            commitment=patrols,
            by=by,
            summary=summary,
            stance=stance,
            claimed_by=parties[code],
            source_publisher=publisher,
            reliability="C",
            credibility=3,
        )
    services.commitment_set_dependencies(commitment=by_reference["3.3"], prerequisites=[patrols])
    new_date = today + timedelta(days=40)
    services.commitment_extend_deadline(
        commitment=by_reference["5.2"],
        wording=f"by {new_date.day} {new_date:%B %Y}",
        reason="Postponed by both defence ministries after the border clash.",
        source_title="Joint press release",
        by=User.objects.get(username="editor"),
    )


def _history(commitment: Commitment, item: DemoCommitment, signed_on: date, *, by: User) -> None:
    def moment(days: int) -> datetime:
        return timezone.make_aware(datetime.combine(signed_on + timedelta(days=days), time(10)))

    logged = []
    for days, stance, reliability, credibility, summary, quote in item.evidence:
        logged.append(
            services.evidence_log(
                commitment=commitment,
                by=by,
                at=moment(days),
                summary=summary,
                occurred_on=signed_on + timedelta(days=days - 1),
                stance=stance,
                reliability=reliability,
                credibility=credibility,
                quote=quote,
            )
        )
    for days, status, reason in item.history:
        cited = next((e for e in reversed(logged) if e.logged_at <= moment(days)), None)
        services.commitment_set_status(
            commitment=commitment,
            status=status,
            reason=reason,
            by=by,
            evidence=cited,
            at=moment(days),
        )
