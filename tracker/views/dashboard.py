from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import selectors
from ..models import JobName
from .common import member_required

CARD_LIMIT = 12
LIST_LIMIT = 10
DUE_SOON_DAYS = 30


@member_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The analyst's morning page: headline figures, one card per agreement, what is late."""
    today = timezone.localdate()
    user = request.user
    agreements = selectors.overview_cards(user, today=today, limit=CARD_LIMIT)
    overdue = selectors.commitments_overdue(user, limit=LIST_LIMIT)
    upcoming, due_soon = selectors.commitments_due_soon(
        user, today=today, days=DUE_SOON_DAYS, limit=LIST_LIMIT
    )
    pending, pending_total = selectors.commitments_pending(user, limit=LIST_LIMIT)
    last_scan = selectors.last_job_run(JobName.FLAG_OVERDUE)
    stale_after = timedelta(minutes=settings.OVERDUE_SCAN_STALE_MINUTES)
    context = {
        "today": today,
        "totals": selectors.overview_totals(user)
        | {"due_soon": due_soon, "pending": pending_total},
        "agreements": agreements,
        "overdue": overdue,
        "upcoming": upcoming,
        "pending": pending,
        "latest_evidence": selectors.evidence_latest(user, limit=LIST_LIMIT),
        "last_scan": last_scan,
        "scan_is_stale": last_scan is None or timezone.now() - last_scan.started_at > stale_after,
    }
    return render(request, "tracker/overview.html", context)
