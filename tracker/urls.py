from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from .views.health import healthz

admin.site.site_header = "Commitment tracker"
admin.site.site_title = "Commitment tracker"
admin.site.index_title = "Data entry"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
