"""What each role may do, as Django permissions on groups named after the roles.

The groups are made and kept in step by migrations (`sync_role_groups`); views, the API and
the admin check the permissions, never the group names.
"""

from .models.users import Role

_READ = [
    "view_party",
    "view_agreement",
    "view_source",
    "view_milestone",
    "view_holiday",
    "view_agreementtext",
    "view_commitment",
    "view_evidence",
    "view_statuschange",
    "view_overdueflag",
    "view_deadlineextension",
    "view_watchedsource",
    "view_feeditem",
    "view_proposal",
    "view_assessmentround",
    "view_roundreply",
    "view_criterion",
]
# An analyst marks completion criteria met (or not) as evidence comes in; editors write them.
_ANALYST = ["add_evidence", "change_evidence", "add_statuschange", "change_criterion"]
_EDITOR = [
    "add_party",
    "change_party",
    "add_agreement",
    "change_agreement",
    "delete_agreement",
    "import_agreements",
    "add_source",
    "change_source",
    "delete_source",
    "add_milestone",
    "change_milestone",
    "delete_milestone",
    "add_holiday",
    "change_holiday",
    "delete_holiday",
    "add_agreementtext",
    "change_agreementtext",
    "delete_agreementtext",
    "add_commitment",
    "change_commitment",
    "delete_commitment",
    "add_criterion",
    "delete_criterion",
    "add_deadlineextension",
    "add_watchedsource",
    "change_watchedsource",
    "delete_watchedsource",
    "view_watchrun",
    "view_sourcefetch",
    "add_commitmentkeywords",
    "change_commitmentkeywords",
    "delete_commitmentkeywords",
    "add_assessmentround",
    "change_assessmentround",
    "add_roundreply",
]

ROLE_PERMISSIONS: dict[Role, list[str] | None] = {
    Role.VIEWER: _READ,
    Role.ANALYST: _READ + _ANALYST,
    Role.EDITOR: _READ + _ANALYST + _EDITOR,
    Role.ADMIN: None,  # every permission, users and teams included
}


def sync_role_groups(apps, *, create_permissions: bool = False) -> None:
    """Create the role groups and give each exactly its permissions. Safe to run again.

    In a migration the permissions may not exist yet (Django makes them after `migrate`):
    `create_permissions=True` makes them first, from the migration's app registry, and
    permissions of models that a later migration adds are left for the `post_migrate` sync,
    which runs after every `migrate` and insists on all of them.
    """
    if create_permissions:
        _create_permissions(apps)

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role.label)
        if codenames is None:
            permissions = permission_model.objects.all()
        else:
            permissions = permission_model.objects.filter(
                content_type__app_label="tracker", codename__in=codenames
            )
            missing = set(codenames) - set(permissions.values_list("codename", flat=True))
            if missing and not create_permissions:
                raise RuntimeError(f"Role {role.label}: unknown permissions {sorted(missing)}")
        group.permissions.set(permissions)


def _create_permissions(apps) -> None:
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True  # a migration's registry has no models modules
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
