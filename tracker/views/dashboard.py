from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import pagecache, selectors
from ..models import JobName
from .common import member_required

CARD_LIMIT = 12
LIST_LIMIT = 10


@member_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The analyst's morning page: headline figures, one card per agreement, what is late.

    Everything below the scan's status is one fragment, cached until the data changes
    (tracker/pagecache.py) for everyone who sees the same agreements."""
    today = timezone.localdate()
    user = request.user
    content, context = pagecache.cached_fragment(
        request,
        "tracker/overview.html#overview-content",
        ("overview", today, user.role, selectors.visibility_scope(user)),
        lambda: _overview_content(user, today),
    )
    last_scan = selectors.last_job_run(JobName.FLAG_OVERDUE)
    stale_after = timedelta(minutes=settings.OVERDUE_SCAN_STALE_MINUTES)
    return render(
        request,
        "tracker/overview.html",
        {
            **context,
            "content": content,
            "last_scan": last_scan,
            "scan_is_stale": last_scan is None
            or timezone.now() - last_scan.started_at > stale_after,
        },
    )


def _overview_content(user, today) -> dict:
    agreements = list(
        selectors.with_agreement_stats(selectors.agreements_visible_to(user), today=today)
        .prefetch_related("parties")
        .order_by("-overdue_count", "title")[:CARD_LIMIT]
    )
    party_scores = selectors.party_scores([agreement.pk for agreement in agreements])
    for agreement in agreements:
        agreement.party_scores = party_scores[agreement.pk]
    return {
        "today": today,
        "totals": selectors.overview_totals(user, today=today),
        "agreements": agreements,
        "overdue": selectors.commitments_overdue(user)[:LIST_LIMIT],
        "upcoming": selectors.commitments_due_between(
            user, start=today, end=today + timedelta(days=30)
        )[:LIST_LIMIT],
        "latest_evidence": selectors.evidence_latest(user)[:LIST_LIMIT],
        "user": user,
    }
