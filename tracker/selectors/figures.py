"""The figures kept on each agreement (triggers of migration 0015 keep them) against a
recount from its commitments and open overdue flags."""

from dataclasses import dataclass

from django.db import connection

from ..models import Agreement, Commitment, OverdueFlag
from ..models.agreements import KEPT_FIGURES
from ..models.commitments import G7_WEIGHTS, STATUS_WEIGHTS

# Every agreement's id and its figures counted afresh, one grouped pass over the
# commitments and one over the open flags (a subquery per agreement was quadratic in the
# flags). The columns are named as the kept figures. Every verifiable commitment is scored
# (an abandoned one weighs 0); one without a deadline or a criterion is not (migration 0026).
_RECOUNT = """
SELECT a.id,
       COALESCE(c.commitments, 0) AS commitment_count,
       COALESCE(c.scored, 0) AS scored_count,
       COALESCE(c.points, 0) AS score_points,
       COALESCE(c.g7, 0) AS g7_points,
       COALESCE(f.overdue, 0) AS overdue_count
FROM {agreement} a
LEFT JOIN (
    SELECT agreement_id, COUNT(*) AS commitments,
           SUM({scored}) AS scored,
           SUM({scored} * (CASE {points} ELSE 0 END)) AS points,
           SUM({scored} * (CASE {g7} ELSE 0 END)) AS g7
    FROM {commitment}
    GROUP BY agreement_id
) c ON c.agreement_id = a.id
LEFT JOIN (
    SELECT fc.agreement_id, COUNT(*) AS overdue
    FROM {flag} f JOIN {commitment} fc ON fc.id = f.commitment_id
    WHERE f.cleared_at IS NULL
    GROUP BY fc.agreement_id
) f ON f.agreement_id = a.id
"""


def figures_recount_sql(
    *, agreement_table: str, commitment_table: str, flag_table: str, verifiable: bool = True
) -> tuple[str, list]:
    """The recount as SQL and its parameters, on these tables (a migration names its own;
    before migration 0026 there is no `is_verifiable`: `verifiable=False` scores them all)."""
    points = [(status, weight) for status, weight in STATUS_WEIGHTS.items() if weight]
    g7 = [(status, weight) for status, weight in G7_WEIGHTS.items() if weight]
    sql = _RECOUNT.format(
        agreement=agreement_table,
        commitment=commitment_table,
        flag=flag_table,
        scored="(CASE WHEN is_verifiable THEN 1 ELSE 0 END)" if verifiable else "1",
        points=" ".join(["WHEN status = %s THEN %s"] * len(points)),
        g7=" ".join(["WHEN status = %s THEN %s"] * len(g7)),
    )
    return sql, [value for pair in (*points, *g7) for value in pair]


@dataclass(frozen=True)
class FigureDifference:
    slug: str
    figure: str
    kept: int
    actual: int


@dataclass(frozen=True)
class FiguresCheck:
    agreements: int
    differences: list[FigureDifference]


def agreement_figures_check() -> FiguresCheck:
    """Every agreement's kept figures against a recount, read in one statement: one snapshot,
    in which a writer's rows and the figures it moved are either both seen or both not."""
    recount, params = figures_recount_sql(
        agreement_table=Agreement._meta.db_table,
        commitment_table=Commitment._meta.db_table,
        flag_table=OverdueFlag._meta.db_table,
    )
    kept = ", ".join(f"a.{figure}" for figure in KEPT_FIGURES)
    actual = ", ".join(f"r.{figure}" for figure in KEPT_FIGURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.slug, {kept}, {actual} FROM {Agreement._meta.db_table} a "
            f"JOIN ({recount}) r ON r.id = a.id ORDER BY a.slug",
            params,
        )
        rows = cursor.fetchall()
    count = len(KEPT_FIGURES)
    differences = [
        FigureDifference(slug=row[0], figure=figure, kept=kept, actual=actual)
        for row in rows
        for figure, kept, actual in zip(
            KEPT_FIGURES, row[1 : 1 + count], row[1 + count :], strict=True
        )
        if kept != actual
    ]
    return FiguresCheck(agreements=len(rows), differences=differences)
