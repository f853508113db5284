import secrets
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The four roles of DESIGN.md; each is a Group of the same name (made by a migration)."""

    VIEWER = "viewer", "Viewer"
    ANALYST = "analyst", "Analyst"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"


class DigestScope(models.TextChoices):
    """Which agreements the weekly digest covers (always within those the user may see)."""

    ALL = "all", _("All agreements I can see")
    FOLLOWED = "followed", _("Only agreements I follow")


# The roles' names as readers see them: Role's labels are the names of its groups, which
# must not change with the language.
ROLE_NAMES = {
    Role.VIEWER: _("Viewer"),
    Role.ANALYST: _("Analyst"),
    Role.EDITOR: _("Editor"),
    Role.ADMIN: _("Admin"),
}

# Highest first: a user in several role groups has the highest of them.
ROLE_ORDER = [Role.ADMIN, Role.EDITOR, Role.ANALYST, Role.VIEWER]


def new_calendar_token() -> str:
    """A secret for the calendar feed's URL: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def role_from_groups(group_names: set[str], is_superuser: bool) -> Role | None:
    """The highest role among the user's groups; superusers are admins."""
    if is_superuser:
        return Role.ADMIN
    return next((role for role in ROLE_ORDER if role.label in group_names), None)


class User(AbstractUser):
    """A person who signs in. Roles are groups; teams decide the restricted agreements seen."""

    # The calendar feed is fetched by calendar apps that cannot sign in, so its URL carries
    # this secret; the user can reset it (services.user_reset_calendar_token).
    calendar_token = models.CharField(
        max_length=64, unique=True, default=new_calendar_token, editable=False
    )
    digest_enabled = models.BooleanField(
        "weekly digest",
        default=True,
        help_text="Send me the weekly e-mail of overdue and upcoming commitments.",
    )
    digest_scope = models.CharField(
        "digest covers", max_length=10, choices=DigestScope.choices, default=DigestScope.ALL
    )
    followed_agreements = models.ManyToManyField(
        "tracker.Agreement", related_name="followers", blank=True
    )
    # A party's representative replies to assessment rounds for this party alone (issue 21).
    represents_party = models.ForeignKey(
        "tracker.Party",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representatives",
        help_text="Replies to assessment rounds in review for this party, and no other.",
    )
    # Blank: follow the browser's Accept-Language (tracker/locale.py). The pages, the digest
    # and the notifications are in this language (`User.language_or_default`).
    language = models.CharField(
        "language",
        max_length=10,
        blank=True,
        default="",
        db_default="",
        choices=settings.LANGUAGES,
        help_text="The language of the pages, the weekly digest and your notifications.",
    )

    class Meta:
        db_table = "tracker_user"

    @cached_property
    def role(self) -> Role | None:
        return role_from_groups({group.name for group in self.groups.all()}, self.is_superuser)

    @property
    def role_label(self) -> str:
        """The role's name in the reader's language (the label itself names the role's group,
        so it stays as written)."""
        return str(ROLE_NAMES[self.role]) if self.role else gettext("No role")

    @property
    def language_or_default(self) -> str:
        """The language to write to this user in when there is no browser to ask (e-mails,
        notifications): their choice, else the site's."""
        codes = {code for code, _name in settings.LANGUAGES}
        return self.language if self.language in codes else settings.LANGUAGE_CODE

    @property
    def enters_data(self) -> bool:
        """Editors and admins with staff access get links to the admin's data entry."""
        return self.is_staff and self.role in (Role.EDITOR, Role.ADMIN)

    @property
    def sees_all_agreements(self) -> bool:
        """Admins see every agreement, restricted or not; everyone else goes through teams."""
        return self.is_superuser or self.role == Role.ADMIN


class Team(models.Model):
    """A named group of users; an agreement restricted to teams is visible only to their members."""

    name = models.CharField(max_length=100, unique=True)
    members = models.ManyToManyField(User, related_name="teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
