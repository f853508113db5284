"""Django's model backend, with each user's permissions cached until the data changes."""

from django.contrib.auth.backends import ModelBackend

from . import pagecache


class CachedModelBackend(ModelBackend):
    """ModelBackend reads a user's permissions in two queries on each request that checks one
    (the commitment page checks four, against its own cached fragments). This backend keeps the
    set in the cache under the data version (tracker/pagecache.py), which every change to
    users, their groups and permissions, and the groups' permissions bumps (apps.py): a granted
    or revoked permission counts from the very next request."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = pagecache.cached_value(
                ("permissions", user_obj.pk),
                lambda: ModelBackend.get_all_permissions(self, user_obj),
            )
        return user_obj._perm_cache
