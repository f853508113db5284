"""The admin of watched sources (issue 20): editors register feeds and the agreements they
concern (saved through `services.source_save`), and see each watch run's figures. Only the
agreements the editor may see are offered, and a source is listed with its fetches; the
proposals themselves are decided in the app's inbox, not here."""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from . import selectors, services
from .models import CommitmentKeywords, SourceFetch, WatchedSource, WatchRun


def visible_sources(request: HttpRequest) -> QuerySet:
    """The ids of the sources the user may see in the admin: an outsider does not see a
    source that reports only on agreements hidden from them (its name may say what is
    watched)."""
    sources = WatchedSource.objects.values("pk")
    if request.user.sees_all_agreements:
        return sources
    visible = selectors.agreements_visible_to(request.user).values("pk")
    concerned = WatchedSource.agreements.through.objects.values("watchedsource_id")
    return sources.filter(Q(agreements__in=visible) | ~Q(pk__in=concerned))


class ReadOnlyJobRecord:
    """Written by the watcher alone: shown, never edited."""

    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WatchedSource)
class WatchedSourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "feed_url",
        "language",
        "reliability",
        "enabled",
        "fetch_pages",
        "last_fetched_at",
        "last_outcome",
        "last_error",
    ]
    list_filter = ["enabled", "language", "reliability", "last_outcome"]
    search_fields = ["name", "feed_url"]
    filter_horizontal = ["agreements"]
    readonly_fields = ["last_fetched_at", "last_outcome", "last_error", "etag", "last_modified"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """An outsider does not see a source that reports only on agreements hidden from
        them (its name may say what is watched)."""
        sources = super().get_queryset(request)
        if request.user.sees_all_agreements:
            return sources
        visible = selectors.agreements_visible_to(request.user).values("pk")
        concerned = WatchedSource.agreements.through.objects.values("watchedsource_id")
        return sources.filter(Q(agreements__in=visible) | ~Q(pk__in=concerned)).distinct()

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "agreements":
            kwargs["queryset"] = selectors.agreements_visible_to(request.user).order_by("title")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: WatchedSource, form, change: bool) -> None:
        services.source_save(source=obj, agreements=None, by=request.user)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """The agreements through the service; an editor's choice keeps the hidden agreements
        the source already concerns (they were not offered, so not unticked)."""
        source = form.instance
        chosen = list(form.cleaned_data["agreements"])
        if not request.user.sees_all_agreements:
            visible = selectors.agreements_visible_to(request.user).values("pk")
            chosen += list(source.agreements.exclude(pk__in=visible))
        services.source_save(source=source, agreements=chosen, by=request.user)


@admin.register(WatchRun)
class WatchRunAdmin(ReadOnlyJobRecord, admin.ModelAdmin):
    list_display = [
        "started_at",
        "finished_at",
        "sources",
        "fetched",
        "new",
        "proposed",
        "skipped",
        "failed",
    ]


@admin.register(SourceFetch)
class SourceFetchAdmin(ReadOnlyJobRecord, admin.ModelAdmin):
    """Per run and per source: what was fetched, new, proposed, skipped, or why it failed."""

    list_display = [
        "run",
        "source",
        "outcome",
        "fetched",
        "new",
        "proposed",
        "skipped",
        "error",
        "ms",
    ]
    list_filter = ["outcome"]
    search_fields = ["source__name"]
    list_select_related = ["run", "source"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(source__in=visible_sources(request))


@admin.register(CommitmentKeywords)
class CommitmentKeywordsAdmin(admin.ModelAdmin):
    list_display = ["commitment", "language", "words"]
    raw_id_fields = ["commitment"]
    list_select_related = ["commitment"]

    def save_model(self, request: HttpRequest, obj: CommitmentKeywords, form, change) -> None:
        services.keywords_save(keywords=obj)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "commitment":  # an id typed in must name a visible commitment
            kwargs["queryset"] = selectors.commitments_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.sees_all_agreements:
            return queryset
        visible = selectors.agreements_visible_to(request.user).values("pk")
        return queryset.filter(commitment__agreement__in=visible)
