"""The embeddable card of a public agreement and its oEmbed discovery (issue 22).

The card is the one page any site may frame: `frame-ancestors *` replaces the policy's
`'none'` for this view alone (django-csp's `csp_replace`), and it sends no X-Frame-Options
(`xframe_options_exempt`). Every other page keeps both refusals."""

from urllib.parse import urlsplit

from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from .. import selectors
from .public import get_public_agreement, public_response

EMBED_WIDTH = 420
EMBED_HEIGHT = 240


@require_GET
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@public_response
def agreement_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """A small card: title, parties, score, overdue count, last change; links open the
    agreement's public page in a new tab."""
    agreement = get_public_agreement(slug)
    latest = selectors.public_feed_entries(
        agreements=selectors.agreements_public().filter(pk=agreement.pk), limit=1
    )
    context = {
        "agreement": agreement,
        "parties": list(agreement.parties.all()),
        "last_change": latest[0] if latest else None,
        "page_url": settings.SITE_URL + reverse("public:agreement-detail", args=[slug]),
    }
    return render(request, "tracker/public_embed.html", context)


def _oembed_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def _slug_of(url: str) -> str | None:
    """The slug of the public agreement page (or card) `url` names on this site, else None."""
    parts = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or parts.netloc != site.netloc:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name not in ("public:agreement-detail", "public:agreement-embed"):
        return None
    return match.kwargs["slug"]


@require_GET
@public_response
def oembed(request: HttpRequest) -> HttpResponse:
    """oEmbed (https://oembed.com) for a public agreement's page: a `rich` answer whose HTML is
    the card's iframe. JSON only (501 for another format, as the specification says); 404
    for an address that is not a public agreement's page, in the words of a missing one."""
    url = request.GET.get("url", "").strip()
    if not url:
        return _oembed_error("Give the address of a public agreement's page as ?url=…", 400)
    if request.GET.get("format", "json") != "json":
        return _oembed_error("Only the json format is served.", 501)
    width, height = (
        _size(request, "maxwidth", EMBED_WIDTH),
        _size(request, "maxheight", EMBED_HEIGHT),
    )
    if width is None or height is None:
        return _oembed_error("maxwidth and maxheight are whole numbers of pixels.", 400)
    slug = _slug_of(url)
    if slug is None:
        raise Http404("No such page.")
    agreement = get_public_agreement(slug)
    src = settings.SITE_URL + reverse("public:agreement-embed", args=[slug])
    html = format_html(
        '<iframe src="{}" title="{}" width="{}" height="{}" style="border:0" loading="lazy">'
        "</iframe>",
        src,
        agreement.title,
        width,
        height,
    )
    return JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "title": agreement.title,
            "provider_name": "Commitment tracker",
            "provider_url": settings.SITE_URL + reverse("public:agreement-list"),
            "cache_age": settings.PUBLIC_MAX_AGE,
            "html": str(html),
            "width": width,
            "height": height,
        }
    )


def _size(request: HttpRequest, name: str, default: int) -> int | None:
    """The card's size, at most the default, never less than 100 px; None when unreadable."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        return None
    return max(100, min(default, int(raw)))
