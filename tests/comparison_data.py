"""Hand-made agreements for the comparison's tests (selector, page, CSV, API), with figures
worked out by hand. Today is 15 June 2026; both agreements are signed on 31 January 2026.

Only verifiable commitments (a deadline or a completion criterion) are scored, under each
agreement's rule; met on time and the delays count every commitment with a deadline.

"Border accord" (AFG, PAK), scored with PAM:
  B1 border, AFG and PAK, by 1 March 2026, implemented 20 February: met on time.
  B2 border, AFG, by 1 March 2026, implemented 11 March: 10 days late.
  B3 dialogue, PAK, by 1 April 2026, in progress since 15 March: open, 75 days late today.
  B4 dialogue, AFG and PAK, by 1 December 2026, not started: not due, left out.
  B5 trade, AFG, ongoing (no deadline, no criterion), implemented 10 April: not verifiable,
     left out of every score; no deadline, left out of met on time.
  B6 trade, PAK, by 1 May 2026, abandoned 2 May: decided, not met.
  With a deadline: 5; decided: 4 (B1, B2, B3, B6); met: 1, so 25 %.
  Delays: implemented late [10], open overdue [75]; median of both 42.5 days.
  Scored: 5 (B5 left out). Score now: B1 3, B2 3, B3 1, B4 0, B6 0 = 7 of 15 points: 47 %.
  Month ends: 31 Jan 0 %; 28 Feb 3/15 = 20 %; 31 Mar (B2 3, B3 1) 7/15 = 47 %;
  30 Apr 47 % (B5's change passed over); 31 May (B6 abandoned, was not started) 47 %;
  15 Jun 47 %.
  Themes now: border 100 %, dialogue 1/6 = 17 %, trade (B6 only) 0/3 = 0 %.
  Parties now: AFG (B1, B2, B4) 6/9 = 67 %; PAK (B1, B3, B4, B6) 4/12 = 33 %.
  AFG month ends: 31 Jan 0; 28 Feb 3/9 = 33 %; 31 Mar 6/9 = 67 %; then 67 %.
  PAK month ends: 31 Jan 0; 28 Feb 3/12 = 25 %; 31 Mar 4/12 = 33 %; then 33 %.

"Trade pact" (AFG, IND), scored with the G7's rule (-1 / 0 / +1, the mean):
  T1 trade, AFG and IND, by 1 March 2026, extended to 1 July 2026, implemented 1 April:
     31 days late against the deadline first agreed.
  T2 trade, IND, ongoing (not verifiable), not started: left out (counted, it would bring
     the score to 0 and IND's to 0).
  With a deadline: 1; decided 1; met 0, so 0 %; median delay 31 days. Scored: 1, score +1.
  Month ends: 31 Jan, 28 Feb, 31 Mar -1 (T1 not started); 30 Apr, 31 May, 15 Jun +1.
  Theme trade +1; parties AFG +1, IND +1 (one commitment each).
"""

import datetime

from tracker import services
from tracker.models import CommitmentStatus, ScoreRule, Theme

from .factories import AgreementFactory, CommitmentFactory, PartyFactory

TODAY = datetime.date(2026, 6, 15)
SIGNED = datetime.date(2026, 1, 31)


def at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T10:00:00+00:00")


def build(analyst) -> dict:
    afg = PartyFactory(code="AFG", name="Afghanistan")
    pak = PartyFactory(code="PAK", name="Pakistan")
    ind = PartyFactory(code="IND", name="India")
    border = AgreementFactory(
        title="Border accord", slug="border-accord", signed_on=SIGNED, parties=[afg, pak]
    )
    trade = AgreementFactory(
        title="Trade pact",
        slug="trade-pact",
        signed_on=SIGNED,
        parties=[afg, ind],
        score_rule=ScoreRule.G7,
    )

    def commitment(agreement, reference, theme, wording, responsible):
        return CommitmentFactory(
            agreement=agreement,
            reference=reference,
            theme=theme,
            timeline_wording=wording,
            responsible=responsible,
        )

    def move(item, status, day):
        services.commitment_set_status(
            commitment=item, status=status, reason="Reported", by=analyst, at=at(day)
        )
        item.refresh_from_db()

    b1 = commitment(border, "B1", Theme.BORDER, "by 1 March 2026", [afg, pak])
    b2 = commitment(border, "B2", Theme.BORDER, "by 1 March 2026", [afg])
    b3 = commitment(border, "B3", Theme.DIALOGUE, "by 1 April 2026", [pak])
    commitment(border, "B4", Theme.DIALOGUE, "by 1 December 2026", [afg, pak])
    b5 = commitment(border, "B5", Theme.TRADE, "ongoing", [afg])
    b6 = commitment(border, "B6", Theme.TRADE, "by 1 May 2026", [pak])
    move(b1, CommitmentStatus.IMPLEMENTED, "2026-02-20")
    move(b2, CommitmentStatus.IMPLEMENTED, "2026-03-11")
    move(b3, CommitmentStatus.IN_PROGRESS, "2026-03-15")
    move(b5, CommitmentStatus.IMPLEMENTED, "2026-04-10")
    move(b6, CommitmentStatus.ABANDONED, "2026-05-02")

    t1 = commitment(trade, "T1", Theme.TRADE, "by 1 March 2026", [afg, ind])
    services.commitment_extend_deadline(
        commitment=t1, wording="by 1 July 2026", reason="Later", by=analyst, at=at("2026-02-25")
    )
    t1.refresh_from_db()
    move(t1, CommitmentStatus.IMPLEMENTED, "2026-04-01")
    commitment(trade, "T2", Theme.TRADE, "ongoing", [ind])
    return {"border": border, "trade": trade}
