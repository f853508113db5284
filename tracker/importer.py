"""Bulk import of agreements (docs/import-format.md): all or nothing, through the services.

`run_import` takes the nested document that `import_files.read_document` reads from a file
and `import_plan.read_plan` checks value by value. Then, in one transaction, it writes each
item through the services, each in a savepoint so that one refused item does not hide the
next one's problem. Any problem and the whole transaction is rolled back: one bad row and
nothing is saved. A dry run (the preview) does the same and always rolls back, so it reports
exactly what the import would do.

Items are matched by natural keys: party `code`, agreement `slug`, milestone (agreement,
`name`), source (agreement, `title`), commitment (agreement, `reference`), evidence
(commitment, `summary`). A matched item is updated with the keys the file gives; a key left
out keeps its value. Nothing is ever deleted. Statuses are never written directly: see
`_Writer._status`.
"""

import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from . import selectors, services
from .import_limits import ImportFailed, ImportLimits
from .import_plan import (
    MAX_ERRORS,
    AgreementPlan,
    CommitmentPlan,
    EvidencePlan,
    PartyPlan,
    more_errors,
    read_plan,
)
from .models import (
    Agreement,
    AgreementText,
    Commitment,
    CommitmentStatus,
    Evidence,
    Milestone,
    Party,
    Source,
    Team,
    User,
)

__all__ = ["ImportFailed", "ImportReport", "run_import"]

# Model field names in services' errors -> the keys of the file.
FILE_KEYS = {
    "timeline_wording": "timeline",
    "responsible_parties": "responsible",
    "deadline_milestone": "counted_from",
}

Progress = Callable[[int, int], None]


# The report's words: the import page shows them translated (`{% translate change.kind %}`,
# `summary(gettext)`); the command prints them as written.
REPORT_WORDS = (
    gettext_noop("party"),
    gettext_noop("team"),
    gettext_noop("agreement"),
    gettext_noop("source"),
    gettext_noop("milestone"),
    gettext_noop("holidays"),
    gettext_noop("commitment"),
    gettext_noop("status"),
    gettext_noop("evidence"),
    gettext_noop("extension"),
    gettext_noop("dependencies"),
    gettext_noop("created"),
    gettext_noop("updated"),
    gettext_noop("unchanged"),
    gettext_noop("changed"),
    gettext_noop("logged"),
    gettext_noop("retracted"),
    gettext_noop("recorded"),
    gettext_noop("set"),
)


@dataclass(frozen=True)
class Change:
    # party, team, agreement, source, milestone, holidays, text, commitment, status, evidence
    kind: str
    label: str
    action: str  # created, updated, unchanged, changed, logged, retracted


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool
    changes: list[Change] = field(default_factory=list)
    agreement_slugs: list[str] = field(default_factory=list)

    def add(self, kind: str, label: str, action: str) -> None:
        self.changes.append(Change(kind, label, action))

    def counts(self) -> list[tuple[str, str, int]]:
        """(kind, action, how many), in the order they first happened."""
        counted = Counter((change.kind, change.action) for change in self.changes)
        return [(kind, action, n) for (kind, action), n in counted.items()]

    def summary(self, word: Callable[[str], str] = str) -> str:
        """`party: 2 created; ...`, each word through `word` (gettext, for a page)."""
        return "; ".join(f"{word(kind)}: {n} {word(action)}" for kind, action, n in self.counts())

    @property
    def made_changes(self) -> list[Change]:
        return [change for change in self.changes if change.action != "unchanged"]


# ---------------------------------------------------------------------------------------------
# Writing


class _Refused(Exception):
    """An item was refused; its problems are already recorded."""


class _Writer:
    """Writes a plan through the services, recording what changed and every problem."""

    def __init__(self, *, file_name: str, by: User | None, as_user: User | None, report, limits):
        self.file_name, self.by, self.as_user, self.report = file_name, by, as_user, report
        self.limits: ImportLimits = limits
        self.errors: list[str] = []
        self.parties: dict[str, Party] = {}
        self.visible = (
            None
            if as_user is None
            else set(selectors.agreements_visible_to(as_user).values_list("pk", flat=True))
        )

    def may(self, permission: str) -> bool:
        return self.as_user is None or self.as_user.has_perm(permission)

    def fail(self, where: str, key: str | None, message: str) -> None:
        place = f"{where}, field {key}" if key else where
        self.errors.append(f"{self.file_name}: {place}: {message.rstrip('.')}.")

    def refuse(self, where: str, error: ValidationError | IntegrityError) -> None:
        if isinstance(error, IntegrityError):
            self.fail(where, None, f"the database refused it ({str(error).splitlines()[0]})")
        elif hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                for message in messages:
                    self.fail(where, None if key == "__all__" else FILE_KEYS.get(key, key), message)
        else:
            for message in error.messages:
                self.fail(where, None, message)

    def attempt(self, where: str, write: Callable[[], object]):
        """Run one write in a savepoint; a refusal is recorded and raised as `_Refused`."""
        self.limits.check_time(self.file_name)
        try:
            with transaction.atomic():
                return write()
        except (ValidationError, IntegrityError) as error:
            self.refuse(where, error)
            raise _Refused from None

    # Parties and teams ---------------------------------------------------------------------

    def write_parties(self, plans: list[PartyPlan]) -> None:
        for plan in plans:
            party = Party.objects.filter(code=plan.code).first() or Party(code=plan.code)
            if party.pk is None and "name" not in plan.values:
                self.fail(plan.where, "name", "is required for a new party")
                continue
            try:
                self.parties[plan.code] = self.save(
                    "party",
                    plan.code,
                    plan.where,
                    party,
                    plan.values,
                    lambda p=party: _full_save(p),
                )
            except _Refused:
                continue

    def party(self, code: str, where: str, key: str) -> Party | None:
        if code not in self.parties:
            found = Party.objects.filter(code=code).first()
            if found is None:
                self.fail(where, key, f"no party has the code “{code}”: list it under parties")
                return None
            self.parties[code] = found
        return self.parties[code]

    def teams(self, names: list[str], where: str) -> list[Team] | None:
        found = {team.name: team for team in Team.objects.filter(name__in=names)}
        missing = list(dict.fromkeys(name for name in names if name not in found))
        if missing and not self.may("tracker.add_team"):
            self.fail(where, "teams", f"no team is named {', '.join(missing)}")
            return None
        for name in missing:
            found[name] = self.attempt(where, lambda n=name: _full_save(Team(name=n)))
            self.report.add("team", name, "created")
        return [found[name] for name in names]

    # Generic save with change detection ------------------------------------------------------

    def save(self, kind: str, label: str, where: str, instance, values, write, *, force=False):
        self.limits.check_time(self.file_name)
        created = instance.pk is None
        changed = _assign(instance, values) or force
        if created or changed:
            self.attempt(where, write)
        self.report.add(
            kind, label, "created" if created else "updated" if changed else "unchanged"
        )
        return instance

    # Agreements ------------------------------------------------------------------------------

    def write_agreement(self, plan: AgreementPlan, progress: Callable[[], None]) -> None:
        agreement = Agreement.objects.filter(slug=plan.slug).first()
        if agreement is not None and self.visible is not None and agreement.pk not in self.visible:
            # Refused in the words of any taken slug: the refusal does not confirm it exists.
            try:
                services.agreement_check_slug(agreement=Agreement(), slug=plan.slug)
            except ValidationError as error:
                self.refuse(plan.where, error)
            return
        if agreement is None:
            missing = [k for k in ("title", "signed_on") if k not in plan.values]
            missing += ["parties"] if plan.parties is None else []
            if missing:
                for key in missing:
                    self.fail(plan.where, key, "is required for a new agreement")
                return
            agreement = Agreement(slug=plan.slug)
        try:
            self._agreement(agreement, plan, progress)
        except _Refused:
            return
        self.report.agreement_slugs.append(plan.slug)

    def _agreement(self, agreement: Agreement, plan: AgreementPlan, progress) -> None:
        current = set(agreement.parties.all()) if agreement.pk else set()
        wanted = current
        if plan.parties is not None:
            found = [self.party(code, plan.where, "parties") for code in plan.parties]
            if None in found:
                raise _Refused
            wanted = set(found)
        teams = self.teams(plan.teams, plan.where) if plan.teams is not None else None
        if plan.teams is not None and teams is None:
            raise _Refused
        sets_differ = wanted != current or (
            teams is not None and set(teams) != set(agreement.teams.all() if agreement.pk else [])
        )
        # Parties leave only after the commitments have moved away from them.
        self.save(
            "agreement",
            plan.slug,
            plan.where,
            agreement,
            plan.values,
            lambda: services.agreement_save(
                agreement=agreement, parties=wanted | current, teams=teams, by=self.by
            ),
            force=sets_differ,
        )
        milestones = {m.name: m for m in agreement.milestones.all()}
        for title, values in plan.sources:
            self._source(agreement, plan.where, title, values)
        for name, values in plan.milestones:
            self._milestone(agreement, milestones, plan.where, name, values)
        if plan.holidays is not None:
            self._holidays(agreement, plan.where, plan.holidays)
        for language, values in plan.texts:
            self._text(agreement, plan.where, language, values)
        for commitment in plan.commitments:
            self._commitment_guarded(agreement, milestones, commitment, set(wanted))
            progress()
        self.write_dependencies(agreement, plan.commitments)
        if wanted != current | wanted:
            self.attempt(
                plan.where,
                lambda: services.agreement_save(agreement=agreement, parties=wanted, by=self.by),
            )

    def _source(self, agreement: Agreement, where: str, title: str, values: dict) -> None:
        source = agreement.sources.filter(title=title).first() or Source(
            agreement=agreement, title=title
        )
        with contextlib.suppress(_Refused):
            self.save(
                "source",
                f"{agreement.slug}: {title}",
                where,
                source,
                values,
                lambda: _full_save(source),
            )

    def _milestone(self, agreement, milestones: dict, where: str, name: str, values: dict) -> None:
        milestone = milestones.get(name)
        if milestone is not None and milestone.is_signing:
            self.fail(where, "milestones", f"“{name}” is the signing: it follows signed_on")
            return
        if milestone is None:  # without a date: an event that has not happened yet
            milestone = Milestone(agreement=agreement, name=name)
        try:
            self.save(
                "milestone",
                f"{agreement.slug}: {name}",
                where,
                milestone,
                values,
                lambda: services.milestone_save(milestone=milestone, by=self.by),
            )
        except _Refused:
            return
        milestones[name] = milestone

    def _text(self, agreement: Agreement, where: str, language: str, values: dict) -> None:
        text = agreement.texts.filter(language=language).first() or AgreementText(
            agreement=agreement, language=language
        )
        with contextlib.suppress(_Refused):
            self.save(
                "text",
                f"{agreement.slug}: {language}",
                where,
                text,
                values,
                lambda: services.agreement_text_save(text=text, by=self.by),
            )

    def _holidays(self, agreement, where: str, holidays: dict) -> None:
        current = dict(agreement.holidays.values_list("date", "name"))
        if current == holidays:
            self.report.add("holidays", agreement.slug, "unchanged")
            return
        with contextlib.suppress(_Refused):
            self.attempt(
                where,
                lambda: services.agreement_set_holidays(
                    agreement=agreement, holidays=holidays, by=self.by
                ),
            )
            self.report.add("holidays", agreement.slug, "updated" if current else "created")

    # Commitments ---------------------------------------------------------------------------

    def _commitment_guarded(self, agreement, milestones, plan: CommitmentPlan, parties) -> None:
        with contextlib.suppress(_Refused):
            self._commitment(agreement, milestones, plan, parties)

    def _commitment(self, agreement, milestones, plan: CommitmentPlan, parties) -> None:
        commitment = agreement.commitments.filter(reference=plan.reference).first()
        created = commitment is None
        if created:
            commitment = Commitment(agreement=agreement, reference=plan.reference)
            if "title" not in plan.values:
                self.fail(plan.where, "title", "is required for a new commitment")
                raise _Refused
        values = dict(plan.values)
        if plan.counted_from is not None:
            values["deadline_milestone"] = self._counted_from(
                milestones, plan.counted_from, plan.where, "counted_from"
            )
        if plan.extensions:
            # The deadline moves through the extensions (which keep the first date), never
            # by overwriting the timeline.
            values.pop("timeline_wording", None)
            values.pop("deadline_milestone", None)
            if created:
                first = plan.extensions[0]
                values["timeline_wording"] = first.from_timeline
                values["deadline_milestone"] = self._counted_from(
                    milestones, first.from_counted_from or "", first.where, "from_counted_from"
                )
        responsible = None
        if plan.responsible is not None:
            responsible = [self.party(code, plan.where, "responsible") for code in plan.responsible]
            if None in responsible:
                raise _Refused
        elif created:
            responsible = sorted(parties, key=lambda party: party.code)
        old = set(commitment.responsible_parties.all()) if not created else set()
        label = f"{agreement.slug}: {plan.reference}"
        self.save(
            "commitment",
            label,
            plan.where,
            commitment,
            values,
            lambda: services.commitment_save(
                commitment=commitment, responsible=responsible, by=self.by
            ),
            force=responsible is not None and set(responsible) != old,
        )
        known = {milestone.pk for milestone in milestones.values()}
        if commitment.deadline_milestone_id not in known | {None}:
            # An event its wording names was made just now: later rows may name it too.
            milestones[commitment.deadline_milestone.name] = commitment.deadline_milestone
        logged = [self._evidence(commitment, label, entry) for entry in plan.evidence]
        self._status(commitment, label, plan, logged, created)
        for evidence, entry in zip(logged, plan.evidence, strict=True):
            self._retract(evidence, label, entry)
        self._extensions(commitment, milestones, label, plan)
        self._criteria(commitment, label, plan, logged)

    def _criteria(self, commitment, label: str, plan: CommitmentPlan, logged) -> None:
        """Criteria not yet there (by their text) are added, and each one's met day and
        evidence brought to the file's, through the criteria services. After the status
        history: the history replays what was decided then, before these criteria existed."""
        existing = {criterion.text: criterion for criterion in commitment.criteria.all()}
        for entry in plan.criteria:
            if entry.evidence is not None and entry.evidence > len(logged):
                self.fail(entry.where, "evidence", f"there is no evidence {entry.evidence}")
                raise _Refused
            cited = logged[entry.evidence - 1] if entry.evidence else None
            criterion = existing.get(entry.text.strip())
            if criterion is not None and (criterion.met_on, criterion.evidence) == (
                entry.met_on,
                cited,
            ):
                self.report.add("criterion", f"{label}: {entry.text[:60]}", "unchanged")
                continue
            needed = "tracker.add_criterion" if criterion is None else "tracker.change_criterion"
            if not self.may(needed):
                self.fail(entry.where, None, "you may not write completion criteria")
                raise _Refused
            self.attempt(
                entry.where,
                lambda e=entry, c=criterion, d=cited: self._write_criterion(commitment, e, c, d),
            )
            self.report.add(
                "criterion", f"{label}: {entry.text[:60]}", "added" if criterion is None else "set"
            )

    def _write_criterion(self, commitment, entry, criterion, cited) -> None:
        if criterion is None:
            criterion = services.criterion_add(commitment=commitment, text=entry.text, by=self.by)
        if entry.met_on is not None:
            services.criterion_set_met(
                criterion=criterion, met_on=entry.met_on, evidence=cited, by=self.by
            )
        elif criterion.met_on is not None:
            services.criterion_set_unmet(criterion=criterion, by=self.by)

    def _extensions(self, commitment, milestones: dict, label: str, plan: CommitmentPlan) -> None:
        """Extensions not yet recorded (by when they were recorded) are replayed in order."""
        recorded = set(commitment.extensions.values_list("recorded_at", flat=True))
        for entry in plan.extensions:
            if entry.recorded_at is not None and entry.recorded_at in recorded:
                continue
            if not self.may("tracker.add_deadlineextension"):
                self.fail(entry.where, None, "you may not record deadline extensions")
                raise _Refused
            milestone = self._counted_from(
                milestones, entry.counted_from or "", entry.where, "counted_from"
            )
            self.attempt(
                entry.where,
                lambda e=entry, m=milestone: services.commitment_extend_deadline(
                    commitment=commitment,
                    wording=e.timeline,
                    milestone=m,
                    reason=e.reason,
                    source_title=e.source_title,
                    source_url=e.source_url,
                    by=self.by,
                    at=e.recorded_at,
                ),
            )
            self.report.add("extension", f"{label} → {entry.timeline}", "recorded")

    def write_dependencies(self, agreement, plans: list[CommitmentPlan]) -> None:
        """After every commitment of the agreement is written, as prerequisites may come later
        in the file than the commitments that wait on them."""
        by_reference = {c.reference: c for c in agreement.commitments.all()}
        for plan in plans:
            if plan.depends_on is None or plan.reference not in by_reference:
                continue
            commitment = by_reference[plan.reference]
            unknown = [ref for ref in plan.depends_on if ref not in by_reference]
            if unknown:
                self.fail(plan.where, "depends_on", f"no commitment {', '.join(unknown)}")
                continue
            wanted = [by_reference[ref] for ref in plan.depends_on]
            if set(wanted) == set(commitment.depends_on.all()):
                continue
            with contextlib.suppress(_Refused):
                self.attempt(
                    plan.where,
                    lambda c=commitment, w=wanted: services.commitment_set_dependencies(
                        commitment=c, prerequisites=w
                    ),
                )
                self.report.add("dependencies", f"{agreement.slug}: {plan.reference}", "set")

    def _counted_from(self, milestones: dict, name: str, where: str, key: str) -> Milestone | None:
        if name == "" or name.lower() == "signing":
            return None
        milestone = milestones.get(name)
        if milestone is None:
            self.fail(where, key, f"the agreement has no milestone named “{name}”")
            raise _Refused
        return milestone

    def _evidence(self, commitment: Commitment, label: str, entry: EvidencePlan) -> Evidence:
        values = dict(entry.values)
        self.limits.check_time(self.file_name)
        existing = commitment.evidence.filter(summary=values.get("summary", "")).first()
        if existing is not None:
            self.report.add("evidence", f"{label}: {existing.summary[:60]}", "unchanged")
            return existing
        if not self.may("tracker.add_evidence"):
            self.fail(entry.where, None, "you may not log evidence")
            raise _Refused
        at = values.pop("logged_at", None)
        if entry.claimed_by:
            values["claimed_by"] = self.party(entry.claimed_by, entry.where, "claimed_by")
            if values["claimed_by"] is None:
                raise _Refused
        if entry.concerns_party:
            values["concerns_party"] = self.party(
                entry.concerns_party, entry.where, "concerns_party"
            )
            if values["concerns_party"] is None:
                raise _Refused

        def log() -> Evidence:
            services.evidence_check_dates(
                occurred_on=values.get("occurred_on"), source_date=values.get("source_date")
            )
            return services.evidence_log(commitment=commitment, by=self.by, at=at, **values)

        evidence = self.attempt(entry.where, log)
        self.report.add("evidence", f"{label}: {evidence.summary[:60]}", "logged")
        return evidence

    def _retract(self, evidence: Evidence, label: str, entry: EvidencePlan) -> None:
        if not entry.retraction_reason or evidence.is_retracted:
            return
        self.attempt(
            entry.where,
            lambda: services.evidence_retract(
                evidence=evidence,
                reason=entry.retraction_reason,
                by=self.by,
                at=entry.retracted_at,
            ),
        )
        self.report.add("evidence", f"{label}: {evidence.summary[:60]}", "retracted")

    def _status(self, commitment, label: str, plan: CommitmentPlan, logged, created) -> None:
        """A new commitment replays its history (an entry naming a party moves that party's
        status, one without moves the whole commitment); then the parties' statuses the file
        gives (`obligations`), else its `status`, each that differs set with the reason
        "Imported from FILE". Never written directly. With both, `status` must be what the
        parties' statuses derive."""
        steps = []
        if created:
            for entry in plan.history:
                if entry.cites is not None and entry.cites > len(logged):
                    self.fail(entry.where, "cites", f"there is no evidence {entry.cites}")
                    raise _Refused
                cited = logged[entry.cites - 1] if entry.cites else None
                steps.append(
                    (entry.where, entry.party, entry.status, entry.reason, cited, entry.at)
                )
        if (steps or plan.status or plan.obligations) and not self.may("tracker.add_statuschange"):
            self.fail(plan.where, "status", "you may not change statuses")
            raise _Refused
        for where, party, status, reason, cited, at in steps:
            self._move(commitment, label, where, party, status, reason, cited, at)
        imported = f"Imported from {self.file_name}"
        if plan.obligations is not None:
            current = dict(commitment.obligations.values_list("party__code", "status"))
            for code, status in sorted(plan.obligations.items()):
                if code not in current:
                    self.fail(plan.where, "obligations", f"{code} is not responsible for it")
                    raise _Refused
                if current[code] != status:
                    self._move(commitment, label, plan.where, code, status, imported, None, None)
            commitment.refresh_from_db(fields=["status", "version"])
            if plan.status is not None and plan.status != commitment.status:
                derived = CommitmentStatus(commitment.status).label
                self.fail(
                    plan.where,
                    "status",
                    f"“{plan.status}” does not follow from the parties' statuses "
                    f"(obligations), which give “{derived}”; change those instead",
                )
                raise _Refused
            return
        commitment.refresh_from_db(fields=["status", "version"])
        if plan.status is not None and plan.status != commitment.status:
            self._move(commitment, label, plan.where, None, plan.status, imported, None, None)

    def _move(self, commitment, label, where, party, status, reason, cited, at) -> None:
        """One status change: a party's (`party`, its code) or the whole commitment's."""
        if party is None:
            self.attempt(
                where,
                lambda: services.commitment_set_status(
                    commitment=commitment,
                    status=status,
                    reason=reason,
                    evidence=cited,
                    by=self.by,
                    at=at,
                ),
            )
            self.report.add("status", f"{label} → {CommitmentStatus(status).label}", "changed")
            return
        found = self.party(party, where, "party")
        if found is None:
            raise _Refused
        standing = commitment.obligations.filter(party=found).values_list("status", flat=True)
        if standing.first() in (status, None):
            # A replayed entry that moves nothing: the party was added at that status, or is
            # no longer responsible (its history is kept where it was recorded).
            self.report.add("status", f"{label}: {party}", "already so, or not responsible")
            return
        self.attempt(
            where,
            lambda: services.obligation_set_status(
                commitment=commitment,
                party=found,
                status=status,
                reason=reason,
                evidence=cited,
                by=self.by,
                at=at,
            ),
        )
        self.report.add("status", f"{label}: {party} → {CommitmentStatus(status).label}", "changed")


def _assign(instance, values: dict) -> bool:
    """Set the given fields; True when one of them changed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _full_save(instance):
    instance.full_clean()
    instance.save()
    return instance


def run_import(
    document,
    *,
    file_name: str,
    by: User | None,
    as_user: User | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    limits: ImportLimits | None = None,
) -> ImportReport:
    """Import a document all or nothing; returns what was (or, dry, would be) changed.

    `by` is recorded as the author of evidence and status changes; `as_user`, when given,
    limits the import to what that user may do and see (the import page); the command line
    passes None. Raises `ImportFailed` with every problem, having saved nothing, and when
    the import takes longer than `limits` allow (the command's by default).
    """
    limits = limits or ImportLimits.for_command()
    plan = read_plan(document, file_name=file_name)
    report = ImportReport(file_name=file_name, dry_run=dry_run)
    total, done = plan.commitment_total, 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    with transaction.atomic():
        writer = _Writer(file_name=file_name, by=by, as_user=as_user, report=report, limits=limits)
        writer.write_parties(plan.parties)
        for agreement in plan.agreements:
            writer.write_agreement(agreement, step)
        if writer.errors:
            transaction.set_rollback(True)
            raise ImportFailed(writer.errors[:MAX_ERRORS] + more_errors(writer.errors))
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        services.overdue_scan(today=timezone.localdate())
    return report
