from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView

from .api.docs import SwaggerUIView
from .views import (
    agreements,
    api_token,
    calendar,
    commitments,
    compare,
    dashboard,
    drafting,
    evidence,
    favicon,
    followed_feed,
    health,
    imports,
    inbox,
    language,
    notifications,
    open_data,
    overdue,
    preferences,
    public,
    public_embed,
    public_feeds,
    rounds,
    search,
    source_webhook,
)
from .views.public import public_response

app_patterns = [
    path("", dashboard.overview, name="overview"),
    path("agreements/", agreements.agreement_list, name="agreement-list"),
    path("agreements/<slug:slug>/", agreements.agreement_detail, name="agreement-detail"),
    path("commitments/<int:pk>/", commitments.commitment_detail, name="commitment-detail"),
    path("commitments/<int:pk>/audit/", commitments.commitment_audit, name="commitment-audit"),
    path(
        "evidence/<int:pk>/attachment/",
        evidence.evidence_attachment,
        name="evidence-attachment",
    ),
    path("overdue/", overdue.overdue, name="overdue"),
    # Agreements side by side (issue 21, item 5)
    path("compare/", compare.compare, name="compare"),
    path("compare/export.csv", compare.compare_csv, name="compare-csv"),
    # The evidence inbox (issue 20)
    path("inbox/", inbox.inbox, name="inbox"),
    path("agreements/<slug:slug>/inbox/", inbox.agreement_inbox, name="agreement-inbox"),
    path("sources/<int:pk>/webhook/", source_webhook.source_webhook, name="source-webhook"),
    path("search/", search.search_page, name="search"),
    path("draft/", drafting.draft, name="draft"),
    # Getting data in and out (issue 6)
    path(
        "agreements/<slug:slug>/export.json", agreements.agreement_export, name="agreement-export"
    ),
    path("import/", imports.import_page, name="import"),
    # Assessment rounds and the compliance report (issue 21)
    path("agreements/<slug:slug>/rounds/", rounds.round_list, name="round-list"),
    path("agreements/<slug:slug>/rounds/<int:number>/", rounds.round_detail, name="round-detail"),
    path(
        "agreements/<slug:slug>/rounds/<int:number>/report.<str:fmt>",
        rounds.round_report_file,
        name="round-report",
    ),
    path(
        "agreements/<slug:slug>/rounds/<int:number>/compare/<int:other>/",
        rounds.round_compare,
        name="round-compare",
    ),
    path("calendar/<slug:token>.ics", calendar.calendar_feed, name="calendar-feed"),
    path("feed/<slug:token>.atom", followed_feed.followed_feed, name="followed-feed"),
    path("account/calendar/", calendar.calendar_settings, name="calendar-settings"),
    path("account/api-token/", api_token.api_token, name="api-token"),
    path("agreements/<slug:slug>/follow/", preferences.agreement_follow, name="agreement-follow"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("language/", language.language_set, name="set-language"),
    path(
        "preferences/notifications/",
        notifications.notification_preferences,
        name="notifications",
    ),
    path("unsubscribe/<str:token>/", preferences.unsubscribe, name="unsubscribe"),
]

# Readable without signing in (issue 22): public agreements only, never a user's data.
public_patterns = [
    path("", public.agreement_list, name="agreement-list"),
    path("agreements/<slug:slug>/", public.agreement_detail, name="agreement-detail"),
    path(
        "agreements/<slug:slug>/feed/",
        require_GET(public_response(public_feeds.AgreementFeed())),
        name="agreement-feed",
    ),
    path("agreements/<slug:slug>/embed/", public_embed.agreement_embed, name="agreement-embed"),
    path("commitments/<int:pk>/", public.commitment_detail, name="commitment-detail"),
    path("feed/", require_GET(public_response(public_feeds.AllPublicFeed())), name="feed"),
    path("oembed", public_embed.oembed, name="oembed"),
    path("data/", open_data.open_data_page, name="open-data"),
    path("data/commitments.csv", open_data.commitments_csv, name="open-data-csv"),
    path("data/agreements.json", open_data.agreements_json, name="open-data-json"),
    path("data/codebook/", open_data.codebook_page, name="codebook"),
    path("data/codebook.md", open_data.codebook_file, name="codebook-file"),
]

account_patterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("", include((app_patterns, "tracker"))),
    path("public/", include((public_patterns, "public"))),
    path("accounts/", include(account_patterns)),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("api/v1/", include("tracker.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerUIView.as_view(url_name="api-schema"), name="api-docs"),
]
