"""What a round says, read from its snapshot and its replies alone: the party × commitment
table, a section per commitment, the scores after recalibration and the methodology. The
round's page, the PDF, the XLSX and the CSV are all drawn from `round_report`, so they say
the same."""

from dataclasses import dataclass, field

from ..models import AssessmentRound, CommitmentStatus, Credibility, Reliability, RoundReply, Theme
from ..models.evidence import Stance
from .charts import BarChart, score_bars
from .snapshot import snapshot_scores


def status_label(status: str) -> str:
    try:
        return str(CommitmentStatus(status).label)
    except ValueError:
        return status


@dataclass
class Obligation:
    """One party's part of one commitment, as frozen, with its replies."""

    party: dict
    status: str
    score: int
    last_change: dict | None
    replies: list = field(default_factory=list)
    recalibrated: int | None = None  # the latest recalibrated score, if any

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def final_score(self) -> int:
        return self.score if self.recalibrated is None else self.recalibrated


@dataclass
class Section:
    item: dict
    theme_label: str
    obligations: list[Obligation]
    evidence: list[dict]
    by_party: dict  # party id -> Obligation, for the table


@dataclass
class Report:
    round: AssessmentRound
    snapshot: dict
    parties: list[dict]
    sections: list[Section]
    scores: dict  # as frozen: {"overall", "by_party"}
    final_scores: dict  # after the recalibrations
    party_scores: list[dict]  # [{"party", "frozen", "final"}]
    chart: BarChart
    replies: list[RoundReply]
    methodology: dict


def report_of(round_: AssessmentRound) -> Report:
    """The round's report, its replies read in one query, in the order they were made."""
    return round_report(round_, list(round_.replies.select_related("by").order_by("at", "id")))


def round_report(round_: AssessmentRound, replies: list[RoundReply]) -> Report:
    """The round as its page and its report show it."""
    snapshot = round_.snapshot
    parties = snapshot["agreement"]["parties"]
    names = {party["id"]: party for party in parties}
    by_obligation: dict[tuple[int, int], list[RoundReply]] = {}
    for reply in replies:
        by_obligation.setdefault((reply.commitment_id, reply.party_id), []).append(reply)
    sections, overrides = [], {}
    for item in snapshot["commitments"]:
        obligations = []
        for entry in item["parties"]:
            key = (item["id"], entry["party_id"])
            said = by_obligation.get(key, [])
            recalibrated = next(
                (r.recalibrated_score for r in reversed(said) if r.recalibrated_score is not None),
                None,
            )
            if recalibrated is not None:
                overrides[key] = recalibrated
            obligations.append(
                Obligation(
                    party=names.get(entry["party_id"], {"id": entry["party_id"], "name": "?"}),
                    status=entry["status"],
                    score=entry["score"],
                    last_change=entry["last_change"],
                    replies=said,
                    recalibrated=recalibrated,
                )
            )
        sections.append(
            Section(
                item=item,
                theme_label=_label(Theme, item["theme"]),
                obligations=obligations,
                evidence=[_evidence(e, names) for e in item["evidence"]],
                by_party={o.party["id"]: o for o in obligations},
            )
        )
    final = snapshot_scores(
        snapshot["commitments"], list(names), snapshot["scale"], overrides=overrides
    )
    party_scores = [
        {
            "party": party,
            "frozen": snapshot["scores"]["by_party"].get(str(party["id"])),
            "final": final["by_party"].get(str(party["id"])),
        }
        for party in parties
    ]
    return Report(
        round=round_,
        snapshot=snapshot,
        parties=parties,
        sections=sections,
        scores=snapshot["scores"],
        final_scores=final,
        party_scores=party_scores,
        chart=score_bars([(p["party"]["short"], p["final"]) for p in party_scores]),
        replies=replies,
        methodology=methodology(snapshot["scale"]),
    )


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _evidence(evidence: dict, names: dict) -> dict:
    claimant = names.get(evidence["claimed_by"]) if evidence["claimed_by"] else None
    return evidence | {
        "claimant": claimant["name"] if claimant else "",
        "stance_label": _label(Stance, evidence["stance"]),
    }


def methodology(scale: dict) -> dict:
    """The appendix: the scale's levels and points, how scores are counted, and the
    Admiralty grading of evidence."""
    reliability = [(choice.value, str(choice.label)) for choice in Reliability]
    credibility = [(choice.value, str(choice.label)) for choice in Credibility]
    return {
        "scale": scale,
        "levels": [level | {"label": status_label(level["status"])} for level in scale["levels"]],
        "grading": list(zip(reliability, credibility, strict=True)),
    }


# The flat table of the CSV and of the XLSX's first sheet: one row per party and commitment.
OBLIGATION_COLUMNS = [
    "round",
    "cutoff",
    "reference",
    "title",
    "theme",
    "due_on",
    "verifiable",
    "party",
    "status",
    "score",
    "recalibrated_score",
    "recalibration_reason",
    "replies",
    "evidence",
    "last_change_on",
    "last_change_reason",
]
EVIDENCE_COLUMNS = [
    "reference",
    "evidence_id",
    "happened_on",
    "logged_on",
    "grade",
    "stance",
    "claimed_by",
    "summary",
    "source_title",
    "source_url",
]
REPLY_COLUMNS = [
    "reference",
    "party",
    "at",
    "by",
    "entered_by_editor",
    "reply",
    "recalibrated_score",
    "reason",
]


def obligation_rows(report: Report):
    for section in report.sections:
        item = section.item
        for obligation in section.obligations:
            reason = next(
                (
                    r.recalibration_reason
                    for r in reversed(obligation.replies)
                    if r.recalibrated_score is not None
                ),
                "",
            )
            change = obligation.last_change or {}
            yield [
                report.round.number,
                report.snapshot["cutoff"],
                item["reference"],
                item["title"],
                section.theme_label,
                item["due_on"] or "",
                "yes" if item["verifiable"] else "no",
                obligation.party["name"],
                obligation.status_label,
                obligation.score,
                "" if obligation.recalibrated is None else obligation.recalibrated,
                reason,
                len(obligation.replies),
                len(section.evidence),
                change.get("on", ""),
                change.get("reason", ""),
            ]


def evidence_rows(report: Report):
    for section in report.sections:
        for evidence in section.evidence:
            yield [
                section.item["reference"],
                evidence["id"],
                evidence["happened_on"] or "",
                evidence["logged_on"],
                evidence["grade"],
                evidence["stance_label"],
                evidence["claimant"],
                evidence["summary"],
                evidence["source_title"],
                evidence["source_url"],
            ]


def reply_rows(report: Report):
    references = {section.item["id"]: section.item["reference"] for section in report.sections}
    names = {party["id"]: party["name"] for party in report.parties}
    for reply in report.replies:
        yield [
            references.get(reply.commitment_id, ""),
            names.get(reply.party_id, ""),
            reply.at.isoformat(timespec="minutes"),
            reply.by.get_username() if reply.by else "",
            "yes" if reply.by_editor else "no",
            reply.text,
            "" if reply.recalibrated_score is None else reply.recalibrated_score,
            reply.recalibration_reason,
        ]
