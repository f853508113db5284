from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from .api.docs import SwaggerUIView
from .views import (
    agreements,
    api_token,
    calendar,
    commitments,
    dashboard,
    drafting,
    evidence,
    favicon,
    health,
    imports,
    notifications,
    overdue,
    preferences,
    search,
)

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
    path("search/", search.search_page, name="search"),
    path("draft/", drafting.draft, name="draft"),
    # Getting data in and out (issue 6)
    path(
        "agreements/<slug:slug>/export.json", agreements.agreement_export, name="agreement-export"
    ),
    path("import/", imports.import_page, name="import"),
    path("calendar/<slug:token>.ics", calendar.calendar_feed, name="calendar-feed"),
    path("account/calendar/", calendar.calendar_settings, name="calendar-settings"),
    path("account/api-token/", api_token.api_token, name="api-token"),
    path("agreements/<slug:slug>/follow/", preferences.agreement_follow, name="agreement-follow"),
    path("preferences/", preferences.preferences, name="preferences"),
    path(
        "preferences/notifications/",
        notifications.notification_preferences,
        name="notifications",
    ),
    path("unsubscribe/<str:token>/", preferences.unsubscribe, name="unsubscribe"),
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
    path("accounts/", include(account_patterns)),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", favicon.favicon, name="favicon"),
    path("api/v1/", include("tracker.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerUIView.as_view(url_name="api-schema"), name="api-docs"),
]
