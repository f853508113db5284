"""The app's URL configuration under a prefix, as a request's own `urlconf` could set it."""

from django.urls import include, path

urlpatterns = [path("under/", include("tracker.urls"))]
