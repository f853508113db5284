"""Atom feeds of the public agreements (issue 22), by Django's syndication framework: one for
every public agreement together and one per public agreement, an entry per status change and
per new piece of evidence (`selectors.public_feed_entries`), each linking to its commitment's
public page. Served through `public_response` (Cache-Control public, ETag, 304)."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.template.defaultfilters import linebreaks_filter as linebreaks
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from .. import selectors
from ..models import Agreement
from ..routes import object_url
from .public import get_public_agreement


class AllPublicFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return gettext("Commitment tracker: public agreements")

    def subtitle(self) -> str:
        return gettext(
            "Every status change and every new piece of evidence of the public agreements."
        )

    def link(self) -> str:
        return reverse("public:agreement-list")

    def feed_url(self) -> str:
        return reverse("public:feed")

    def agreements(self, obj):
        return selectors.agreements_public()

    def items(self, obj=None):
        return selectors.public_feed_entries(
            agreements=self.agreements(obj), limit=settings.PUBLIC_FEED_ENTRIES
        )

    def item_title(self, entry) -> str:
        return entry.title

    def item_description(self, entry) -> str:
        """HTML, as Atom's summary type="html" says: the texts escaped, never trusted."""
        return linebreaks(f"{entry.agreement_title}\n\n{entry.text}".strip(), autoescape=True)

    def item_link(self, entry) -> str:
        return f"{object_url('public:commitment-detail', entry.commitment_id)}#{entry.uid}"

    def item_guid(self, entry) -> str:
        return f"{settings.SITE_URL}{reverse('public:agreement-list')}#{entry.uid}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry):
        return entry.at

    def item_updateddate(self, entry):
        return entry.at

    def item_author_name(self, entry) -> str:
        return entry.who


class AgreementFeed(AllPublicFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Agreement:
        return get_public_agreement(slug)

    def title(self, obj: Agreement) -> str:
        return gettext("%(title)s: status changes and evidence") % {"title": obj.title}

    def subtitle(self, obj: Agreement) -> str:
        return gettext("Every status change and every new piece of evidence of %(title)s.") % {
            "title": obj.title
        }

    def link(self, obj: Agreement) -> str:
        return reverse("public:agreement-detail", args=[obj.slug])

    def feed_url(self, obj: Agreement) -> str:
        return reverse("public:agreement-feed", args=[obj.slug])

    def agreements(self, obj: Agreement):
        return selectors.agreements_public().filter(pk=obj.pk)
