"""The figures kept on each agreement (commitments, score, overdue) so that lists of
thousands of agreements can be sorted and summed without counting on every page."""

from collections.abc import Iterable

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from ..models import Agreement, Commitment, CommitmentStatus, OverdueFlag
from ..selectors.expressions import status_weight


def agreement_stats_refresh(*, agreement_ids: Iterable[int] | None = None) -> int:
    """Recount the kept figures of these agreements (all of them by default) from their
    commitments and open overdue flags, in one set-based UPDATE. Returns how many rows."""
    return stats_refresh(
        agreement_model=Agreement,
        commitment_model=Commitment,
        flag_model=OverdueFlag,
        agreement_ids=agreement_ids,
    )


def stats_refresh(*, agreement_model, commitment_model, flag_model, agreement_ids=None) -> int:
    """The statement behind `agreement_stats_refresh`, on the models given (a migration
    passes its historical ones)."""
    commitments = (
        commitment_model.objects.filter(agreement_id=OuterRef("pk"))
        .order_by()
        .values("agreement_id")
    )
    scored = commitments.exclude(status=CommitmentStatus.ABANDONED)
    # The agreement's open flags, reached through its commitments. Written as "commitments
    # with an open flag" (EXISTS), PostgreSQL hashed every open flag in the database once
    # per agreement: quadratic, 4 s at 2,000 agreements, hours at 20,000.
    open_flags = (
        flag_model.objects.filter(commitment__agreement_id=OuterRef("pk"), cleared_at__isnull=True)
        .order_by()
        .values("commitment__agreement_id")
    )

    def count(queryset) -> Coalesce:
        return Coalesce(Subquery(queryset.annotate(n=Count("id")).values("n")), 0)

    agreements = agreement_model.objects.all()
    if agreement_ids is not None:
        # A list of ids, or a queryset of them (kept as a subquery).
        agreements = agreements.filter(pk__in=agreement_ids)
    return agreements.update(
        commitment_count=count(commitments),
        scored_count=count(scored),
        score_points=Coalesce(
            Subquery(scored.annotate(points=Sum(status_weight())).values("points")), 0
        ),
        overdue_count=count(open_flags),
    )
