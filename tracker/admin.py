"""The admin: editors' data entry. Every save, and every deletion of a commitment, goes through
the same services as the app (`save_model`, `save_related`, `save_formset`, `delete_model`,
`delete_queryset`), inside the transaction the admin opens around each change page; the forms
(`admin_forms.py`) run the services' checks first, so that a refusal is an error beside its
field. Milestones, sources and agreements are deleted as Django deletes them: nothing derived
from them is kept outside the database's own rules (foreign keys, the figures' triggers)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import forms as forms_app
from . import selectors, services
from .admin_due_date import due_date_preview
from .admin_forms import (
    AgreementForm,
    CommitmentForm,
    CommitmentInlineFormSet,
    EvidenceAdminForm,
    MilestoneInlineFormSet,
    add_errors,
    evidence_fields,
)
from .models import (
    Agreement,
    AgreementText,
    Commitment,
    Criterion,
    DeadlineExtension,
    DigestDelivery,
    Evidence,
    Holiday,
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


def _object_being_edited(request: HttpRequest) -> str | None:
    match = request.resolver_match
    return match.kwargs.get("object_id") if match else None


def _saved_forms(formset: forms.BaseModelFormSet) -> list[forms.ModelForm]:
    """The forms whose objects are new or changed (not deleted), as sorted by the formset's
    `save(commit=False)`, which also gives the admin its change message."""
    objects = [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]
    return [form for form in formset.forms if any(form.instance is obj for obj in objects)]


class VisibleAgreementFilter(admin.RelatedFieldListFilter):
    """A list's filter by agreement, offering only the agreements the user may see: Django's
    offers every row of the table, restricted ones with their titles and ids."""

    def field_choices(self, field, request, model_admin) -> list[tuple[int, str]]:
        visible = selectors.agreements_visible_to(request.user).order_by("title", "pk")
        return [(agreement.pk, agreement.title) for agreement in visible.only("pk", "title")]


class VisibleRawIdWidget(ForeignKeyRawIdWidget):
    """The id input of a commitment's agreement. Django names, beside it, whichever agreement
    the id holds (given in the address, `?agreement=<id>`, or posted back with an error),
    read past the field's choices; this one names only those in `visible`."""

    def __init__(self, rel, admin_site, *, visible: QuerySet[Agreement], **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.visible = visible

    def label_and_url_for_value(self, value) -> tuple[str, str]:
        try:
            shown = self.visible.filter(pk=value).exists()
        except (ValueError, TypeError, ValidationError):
            shown = False
        return super().label_and_url_for_value(value) if shown else ("", "")


# The browser's own date picker (the app's forms' widget), written as YYYY-MM-DD whatever
# the locale: the admin's text input took `01/09/2026`, which reads as January or September.
DATE_INPUT = {models.DateField: {"widget": forms_app.DATE_INPUT}}


class SourceInline(admin.TabularInline):
    model = Source
    formfield_overrides = DATE_INPUT
    extra = 0


class MilestoneInline(admin.TabularInline):
    """The agreement's events other than the signing, which follows the agreement's date."""

    model = Milestone
    formset = MilestoneInlineFormSet
    formfield_overrides = DATE_INPUT
    extra = 1
    fields = ["name", "kind", "date", "date_is_estimate", "note"]
    verbose_name_plural = "milestones (the signing follows the agreement's date)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Milestone]:
        return super().get_queryset(request).exclude(kind=MilestoneKind.SIGNING)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [c for c in MilestoneKind.choices if c[0] != MilestoneKind.SIGNING]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class HolidayInline(admin.TabularInline):
    """The public holidays the agreement's working days skip; saved through
    `services.agreement_set_holidays`, which moves the due dates they change."""

    model = Holiday
    formfield_overrides = DATE_INPUT
    extra = 0
    fields = ["date", "name"]
    verbose_name_plural = "public holidays (working days skip them, besides weekends)"


class AgreementTextInline(admin.StackedInline):
    """The agreement's text in the site's languages (issue 23), as the parties wrote it:
    saved through `services.agreement_text_save` and `agreement_text_delete`."""

    model = AgreementText
    extra = 0
    fields = ["language", "title", "is_authentic", "source_url", "text"]
    verbose_name_plural = "texts of the agreement, one per language (never machine-translated)"


class DueDatePreviewMixin:
    """The timeline wording's due date shown beside it as it is typed (`admin_due_date`)."""

    class Media:
        css = {"all": ["css/admin-forms.css"]}
        js = ["js/admin-due-date.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "timeline_wording":
            url = reverse("admin:tracker_commitment_due_date")
            field.widget.attrs["data-due-date-url"] = url
        return field


class CommitmentInline(DueDatePreviewMixin, admin.StackedInline):
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
    """For tables that grow by hundreds of thousands of rows (evidence, status changes): no
    count of the whole table beside the filtered one, and dates filtered by fixed ranges
    instead of `date_hierarchy`, whose list of years reads every row."""

    show_full_result_count = False


class VisibleAgreementsMixin:
    """Non-admins see in the admin only the agreements they may see in the app. Their earlier
    versions are shown, never saved back: simple-history's revert saves the many-to-many
    fields itself, past the services' checks and outside their transaction."""

    agreement_path = "agreement"

    def _check_visible(self, request: HttpRequest, object_id: str) -> None:
        """simple-history falls back to an object's last record when the queryset hides it;
        for an outsider a restricted object has no history either."""
        visible = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        if not (visible or request.user.sees_all_agreements):
            raise Http404

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        self._check_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str, **kwargs):
        self._check_visible(request, object_id)
        if request.method == "POST":
            raise PermissionDenied(
                gettext("Earlier versions are shown, not restored: edit the object.")
            )
        return super().history_form_view(request, object_id, version_id, **kwargs)

    def revert_disabled(self, request: HttpRequest, obj=None) -> bool:
        return True

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
    form = AgreementForm
    list_display = [
        "title",
        "status",
        "signed_on",
        "party_codes",
        "restricted_to",
        "is_public",
        "commitment_count",
    ]
    readonly_fields = ["commitment_count", "overdue_count"]
    list_filter = ["status", "is_public", "parties", "teams"]
    search_fields = ["title", "summary", "slug"]
    # The slug is not prepopulated: left empty, the form makes it from the title.
    autocomplete_fields = ["parties"]
    filter_horizontal = ["teams"]
    formfield_overrides = DATE_INPUT
    date_hierarchy = "signed_on"
    inlines = [SourceInline, AgreementTextInline, MilestoneInline, HolidayInline, CommitmentInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", ("signed_on", "signed_on_kind")]}),
        (gettext_lazy("Parties and access"), {"fields": ["parties", "teams"]}),
        (gettext_lazy("Deadlines"), {"fields": ["prompt_grace_days"]}),
        (gettext_lazy("Score"), {"fields": ["score_rule"]}),
        (None, {"fields": ["summary"]}),
        (
            gettext_lazy("Public pages"),
            {
                "fields": [
                    "is_public",
                    "public_analyst_names",
                    "public_milestone_notes",
                    "public_retracted_content",
                ],
                "description": gettext_lazy(
                    "A public agreement is readable without signing in under "
                    "/public/ (its feeds, embeddable card and the open dataset too). What is "
                    "left unticked below stays internal."
                ),
            },
        ),
    ]

    class Media:
        css = {"all": ["css/admin-forms.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agreement]:
        return super().get_queryset(request).prefetch_related("parties", "teams")

    @admin.display(description=gettext_lazy("parties"))
    def party_codes(self, agreement: Agreement) -> str:
        return " · ".join(party.code for party in agreement.parties.all())

    @admin.display(description=gettext_lazy("restricted to"))
    def restricted_to(self, agreement: Agreement) -> str:
        """The teams whose members alone see it (by name, as `Team` orders), or "open to all"."""
        return ", ".join(team.name for team in agreement.teams.all()) or gettext("open to all")

    def save_model(self, request, obj, form, change) -> None:
        """Through the service, with the parties posted and those it had: a party leaves only
        after the inlines below have moved its commitments away (`save_related`)."""
        kept = list(obj.parties.all()) if obj.pk else []
        services.agreement_save(
            agreement=obj,
            parties={*form.cleaned_data["parties"], *kept},
            teams=form.cleaned_data["teams"],
            by=request.user,
        )

    def save_related(self, request, form, formsets, change) -> None:
        """The parties and teams were saved with the agreement; the inlines through their
        services; then the parties no longer posted leave."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        parties = set(form.cleaned_data["parties"])
        if set(form.instance.parties.all()) != parties:
            services.agreement_save(agreement=form.instance, parties=parties, by=request.user)

    def save_formset(self, request, form, formset, change) -> None:
        formset.save(commit=False)
        if formset.model is Commitment:
            services.commitments_delete(commitments=formset.deleted_objects, by=request.user)
            for commitment_form in _saved_forms(formset):
                services.commitment_save(
                    commitment=commitment_form.instance,
                    responsible=commitment_form.cleaned_data["responsible_parties"],
                    by=request.user,
                )
        elif formset.model is Milestone:
            for milestone in formset.deleted_objects:
                milestone.delete()
            for milestone_form in _saved_forms(formset):
                services.milestone_save(milestone=milestone_form.instance, by=request.user)
        elif formset.model is Holiday:
            kept = [
                row.cleaned_data
                for row in formset.forms
                if row not in formset.deleted_forms and row.cleaned_data.get("date")
            ]
            services.agreement_set_holidays(
                agreement=form.instance,
                holidays={row["date"]: row.get("name", "") for row in kept},
                by=request.user,
            )
        elif formset.model is AgreementText:
            for text in formset.deleted_objects:
                services.agreement_text_delete(text=text, by=request.user)
            for text_form in _saved_forms(formset):
                services.agreement_text_save(text=text_form.instance, by=request.user)
        else:  # sources: nothing derived from them, saved (with history) as they are
            formset.save()


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
    """The commitment's evidence: logged (`services.evidence_log`) and corrected
    (`services.evidence_update`) as the editor; retracted only on the app's page."""

    model = Evidence
    form = EvidenceAdminForm
    formfield_overrides = DATE_INPUT
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        object_id = _object_being_edited(request)
        if db_field.name == "claimed_by" and object_id:
            kwargs["queryset"] = Party.objects.filter(agreements__commitments__id=object_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CriterionAdminForm(forms.ModelForm):
    """A criterion on its commitment's page: met on a day not to come, shown by evidence of
    this commitment that is not retracted (`services.criterion_check_met`)."""

    class Meta:
        model = Criterion
        fields = ["text", "position", "met_on", "evidence"]

    def _post_clean(self) -> None:
        super()._post_clean()
        criterion = self.instance
        if criterion.met_on is None and criterion.evidence is not None:
            self.add_error("met_on", _("Give the day it was met, or cite no evidence."))
        elif criterion.met_on is not None:
            try:
                services.criterion_check_met(criterion, criterion.met_on, criterion.evidence)
            except ValidationError as error:
                add_errors(self, error)


class CriterionInline(admin.TabularInline):
    """The commitment's completion criteria, written through the criteria services as the
    editor (`save_formset`): added, reworded or moved, met or not, deleted."""

    model = Criterion
    form = CriterionAdminForm
    formfield_overrides = DATE_INPUT
    extra = 0
    fields = ["text", "position", "met_on", "evidence", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "evidence":
            object_id = _object_being_edited(request)
            kwargs["queryset"] = (
                Evidence.objects.filter(commitment_id=object_id, retracted_at__isnull=True)
                if object_id
                else Evidence.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _criteria_save(formset, *, commitment: Commitment, by) -> None:
    """The criteria inline through the services: deleted, then changed, then new."""
    for criterion in formset.deleted_objects:
        services.criterion_delete(criterion=criterion, by=by)
    for criterion_form in _saved_forms(formset):
        criterion, data = criterion_form.instance, criterion_form.cleaned_data
        changed = set(criterion_form.changed_data)
        is_new = criterion.pk is None
        if is_new:
            criterion = services.criterion_add(
                commitment=commitment, text=data["text"], position=data["position"], by=by
            )
        elif {"text", "position"} & changed:
            services.criterion_edit(
                criterion=criterion, text=data["text"], position=data["position"], by=by
            )
        if not (is_new and data["met_on"] is None) and {"met_on", "evidence"} & changed:
            if data["met_on"] is None:
                services.criterion_set_unmet(criterion=criterion, by=by)
            else:
                services.criterion_set_met(
                    criterion=criterion, met_on=data["met_on"], evidence=data["evidence"], by=by
                )


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
class CommitmentAdmin(
    DueDatePreviewMixin, LargeTableMixin, VisibleAgreementsMixin, SimpleHistoryAdmin
):
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
        ("agreement", VisibleAgreementFilter),
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
    readonly_fields = ["due_on", "original_due_on", "status", "party_statuses", "version"]
    filter_horizontal = ["responsible_parties", "depends_on"]
    inlines = [EvidenceInline, CriterionInline, ExtensionInline]
    fields = [
        "agreement",
        ("reference", "title"),
        ("theme", "priority", "status"),
        "party_statuses",
        "responsible_parties",
        ("timeline_wording", "deadline_milestone", "due_on", "original_due_on"),
        "depends_on",
        "description",
    ]

    def get_urls(self):
        preview = self.admin_site.admin_view(due_date_preview)
        return [
            path("due-date/", preview, name="tracker_commitment_due_date"),
            *super().get_urls(),
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Commitment]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related("responsible_parties")
            .annotate(is_overdue=selectors.open_overdue_flag())
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Agreements the editor may see; the milestones of the commitment's own agreement
        (of every agreement the editor sees, for a new one)."""
        visible = selectors.agreements_visible_to(request.user)
        object_id = _object_being_edited(request)
        if db_field.name == "agreement":
            kwargs["queryset"] = visible
            kwargs["widget"] = VisibleRawIdWidget(
                db_field.remote_field, self.admin_site, visible=visible, using=kwargs.get("using")
            )
        elif db_field.name == "deadline_milestone":
            milestones = Milestone.objects.filter(agreement__in=visible)
            if object_id:
                milestones = milestones.filter(agreement__commitments__id=object_id)
            kwargs["queryset"] = milestones
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        """Prerequisites come from the same agreement as the commitment being edited."""
        object_id = _object_being_edited(request)
        if db_field.name == "depends_on":
            if object_id:
                kwargs["queryset"] = Commitment.objects.filter(
                    agreement__commitments__id=object_id
                ).exclude(pk=object_id)
            else:
                kwargs["queryset"] = Commitment.objects.none()
                kwargs["help_text"] = "Chosen once the commitment is saved, from its agreement."
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("parties"))
    def party_codes(self, commitment: Commitment) -> str:
        return " · ".join(party.code for party in commitment.responsible_parties.all())

    @admin.display(description=gettext_lazy("each party's status"))
    def party_statuses(self, commitment: Commitment) -> str:
        """Read only, as the commitment's status: each party moves on the app's page."""
        obligations = commitment.obligations.select_related("party").order_by("party__name")
        return (
            " · ".join(
                f"{obligation.party.code}: {obligation.get_status_display()}"
                for obligation in obligations
            )
            or "—"
        )

    @admin.display(boolean=True, ordering="is_overdue")
    def overdue(self, commitment: Commitment) -> bool:
        return commitment.is_overdue

    def save_model(self, request, obj, form, change) -> None:
        """Through the service (due date, checks; the triggers move the figures)."""
        services.commitment_save(
            commitment=obj,
            responsible=form.cleaned_data["responsible_parties"],
            prerequisites=form.cleaned_data["depends_on"],
            by=request.user,
        )

    def save_related(self, request, form, formsets, change) -> None:
        """The responsible parties and prerequisites were saved by the service with the
        commitment, never by `form.save_m2m()`; what is left are the inlines."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change) -> None:
        formset.save(commit=False)  # sorts new from changed objects for the change message
        if formset.model is Criterion:
            _criteria_save(formset, commitment=form.instance, by=request.user)
            return
        if formset.model is not Evidence:
            return  # the extensions are only shown: they are recorded on the app's page
        for evidence_form in _saved_forms(formset):
            evidence = evidence_form.instance
            if evidence.pk is None:
                fields = evidence_fields(evidence_form, every=True)
                services.evidence_log(commitment=form.instance, by=request.user, **fields)
            else:
                fields = evidence_fields(evidence_form)
                services.evidence_update(evidence=evidence, by=request.user, **fields)

    def delete_model(self, request, obj) -> None:
        services.commitments_delete(commitments=[obj], by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        services.commitments_delete(commitments=queryset, by=request.user)


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind"]
    search_fields = ["name", "code"]


@admin.register(Evidence)
class EvidenceAdmin(LargeTableMixin, VisibleAgreementsMixin, SimpleHistoryAdmin):
    """Corrections to evidence already logged, through `services.evidence_update`. Evidence
    is logged, and retracted, on its commitment's page in the app."""

    agreement_path = "commitment__agreement"
    form = EvidenceAdminForm
    formfield_overrides = DATE_INPUT
    list_display = ["commitment", "summary", "stance", "grading", "logged_by", "logged_at"]
    list_filter = [
        ("logged_at", admin.DateFieldListFilter),
        "stance",
        "reliability",
        "credibility",
        ("commitment__agreement", VisibleAgreementFilter),
    ]
    list_select_related = ["commitment", "logged_by"]
    search_fields = ["summary", "quote", "source_title", "commitment__title"]
    fields = [
        "commitment",
        "summary",
        ("occurred_on", "stance", "claimed_by"),
        ("reliability", "credibility"),
        ("source_title", "source_publisher", "source_date"),
        "source_url",
        "quote",
        "attachment",
        ("logged_by", "logged_at"),
        ("retracted_at", "retracted_by"),
        "retraction_reason",
    ]
    readonly_fields = [
        "commitment",
        "logged_by",
        "logged_at",
        "retracted_at",
        "retracted_by",
        "retraction_reason",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def add_view(self, request, form_url="", extra_context=None):
        messages.info(
            request,
            gettext(
                "Evidence is logged on its commitment's page in the app (“Log evidence”), "
                "where the claimant, the dates and the attachment are checked against that "
                "commitment; it can also be added below a commitment here. This page corrects "
                "evidence already logged."
            ),
        )
        return redirect("admin:tracker_evidence_changelist")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        services.evidence_update(evidence=obj, by=request.user, **evidence_fields(form))


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyMixin, LargeTableMixin, VisibleAgreementsMixin, admin.ModelAdmin):
    agreement_path = "commitment__agreement"
    list_display = ["commitment", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = [
        ("changed_at", admin.DateFieldListFilter),
        "to_status",
        ("commitment__agreement", VisibleAgreementFilter),
    ]
    list_select_related = ["commitment", "changed_by"]


@admin.register(OverdueFlag)
class OverdueFlagAdmin(ReadOnlyMixin, LargeTableMixin, VisibleAgreementsMixin, admin.ModelAdmin):
    agreement_path = "commitment__agreement"
    list_display = ["commitment", "due_on", "flagged_at", "cleared_at", "clear_reason"]
    list_filter = ["clear_reason", ("commitment__agreement", VisibleAgreementFilter)]
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

    @admin.display(description=gettext_lazy("members"), ordering="member_total")
    def member_count(self, team: Team) -> int:
        return team.member_total


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_active", "roles"]
    list_filter = ["groups", "is_active", "is_staff"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=gettext_lazy("roles"))
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

    @admin.display(description=gettext_lazy("last error"))
    def short_error(self, delivery: DigestDelivery) -> str:
        return delivery.last_error[:80]


# Watched sources, their runs and the commitments' keywords (issue 20).
from . import admin_sources  # noqa: E402, F401

# Assessment rounds and their replies, read-only (issue 21).
from .admin_rounds import AssessmentRoundAdmin  # noqa: E402, F401

# Notifications' channels and delivery log (issue 23), registered from their package.
from .notifications import admin as notifications_admin  # noqa: E402, F401
