"""The admin: editors' data entry. Every save goes through the same services as the app."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from . import deadlines, selectors, services
from .models import (
    Agreement,
    Commitment,
    DeadlineExtension,
    DigestDelivery,
    Evidence,
    JobRun,
    Milestone,
    MilestoneKind,
    OverdueFlag,
    Party,
    Source,
    StatusChange,
    Team,
    User,
)


class CommitmentForm(forms.ModelForm):
    """Reads the timeline wording at once, so a bad one is an error beside the field."""

    class Meta:
        model = Commitment
        fields = [
            "agreement",
            "reference",
            "title",
            "description",
            "theme",
            "responsible_parties",
            "timeline_wording",
            "deadline_milestone",
            "priority",
            "depends_on",
        ]

    def clean_timeline_wording(self) -> str:
        wording = self.cleaned_data.get("timeline_wording", "")
        try:
            deadlines.parse_timeline(wording)
        except deadlines.TimelineError as error:
            raise ValidationError(str(error)) from None
        return wording

    def clean(self) -> dict:
        cleaned = super().clean()
        agreement = cleaned.get("agreement") or getattr(self.instance, "agreement", None)
        if agreement is not None and agreement.pk and "agreement" in self.fields:
            self._check(
                services.commitment_check_parties,
                agreement_parties=agreement.parties.all(),
                responsible=cleaned.get("responsible_parties") or [],
            )
            self._check(
                services.commitment_check_milestone,
                agreement=agreement,
                milestone=cleaned.get("deadline_milestone"),
            )
            if self.instance.pk and "depends_on" in cleaned:
                self._check(
                    services.commitment_check_dependencies,
                    commitment=self.instance,
                    prerequisites=list(cleaned["depends_on"]),
                )
        return cleaned

    def _check(self, rule, **kwargs) -> None:
        try:
            rule(**kwargs)
        except ValidationError as error:
            self._update_errors(error)


class CommitmentInlineFormSet(forms.BaseInlineFormSet):
    """Checks responsible parties against the parties chosen on the same page."""

    def clean(self) -> None:
        super().clean()
        if "parties" in self.data:
            agreement_parties = Party.objects.filter(pk__in=self.data.getlist("parties"))
        else:
            agreement_parties = self.instance.parties.all()
        agreement_parties = list(agreement_parties)
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            try:
                services.commitment_check_parties(
                    agreement_parties=agreement_parties,
                    responsible=form.cleaned_data.get("responsible_parties") or [],
                )
                services.commitment_check_milestone(
                    agreement=self.instance, milestone=form.cleaned_data.get("deadline_milestone")
                )
            except ValidationError as error:
                form._update_errors(error)


def _object_being_edited(request: HttpRequest) -> str | None:
    match = request.resolver_match
    return match.kwargs.get("object_id") if match else None


class SourceInline(admin.TabularInline):
    model = Source
    extra = 0


class MilestoneInline(admin.TabularInline):
    """The agreement's events other than the signing, which follows the agreement's date."""

    model = Milestone
    extra = 1
    fields = ["name", "kind", "date", "date_is_estimate", "note"]
    verbose_name_plural = "milestones (the signing follows the agreement's date)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Milestone]:
        return super().get_queryset(request).exclude(kind=MilestoneKind.SIGNING)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [c for c in MilestoneKind.choices if c[0] != MilestoneKind.SIGNING]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class CommitmentInline(admin.StackedInline):
    model = Commitment
    form = CommitmentForm
    formset = CommitmentInlineFormSet
    extra = 0
    show_change_link = True
    fields = [
        ("reference", "title"),
        ("theme", "priority", "status"),
        "responsible_parties",
        ("timeline_wording", "deadline_milestone", "due_on"),
        "description",
    ]
    # A status moves only with a reason, on the commitment's page in the app.
    readonly_fields = ["due_on", "status"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Commitment]:
        return (
            super()
            .get_queryset(request)
            .select_related("deadline_milestone")
            .prefetch_related("responsible_parties")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "deadline_milestone":
            kwargs["queryset"] = Milestone.objects.filter(
                agreement_id=_object_being_edited(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        agreement_id = _object_being_edited(request)
        if db_field.name == "responsible_parties" and agreement_id:
            kwargs["queryset"] = Party.objects.filter(agreements__id=agreement_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyMixin:
    """Records written by the app itself (status changes, delivery log): shown, never edited."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LargeTableMixin:
    """For tables that grow by hundreds of thousands of rows (a million pieces of evidence):
    no count of the whole table beside the filtered one, and dates filtered by fixed ranges
    instead of `date_hierarchy`, whose list of years reads every row (0.25 s at a million)."""

    show_full_result_count = False


class VisibleAgreementsMixin:
    """Non-admins see in the admin only the agreements they may see in the app."""

    agreement_path = "agreement"

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        """simple-history falls back to an object's last record when the queryset hides it;
        for an outsider a restricted object has no history either."""
        visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        if not (visible or request.user.sees_all_agreements):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.sees_all_agreements:
            return queryset
        visible = selectors.agreements_visible_to(request.user)
        if self.agreement_path == "":
            return queryset.filter(pk__in=visible.values("pk"))
        return queryset.filter(**{f"{self.agreement_path}__in": visible.values("pk")})


@admin.register(Agreement)
class AgreementAdmin(VisibleAgreementsMixin, SimpleHistoryAdmin):
    agreement_path = ""
    list_display = ["title", "status", "signed_on", "party_codes", "commitment_count"]
    readonly_fields = ["commitment_count", "overdue_count"]
    list_filter = ["status", "parties", "teams"]
    search_fields = ["title", "summary", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["parties", "teams"]
    date_hierarchy = "signed_on"
    inlines = [SourceInline, MilestoneInline, CommitmentInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", ("signed_on", "signed_on_kind")]}),
        ("Parties and access", {"fields": ["parties", "teams"]}),
        (None, {"fields": ["summary"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agreement]:
        return super().get_queryset(request).prefetch_related("parties")

    @admin.display(description="parties")
    def party_codes(self, agreement: Agreement) -> str:
        return " · ".join(party.code for party in agreement.parties.all())

    def save_related(self, request, form, formsets, change) -> None:
        form.save_m2m()
        services.agreement_sync_signing(agreement=form.instance)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        services.agreement_recompute_due_dates(agreement=form.instance)


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_overdue=self.value() == "yes")
        return queryset


class EvidenceInline(admin.StackedInline):
    model = Evidence
    extra = 0
    can_delete = False
    fields = [
        "summary",
        ("occurred_on", "stance", "claimed_by", "reliability", "credibility"),
        ("source_title", "source_publisher", "source_date"),
        "source_url",
        "quote",
        "attachment",
        ("logged_by", "logged_at"),
        ("retracted_at", "retraction_reason"),
    ]
    readonly_fields = ["logged_by", "logged_at", "retracted_at", "retraction_reason"]


class ExtensionInline(admin.TabularInline):
    """Extensions are recorded on the commitment's page (with the new date computed there)."""

    model = DeadlineExtension
    extra = 0
    can_delete = False
    fields = ["recorded_at", "previous_due_on", "new_wording", "new_due_on", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Commitment)
class CommitmentAdmin(LargeTableMixin, VisibleAgreementsMixin, SimpleHistoryAdmin):
    form = CommitmentForm
    list_display = [
        "reference",
        "title",
        "agreement",
        "party_codes",
        "theme",
        "status",
        "timeline_wording",
        "due_on",
        "overdue",
    ]
    list_display_links = ["reference", "title"]
    list_filter = [
        "agreement",
        ("responsible_parties", admin.RelatedOnlyFieldListFilter),
        "status",
        "theme",
        "priority",
        OverdueFilter,
    ]
    list_select_related = ["agreement"]
    search_fields = ["reference", "title", "description", "agreement__title"]
    # Not autocomplete: Django's autocomplete widget fails on a malformed id in the POST.
    raw_id_fields = ["agreement"]
    # A status moves only with a reason, on the commitment's page in the app.
    readonly_fields = ["due_on", "original_due_on", "status", "version"]
    filter_horizontal = ["responsible_parties", "depends_on"]
    inlines = [EvidenceInline, ExtensionInline]
    fields = [
        "agreement",
        ("reference", "title"),
        ("theme", "priority", "status"),
        "responsible_parties",
        ("timeline_wording", "deadline_milestone", "due_on", "original_due_on"),
        "depends_on",
        "description",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Commitment]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related("responsible_parties")
            .annotate(is_overdue=selectors.open_overdue_flag())
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Prerequisites come from the same agreement as the commitment being edited."""
        object_id = _object_being_edited(request)
        if db_field.name == "depends_on" and object_id:
            kwargs["queryset"] = Commitment.objects.filter(
                agreement__commitments__id=object_id
            ).exclude(pk=object_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="parties")
    def party_codes(self, commitment: Commitment) -> str:
        return " · ".join(party.code for party in commitment.responsible_parties.all())

    @admin.display(boolean=True, ordering="is_overdue")
    def overdue(self, commitment: Commitment) -> bool:
        return commitment.is_overdue

    def save_model(self, request, obj, form, change) -> None:
        obj.due_on = services.commitment_due_date(commitment=obj, signed_on=obj.agreement.signed_on)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        """New evidence is logged by the service, as the editor, at the time of saving."""
        formset.save(commit=False)  # sorts new from changed objects for the change message
        for evidence_form in formset.forms:
            if not evidence_form.has_changed():
                continue
            if evidence_form.instance.pk is None:
                fields = {
                    name: value
                    for name, value in evidence_form.cleaned_data.items()
                    if name in services.EVIDENCE_FIELDS
                }
                services.evidence_log(commitment=form.instance, by=request.user, **fields)
            else:
                evidence_form.save()
        services.commitment_refresh_dispute(commitment=form.instance)


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind"]
    search_fields = ["name", "code"]


@admin.register(Evidence)
class EvidenceAdmin(LargeTableMixin, VisibleAgreementsMixin, SimpleHistoryAdmin):
    agreement_path = "commitment__agreement"
    list_display = ["commitment", "summary", "stance", "grading", "logged_by", "logged_at"]
    list_filter = [
        ("logged_at", admin.DateFieldListFilter),
        "stance",
        "reliability",
        "credibility",
        "commitment__agreement",
    ]
    list_select_related = ["commitment", "logged_by"]
    search_fields = ["summary", "quote", "source_title", "commitment__title"]
    raw_id_fields = ["commitment"]
    readonly_fields = ["logged_by", "logged_at", "retracted_at", "retracted_by"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyMixin, LargeTableMixin, VisibleAgreementsMixin, admin.ModelAdmin):
    agreement_path = "commitment__agreement"
    list_display = ["commitment", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = [("changed_at", admin.DateFieldListFilter), "to_status", "commitment__agreement"]
    list_select_related = ["commitment", "changed_by"]


@admin.register(OverdueFlag)
class OverdueFlagAdmin(ReadOnlyMixin, LargeTableMixin, VisibleAgreementsMixin, admin.ModelAdmin):
    agreement_path = "commitment__agreement"
    list_display = ["commitment", "due_on", "flagged_at", "cleared_at", "clear_reason"]
    list_filter = ["clear_reason", "commitment__agreement"]
    list_select_related = ["commitment"]


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["job", "started_at", "finished_at", "as_of", "flagged", "cleared"]
    list_filter = ["job"]
    date_hierarchy = "started_at"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "member_count"]
    filter_horizontal = ["members"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Team]:
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description="members", ordering="member_total")
    def member_count(self, team: Team) -> int:
        return team.member_total


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_active", "roles"]
    list_filter = ["groups", "is_active", "is_staff"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all()) or "—"


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyMixin, LargeTableMixin, admin.ModelAdmin):
    """The delivery log: who got which week's digest when, and what failed with which error.

    Read-only: the rows are the exactly-once record, written only by the digest job.
    """

    list_display = [
        "week",
        "user",
        "status",
        "attempts",
        "sent_at",
        "item_count",
        "overdue_count",
        "short_error",
    ]
    list_filter = ["status", "week", ("sent_at", admin.DateFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "week"]

    @admin.display(description="last error")
    def short_error(self, delivery: DigestDelivery) -> str:
        return delivery.last_error[:80]
