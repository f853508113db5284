"""An object's address written from its route reversed once is `reverse`'s, one object or a
list's many, under any script prefix."""

from django.urls import reverse, set_script_prefix

from tracker.routes import object_url, object_urls


def test_object_urls_write_what_reverse_does():
    url = object_urls("tracker:commitment-detail")
    assert url(42) == object_url("tracker:commitment-detail", 42)
    assert url(42) == reverse("tracker:commitment-detail", args=[42])


def test_object_urls_follow_the_script_prefix():
    set_script_prefix("/tracker/")
    try:
        url = object_urls("tracker:agreement-detail")
        assert url("peace-2026") == reverse("tracker:agreement-detail", args=["peace-2026"])
        assert url("peace-2026").startswith("/tracker/")
    finally:
        set_script_prefix("/")
