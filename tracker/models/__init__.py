"""The data model of DESIGN.md, one module per area."""

from .agreements import (
    Agreement,
    AgreementStatus,
    Holiday,
    Milestone,
    MilestoneKind,
    Party,
    Source,
)
from .commitments import (
    Commitment,
    CommitmentStatus,
    DeadlineExtension,
    OverdueFlag,
    Priority,
    StatusChange,
    Theme,
)
from .digests import FINAL_DIGEST_STATUSES, DigestDelivery, DigestPlan, DigestStatus
from .evidence import Credibility, Evidence, Reliability, Stance
from .jobs import JobName, JobRun
from .sources import (
    CommitmentKeywords,
    FeedItem,
    FetchOutcome,
    Language,
    Proposal,
    ProposalState,
    SourceFetch,
    WatchedSource,
    WatchRun,
)
from .users import DigestScope, Role, Team, User

__all__ = [
    "FINAL_DIGEST_STATUSES",
    "Agreement",
    "AgreementStatus",
    "Commitment",
    "CommitmentKeywords",
    "CommitmentStatus",
    "Credibility",
    "DeadlineExtension",
    "DigestDelivery",
    "DigestPlan",
    "DigestScope",
    "DigestStatus",
    "Evidence",
    "FeedItem",
    "FetchOutcome",
    "Holiday",
    "JobName",
    "JobRun",
    "Language",
    "Milestone",
    "MilestoneKind",
    "OverdueFlag",
    "Party",
    "Priority",
    "Proposal",
    "ProposalState",
    "Reliability",
    "Role",
    "Source",
    "SourceFetch",
    "Stance",
    "StatusChange",
    "Team",
    "Theme",
    "User",
    "WatchRun",
    "WatchedSource",
]
