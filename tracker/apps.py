from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


def _sync_role_groups(sender, apps=None, **kwargs) -> None:
    """After every migrate (and every test flush) the role groups hold exactly their
    permissions, including those of models added since migration 0002 (for admins).
    This app comes last, so Django has made every app's permissions by now.
    `migrate` passes the migrated app registry; `flush` passes none."""
    from django.apps import apps as installed_apps

    from .roles import sync_role_groups

    sync_role_groups(apps or installed_apps)


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Commitment tracker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import db  # noqa: F401 (registers the `__any` lookup)

        post_migrate.connect(_sync_role_groups, sender=self)


class TrackerAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with `admin.site` made a `TrackerAdminSite` (tracker/admin_site.py).
    Named in INSTALLED_APPS; not the default of this module, which is `TrackerConfig`."""

    default = False
    default_site = "tracker.admin_site.TrackerAdminSite"
