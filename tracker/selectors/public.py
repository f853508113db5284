"""What the public pages, feeds, embeds and the open dataset read (issue 22).

`agreements_public()` is the only way any of them finds an agreement: public and not
restricted to teams (the database refuses the two together; both are asked here all the
same). Everything below starts from it, and what leaves for the public is copied into plain
values, field by field, with the agreement's settings applied: an analyst is "an analyst"
unless the agreement names them, a retracted piece of evidence keeps its date and reason but
not its content unless the agreement publishes it, a milestone's note only when published.
A template can show only what these values hold.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils.translation import gettext

from ..models import Agreement, Commitment, Evidence, Party, StatusChange, User
from .commitment_page import commitment_history

ANALYST = "an analyst"


def agreements_public() -> QuerySet[Agreement]:
    """Agreements anyone may read: public, never restricted to teams."""
    return Agreement.objects.filter(is_public=True, is_restricted=False)


def commitments_public() -> QuerySet[Commitment]:
    """Commitments of public agreements."""
    return Commitment.objects.filter(agreement__in=agreements_public())


def parties_public() -> QuerySet[Party]:
    """The parties of public agreements: those a public filter offers."""
    return Party.objects.filter(agreements__in=agreements_public()).distinct().order_by("name")


def public_name(user: User | None, agreement: Agreement, *, internal: bool = False) -> str:
    """Who did it, as a public page says it: "an analyst" unless the agreement names them
    (`internal`: as a member's private feed says it, by name)."""
    if internal:
        return user.get_username() if user else "someone"
    if user is None:
        return ANALYST if not agreement.public_analyst_names else "someone"
    if not agreement.public_analyst_names:
        return ANALYST
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class PublicEvidence:
    pk: int
    logged_at: datetime
    who: str
    stance: str
    stance_label: str
    grading: str
    reliability_label: str
    credibility_label: str
    claimed_by: str
    occurred_on: date | None
    withheld: bool  # retracted, and its content not published
    summary: str
    quote: str
    source_url: str
    source_title: str
    source_publisher: str
    source_date: date | None
    retracted_at: datetime | None
    retraction_reason: str


def public_evidence(
    evidence: Evidence, agreement: Agreement, *, internal: bool = False
) -> PublicEvidence:
    """A piece of evidence as the public may read it (`internal`: as a member may)."""
    withheld = evidence.is_retracted and not (internal or agreement.public_retracted_content)

    def shown(value):
        return "" if withheld else value

    return PublicEvidence(
        pk=evidence.pk,
        logged_at=evidence.logged_at,
        who=public_name(evidence.logged_by, agreement, internal=internal),
        stance=evidence.stance,
        stance_label=evidence.get_stance_display(),
        grading=evidence.grading,
        reliability_label=evidence.get_reliability_display(),
        credibility_label=evidence.get_credibility_display(),
        claimed_by=evidence.claimed_by.code if evidence.claimed_by else "",
        occurred_on=None if withheld else evidence.occurred_on,
        withheld=withheld,
        summary=shown(evidence.summary),
        quote=shown(evidence.quote),
        source_url=shown(evidence.source_url),
        source_title=shown(evidence.source_title),
        source_publisher=shown(evidence.source_publisher),
        source_date=None if withheld else evidence.source_date,
        retracted_at=evidence.retracted_at,
        retraction_reason=evidence.retraction_reason,
    )


@dataclass(frozen=True)
class PublicEntry:
    """One line of a commitment's public history: `kind` is status, evidence, flagged,
    cleared or extension, and the fields that kind uses are filled."""

    at: datetime
    kind: str
    anchor: str = ""  # the page's id for it, which the feeds link to
    who: str = ""
    from_status: str = ""
    to_status: str = ""
    reason: str = ""
    cited: PublicEvidence | None = None
    evidence: PublicEvidence | None = None
    due_on: date | None = None
    clear_reason: str = ""
    previous_due_on: date | None = None
    previous_wording: str = ""
    new_due_on: date | None = None
    new_wording: str = ""
    source_title: str = ""
    source_url: str = ""


def public_history(commitment: Commitment) -> list[PublicEntry]:
    """The commitment's history (status changes with their reasons, evidence, overdue flags,
    extensions), newest first, as the public may read it: `commitment_history`'s four
    queries, then copied under the agreement's settings."""
    agreement = commitment.agreement
    history, evidence = commitment_history(commitment)
    shown = {item.pk: public_evidence(item, agreement) for item in evidence}
    entries = []
    for entry in history:
        item = entry.item
        if entry.kind == "evidence":
            entries.append(
                PublicEntry(
                    at=entry.at,
                    kind="evidence",
                    anchor=f"evidence-{item.pk}",
                    evidence=shown[item.pk],
                )
            )
        elif entry.kind == "status":
            entries.append(
                PublicEntry(
                    at=entry.at,
                    kind="status",
                    anchor=f"status-{item.pk}",
                    who=public_name(item.changed_by, agreement),
                    from_status=item.from_status,
                    to_status=item.to_status,
                    reason=item.reason,
                    cited=shown.get(item.evidence_id),
                )
            )
        elif entry.kind == "extension":
            entries.append(
                PublicEntry(
                    at=entry.at,
                    kind="extension",
                    who=public_name(item.recorded_by, agreement),
                    previous_due_on=item.previous_due_on,
                    previous_wording=item.previous_wording,
                    new_due_on=item.new_due_on,
                    new_wording=item.new_wording,
                    reason=item.reason,
                    source_title=item.source_title,
                    source_url=item.source_url,
                )
            )
        else:
            entries.append(
                PublicEntry(
                    at=entry.at,
                    kind=entry.kind,
                    due_on=item.due_on,
                    clear_reason=item.get_clear_reason_display() if entry.kind == "cleared" else "",
                )
            )
    return entries


@dataclass(frozen=True)
class FeedEntry:
    """A status change or a new piece of evidence, as a feed's entry says it."""

    uid: str
    at: datetime
    kind: str  # "status" or "evidence"
    agreement_slug: str
    agreement_title: str
    commitment_id: int
    reference: str
    commitment_title: str
    who: str
    title: str
    text: str


def _status_entry(change, internal: bool) -> FeedEntry:
    commitment = change.commitment
    agreement = commitment.agreement
    return FeedEntry(
        uid=f"status-{change.pk}",
        at=change.changed_at,
        kind="status",
        agreement_slug=agreement.slug,
        agreement_title=agreement.title,
        commitment_id=commitment.pk,
        reference=commitment.reference,
        commitment_title=commitment.title,
        who=public_name(change.changed_by, agreement, internal=internal),
        title=f"{commitment.reference} {commitment.title}: "
        f"{change.get_from_status_display()} → {change.get_to_status_display()}",
        text=change.reason,
    )


def _evidence_entry(evidence, internal: bool) -> FeedEntry:
    commitment = evidence.commitment
    agreement = commitment.agreement
    shown = public_evidence(evidence, agreement, internal=internal)
    text = shown.summary
    if shown.source_url or shown.source_title:
        text += "\n\n" + gettext("Source: %(source)s") % {
            "source": shown.source_title or shown.source_url
        }
        text += f" ({shown.source_url})" if shown.source_url and shown.source_title else ""
    if shown.retracted_at:
        withheld = " " + gettext("Its content is not published.") if shown.withheld else ""
        retracted = gettext("Retracted: %(reason)s.") % {"reason": shown.retraction_reason}
        text = f"{text}\n\n{retracted}{withheld}".strip()
    return FeedEntry(
        uid=f"evidence-{evidence.pk}",
        at=evidence.logged_at,
        kind="evidence",
        agreement_slug=agreement.slug,
        agreement_title=agreement.title,
        commitment_id=commitment.pk,
        reference=commitment.reference,
        commitment_title=commitment.title,
        who=shown.who,
        title=gettext("%(reference)s %(title)s: evidence (%(stance)s, graded %(grading)s)")
        % {
            "reference": commitment.reference,
            "title": commitment.title,
            "stance": shown.stance_label.lower(),
            "grading": shown.grading,
        },
        text=text,
    )


def public_feed_entries(*, agreements: QuerySet[Agreement], limit: int) -> list[FeedEntry]:
    """The newest `limit` status changes and pieces of evidence of `agreements` (public ones:
    `agreements_public()` or one of them), newest first, in two queries."""
    return feed_entries(agreements=agreements, limit=limit, internal=False)


def feed_entries(*, agreements: QuerySet[Agreement], limit: int, internal: bool) -> list[FeedEntry]:
    """The newest `limit` status changes and pieces of evidence of `agreements`, newest
    first, in two queries: for the public (`internal=False`, under each agreement's settings)
    or for a member who may see them all (names and retracted content shown)."""
    changes = (
        StatusChange.objects.filter(commitment__agreement__in=agreements)
        .select_related("commitment__agreement", "changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )
    evidence = (
        Evidence.objects.filter(commitment__agreement__in=agreements)
        .select_related("commitment__agreement", "logged_by", "claimed_by")
        .order_by("-logged_at", "-id")[:limit]
    )
    entries = [_status_entry(change, internal) for change in changes]
    entries += [_evidence_entry(item, internal) for item in evidence]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
