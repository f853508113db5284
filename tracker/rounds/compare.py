"""Two rounds side by side, from their snapshots and replies alone: for each party and
commitment whose status or score moved, from what to what, and why (the status change's
reason in the later round, the parties' replies and recalibrations)."""

from dataclasses import dataclass, field

from .report import Report, status_label


@dataclass
class Move:
    reference: str
    title: str
    party: dict
    before_status: str | None  # None: not in the earlier round
    after_status: str | None  # None: no longer in the later round
    before_score: int | None
    after_score: int | None
    reasons: list[str] = field(default_factory=list)  # the status changes' reasons
    replies: list = field(default_factory=list)  # the later round's replies about it

    @property
    def before_label(self) -> str:
        return status_label(self.before_status) if self.before_status else ""

    @property
    def after_label(self) -> str:
        return status_label(self.after_status) if self.after_status else ""


def _obligations(report: Report) -> dict[tuple[int, int], tuple]:
    return {
        (section.item["id"], obligation.party["id"]): (section.item, obligation)
        for section in report.sections
        for obligation in section.obligations
    }


def rounds_compared(earlier: Report, later: Report) -> list[Move]:
    """What moved between two rounds, in the later round's order (then what left it)."""
    before, after = _obligations(earlier), _obligations(later)
    moves = []
    for key in [*after, *(key for key in before if key not in after)]:
        old = before.get(key, (None, None))[1]
        item, new = after[key] if key in after else (before[key][0], None)
        old_score = old.final_score if old else None
        new_score = new.final_score if new else None
        if old and new and (old.status, old_score) == (new.status, new_score):
            continue
        change = (new.last_change if new else None) or {}
        moved_since = change and change.get("on", "") > earlier.snapshot["cutoff"]
        moves.append(
            Move(
                reference=item["reference"],
                title=item["title"],
                party=(new or old).party,
                before_status=old.status if old else None,
                after_status=new.status if new else None,
                before_score=old_score,
                after_score=new_score,
                reasons=[change["reason"]] if moved_since else [],
                replies=new.replies if new else [],
            )
        )
    return moves
