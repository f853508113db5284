"""Every write: keyword-only functions named <entity>_<action>, each one transaction that
holds the change and its audit record (history rows, status changes) together.

Views, the admin, the importer, the API and the demo loader call these (as
`services.<name>`); none of them writes rows that carry a business rule on its own.
"""

from .agreements import (
    MIN_PARTIES,
    SIGNING_NAME,
    DraftRowInvalid,
    agreement_accept_draft,
    agreement_check_parties,
    agreement_check_slug,
    agreement_recompute_due_dates,
    agreement_save,
    agreement_sync_signing,
    milestone_save,
    milestone_set_date,
    party_get_or_create,
)
from .commitments import (
    StatusConflict,
    commitment_check,
    commitment_check_dependencies,
    commitment_check_milestone,
    commitment_check_parties,
    commitment_claims,
    commitment_delete,
    commitment_due_date,
    commitment_extend_deadline,
    commitment_refresh_dispute,
    commitment_save,
    commitment_set_dependencies,
    commitment_set_status,
    commitments_delete,
)
from .evidence import (
    EVIDENCE_FIELDS,
    evidence_check_claimant,
    evidence_check_dates,
    evidence_log,
    evidence_retract,
    evidence_update,
)
from .jobs import (
    overdue_scan,
)
from .sources import (
    Match,
    NewItem,
    items_record,
    proposal_accept,
    proposal_reject,
    proposal_retarget,
    proposals_reject,
    source_save,
)
from .stats import agreement_stats_refresh, stats_refresh
from .users import (
    agreement_set_followed,
    user_reset_api_token,
    user_reset_calendar_token,
    user_set_digest_preferences,
    user_unsubscribe_digest,
)

__all__ = [
    "EVIDENCE_FIELDS",
    "MIN_PARTIES",
    "SIGNING_NAME",
    "DraftRowInvalid",
    "Match",
    "NewItem",
    "StatusConflict",
    "agreement_accept_draft",
    "agreement_check_parties",
    "agreement_check_slug",
    "agreement_recompute_due_dates",
    "agreement_save",
    "agreement_set_followed",
    "agreement_stats_refresh",
    "agreement_sync_signing",
    "commitment_check",
    "commitment_check_dependencies",
    "commitment_check_milestone",
    "commitment_check_parties",
    "commitment_claims",
    "commitment_delete",
    "commitment_due_date",
    "commitment_extend_deadline",
    "commitment_refresh_dispute",
    "commitment_save",
    "commitment_set_dependencies",
    "commitment_set_status",
    "commitments_delete",
    "evidence_check_claimant",
    "evidence_check_dates",
    "evidence_log",
    "evidence_retract",
    "evidence_update",
    "items_record",
    "milestone_save",
    "milestone_set_date",
    "overdue_scan",
    "party_get_or_create",
    "proposal_accept",
    "proposal_reject",
    "proposal_retarget",
    "proposals_reject",
    "source_save",
    "stats_refresh",
    "user_reset_api_token",
    "user_reset_calendar_token",
    "user_set_digest_preferences",
    "user_unsubscribe_digest",
]
