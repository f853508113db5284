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
from .digests import FINAL_DIGEST_STATUSES, DigestDelivery, DigestPlan, DigestStatus
from .evidence import Credibility, Evidence, Reliability, Stance
from .jobs import JobName, JobRun
from .notifications import (
    BatchStatus,
    ChannelKind,
    EventKind,
    Notification,
    NotificationBatch,
    NotificationChannel,
    NotificationCursor,
    NotificationSettings,
    ReminderOffset,
)
from .users import DigestScope, Role, Team, User

__all__ = [
    "FINAL_DIGEST_STATUSES",
    "Agreement",
    "AgreementStatus",
    "BatchStatus",
    "ChannelKind",
    "Commitment",
    "CommitmentStatus",
    "Credibility",
    "DeadlineExtension",
    "DigestDelivery",
    "DigestPlan",
    "DigestScope",
    "DigestStatus",
    "EventKind",
    "Evidence",
    "JobName",
    "JobRun",
    "Milestone",
    "MilestoneKind",
    "Notification",
    "NotificationBatch",
    "NotificationChannel",
    "NotificationCursor",
    "NotificationSettings",
    "OverdueFlag",
    "Party",
    "Priority",
    "Reliability",
    "ReminderOffset",
    "Role",
    "Source",
    "Stance",
    "StatusChange",
    "Team",
    "Theme",
    "User",
]
