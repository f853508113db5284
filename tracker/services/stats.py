"""The figures kept on each agreement (commitments, score, overdue) so that lists of
thousands of agreements can be sorted and summed without counting on every page.

Triggers (migration 0015) move them with every change of a commitment or an overdue flag;
nothing in the app writes them. The recount here is for the operator (`refresh_figures`)
after a change the triggers did not see: a restored backup, triggers disabled by hand.
"""

from django.db import connection, transaction

from ..models import Agreement, Commitment, OverdueFlag
from ..models.agreements import KEPT_FIGURES
from ..selectors.figures import figures_recount_sql


def agreement_stats_refresh() -> int:
    """Recount every agreement's kept figures; returns how many agreements were corrected."""
    return stats_refresh(
        agreement_model=Agreement, commitment_model=Commitment, flag_model=OverdueFlag
    )


def stats_refresh(*, agreement_model, commitment_model, flag_model) -> int:
    """The recount behind `agreement_stats_refresh`, on the models given (a migration passes
    its historical ones).

    Safe while others write: the agreement rows are locked first, in id order and in a
    statement of their own, so the recount waits for every writer that has moved a figure
    and not yet committed; the recount is the next statement, and under READ COMMITTED it
    sees what they committed. A writer that moves a figure later adds its delta to the
    recounted value.
    """
    agreements = agreement_model._meta.db_table
    # A migration before 0026 passes models without `is_verifiable` and `g7_points`.
    columns = {field.attname for field in agreement_model._meta.concrete_fields}
    figures = [figure for figure in KEPT_FIGURES if figure in columns]
    recount, params = figures_recount_sql(
        agreement_table=agreements,
        commitment_table=commitment_model._meta.db_table,
        flag_table=flag_model._meta.db_table,
        verifiable=any(f.attname == "is_verifiable" for f in commitment_model._meta.fields),
    )
    assignments = ", ".join(f"{figure} = r.{figure}" for figure in figures)
    differs = " OR ".join(f"{agreements}.{figure} <> r.{figure}" for figure in figures)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {agreements} ORDER BY id "
                "FOR NO KEY UPDATE) AS locked"
            )
        cursor.execute(
            f"UPDATE {agreements} SET {assignments} FROM ({recount}) AS r "
            f"WHERE {agreements}.id = r.id AND ({differs})",
            params,
        )
        return cursor.rowcount
