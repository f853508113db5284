from django.urls import path

from tracker.urls import urlpatterns as tracker_urlpatterns

from .views import floor

urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *tracker_urlpatterns]
