"""Assessment rounds and their replies in the admin (issue 21): shown, never edited. A round
is opened, moved along and replied to on its page, through the services, which refuse
every write once it is published; here nobody writes at all. Only the rounds of agreements
the user may see are listed or shown (`VisibleAgreementsMixin`)."""

from django.contrib import admin

from .admin import ReadOnlyMixin, VisibleAgreementFilter, VisibleAgreementsMixin
from .models import AssessmentRound, RoundReply


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ReadOnlyMixin, VisibleAgreementsMixin, admin.ModelAdmin):
    list_display = ["agreement", "number", "kind", "cutoff", "state", "published_at"]
    list_filter = [("agreement", VisibleAgreementFilter), "state", "kind"]
    list_select_related = ["agreement"]
    exclude = ["snapshot"]


@admin.register(RoundReply)
class RoundReplyAdmin(ReadOnlyMixin, VisibleAgreementsMixin, admin.ModelAdmin):
    agreement_path = "round__agreement"
    list_display = ["round", "commitment_id", "party", "by", "by_editor", "at"]
    list_select_related = ["round__agreement", "party", "by"]
