"""The embedded default (SQLite, row triggers): not-verifiable commitments leave the kept
scores and come back as criteria are added and removed and timelines change; the figures
stay equal to a recount (issue 21, migration 0026)."""

from .test_embedded_sqlite import _demo_on_sqlite

SCRIPT = """
from tracker import selectors, services
from tracker.models import Agreement, Commitment, User
editor = User.objects.get(username="editor")
agreement = Agreement.objects.get()
ongoing = Commitment.objects.create(agreement=agreement, reference="99.1", title="Talk")
ongoing = services.commitment_save(commitment=ongoing, responsible=agreement.parties.all())
steps = []
def seen():
    a = Agreement.objects.get(pk=agreement.pk)
    steps.append((Commitment.objects.get(pk=ongoing.pk).is_verifiable,
                  a.commitment_count - a.scored_count,
                  selectors.agreement_figures_check().differences == []))
seen()
criterion = services.criterion_add(commitment=ongoing, text="First talk held", by=editor)
services.commitment_set_status(commitment=Commitment.objects.get(pk=ongoing.pk),
                               status="implemented", reason="held", by=editor,
                               unmet_criteria_reason="held without minutes")
seen()
services.criterion_delete(criterion=criterion, by=editor)
seen()
ongoing = Commitment.objects.get(pk=ongoing.pk)
ongoing.timeline_wording = "within 2 months"
services.commitment_save(commitment=ongoing)
seen()
unverifiable = Commitment.objects.filter(agreement=agreement, is_verifiable=False).count()
print("RESULT", steps[0][1] == unverifiable + 1, [(v, ok) for v, _, ok in steps])
"""


def test_criteria_and_timelines_move_the_scored_figures_on_sqlite(tmp_path):
    assert _demo_on_sqlite(tmp_path, SCRIPT) == (
        "True [(False, True), (True, True), (False, True), (True, True)]"
    )
