"""The data model of DESIGN.md, one module per area."""

from .agreements import Agreement, AgreementStatus, Milestone, MilestoneKind, Party, Source
from .commitments import (
    Commitment,
    CommitmentStatus,
    DeadlineExtension,
    OverdueFlag,
    Priority,
    StatusChange,
    Theme,
)
from .evidence import Credibility, Evidence, Reliability, Stance
from .jobs import JobName, JobRun
from .users import Role, Team, User

__all__ = [
    "Agreement",
    "AgreementStatus",
    "Commitment",
    "CommitmentStatus",
    "Credibility",
    "DeadlineExtension",
    "Evidence",
    "JobName",
    "JobRun",
    "Milestone",
    "MilestoneKind",
    "OverdueFlag",
    "Party",
    "Priority",
    "Reliability",
    "Role",
    "Source",
    "Stance",
    "StatusChange",
    "Team",
    "Theme",
    "User",
]
