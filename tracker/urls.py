from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import agreements, commitments, dashboard, health, overdue, preferences, search

admin.site.site_header = "Commitment tracker"
admin.site.site_title = "Commitment tracker"
admin.site.index_title = "Data entry"
admin.site.site_url = "/"

app_patterns = [
    path("", dashboard.overview, name="overview"),
    path("agreements/", agreements.agreement_list, name="agreement-list"),
    path("agreements/<slug:slug>/", agreements.agreement_detail, name="agreement-detail"),
    path("commitments/<int:pk>/", commitments.commitment_detail, name="commitment-detail"),
    path("overdue/", overdue.overdue, name="overdue"),
    path("search/", search.search_page, name="search"),
    path("agreements/<slug:slug>/follow/", preferences.agreement_follow, name="agreement-follow"),
    path("preferences/", preferences.preferences, name="preferences"),
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
]
