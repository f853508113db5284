from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from .. import selectors
from ..models import User


class HasRole(BasePermission):
    """Signed in (session or token), active, and holding one of the four roles."""

    message = "You need a role (viewer, analyst, editor or admin) to use the API."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        selectors.read_access(user)  # the role, and the teams every listing asks for next
        return user.role is not None


def require_permission(user: User, permission: str) -> None:
    """What the pages' actions check, asked after the object was found (404 comes first)."""
    if not user.has_perm(permission):
        raise PermissionDenied
