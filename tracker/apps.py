from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


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
        from .pagecache import data_changed_on_commit

        post_migrate.connect(_sync_role_groups, sender=self)
        # Every deployment runs migrate: fragments and objects cached by the code before it
        # (other templates, other fields) are out of date, even when no data changed.
        post_migrate.connect(data_changed_on_commit, sender=self)
        _connect_page_cache(self)


def _connect_page_cache(app_config: AppConfig) -> None:
    """Any write to this app's tables, and to the groups and permissions that users' cached
    permission sets come from (auth_backends.py), makes the cached page fragments out of date;
    except the writes no cached page shows, which would otherwise empty the cache at every
    sign-in (a user's last_login), every overdue scan (its run log, written even when it
    changes nothing) and every digest sent (the delivery log)."""
    from django.contrib.auth.models import Group, Permission

    from .models import DigestDelivery, JobRun, User
    from .pagecache import data_changed_on_commit

    def user_saved(sender, update_fields=None, **kwargs) -> None:
        if not (update_fields and set(update_fields) <= {"last_login"}):
            data_changed_on_commit()

    for model in [*app_config.get_models(), Group, Permission]:
        if model in (DigestDelivery, JobRun):
            continue
        saved = user_saved if model is User else data_changed_on_commit
        post_save.connect(saved, sender=model, weak=False)
        post_delete.connect(data_changed_on_commit, sender=model, weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(data_changed_on_commit, sender=field.remote_field.through)
