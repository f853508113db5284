"""The layout every signed-in page shares (`base.html`): its header and its messages, each
written by one tag. As template nodes, eighteen `{% translate %}`, eleven `{% url %}`, the
language loop and an include, the header cost every page more than a whole small page; here
each word is translated once and each address reversed once, with user text escaped and
direction-isolated (`<bdi>`) as the template did, and each translation written as the
catalog has it, as `{% translate %}` wrote it (an apostrophe stays an apostrophe)."""

from django import template
from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, pgettext

from ..markup import html_format
from ..routes import route_urls

register = template.Library()


def _csrf_input(context) -> str:
    """`{% csrf_token %}`: the hidden field, or nothing without a token."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return html_format('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def _nav_link(url: str, word: str, current: bool) -> str:
    """One of the main links, marked when it is the current page's own."""
    marker = SafeString(' aria-current="page"' if current else "")
    return html_format('<li><a href="{}"{}>{}</a></li>', url, marker, SafeString(word))


def _nav_links(user, page, url) -> str:
    """The main links, the current `page`'s (its URL name) marked; editors and admins with
    staff access also get data entry's."""
    links = [
        _nav_link(url("tracker:overview"), gettext("Overview"), page == "overview"),
        _nav_link(
            url("tracker:agreement-list"),
            gettext("Agreements"),
            page in ("agreement-list", "agreement-detail"),
        ),
        _nav_link(url("tracker:overdue"), gettext("Overdue"), page == "overdue"),
        _nav_link(url("tracker:inbox"), gettext("Inbox"), page in ("inbox", "agreement-inbox")),
    ]
    if user.enters_data:
        links += [
            _nav_link(url("tracker:draft"), gettext("Draft from an article"), page == "draft"),
            _nav_link(url("tracker:import"), gettext("Import"), page == "import"),
            _nav_link(url("admin:index"), gettext("Data entry"), False),
        ]
    return "\n        ".join(links)


def _user_block(context, user, url) -> str:
    """Who is signed in, in which role, and their account's links and sign-out button."""
    links = (
        (url("tracker:calendar-settings"), gettext("Calendar")),
        (url("tracker:api-token"), gettext("API")),
        (url("tracker:preferences"), gettext("Preferences")),
        (url("password_change"), gettext("Password")),
    )
    return html_format(
        '\n      <div class="nav-user">'
        '\n        <span class="user-name"><bdi>{}</bdi></span>'
        '\n        <span class="badge role">{}</span>{}'
        '\n        <form action="{}" method="post" class="inline-form">{}'
        '<button type="submit" class="link-button">{}</button></form>'
        "\n      </div>",
        user.get_username(),
        user.role_label,
        SafeString(
            "".join(
                html_format('\n        <a href="{}">{}</a>', url, SafeString(word))
                for url, word in links
            )
        ),
        url("logout"),
        SafeString(_csrf_input(context)),
        SafeString(gettext("Sign out")),
    )


def _signed_in_part(context, user, url) -> str:
    """The links, the search box and the user's block, for a signed-in user only."""
    request = context.get("request")
    page = getattr(getattr(request, "resolver_match", None), "url_name", None)
    search = SafeString(gettext("Search"))
    return html_format(
        '\n      <ul class="nav-links">\n        {}\n      </ul>'
        '\n      <form class="nav-search" role="search" action="{}" method="get">'
        '\n        <label for="nav-q" class="visually-hidden">{}</label>'
        '\n        <input id="nav-q" type="search" name="q" placeholder="{}" value="{}">'
        "\n      </form>{}",
        SafeString(_nav_links(user, page, url)),
        url("tracker:search"),
        search,
        search,
        context.get("text") or "",
        SafeString(_user_block(context, user, url)),
    )


def _language_switch(context, url) -> str:
    """One button per language, named in itself (`settings.LANGUAGES`: translating the
    names would name them in the reader's language), the current one marked. The buttons
    submit by default and carry no type="submit", so that `button[type=submit]` still finds a
    page's own form first."""
    current = get_language()
    buttons = "".join(
        html_format(
            '<button name="language" value="{}" lang="{}" class="link-button"{}>{}</button>',
            code,
            code,
            SafeString(' aria-current="true"' if code == current else ""),
            name,
        )
        for code, name in settings.LANGUAGES
    )
    return html_format(
        '\n      <form class="language-switch" action="{}" method="post" aria-label="{}">{}'
        "\n        {}\n      </form>",
        url("tracker:set-language"),
        SafeString(gettext("Language")),
        SafeString(_csrf_input(context)),
        SafeString(buttons),
    )


@register.simple_tag(takes_context=True)
def site_header(context) -> SafeString:
    """The skip link and the site's header (the `<header>` that `base.html` wrote in template
    tags): the brand link; for a signed-in user, the main links (the current page's marked
    aria-current="page"), the search box and the account's links; with a request, the
    language switch. The error page, rendered with no request and no user, gets the brand
    link alone."""
    user = context.get("user")
    url = route_urls()  # each address by its URL name
    signed_in = (
        _signed_in_part(context, user, url) if user is not None and user.is_authenticated else ""
    )
    switch = _language_switch(context, url) if context.get("request") else ""
    return html_format(
        '<a class="skip-link" href="#main">{}</a>'
        '\n  <header class="site-header">'
        '\n    <nav class="site-nav" aria-label="{}">'
        '\n      <a class="brand" href="{}">{}</a>{}{}'
        "\n    </nav>\n  </header>",
        SafeString(gettext("Skip to content")),
        SafeString(pgettext("navigation", "Main")),
        url("tracker:overview"),
        SafeString(gettext("Commitment tracker")),
        SafeString(signed_in),
        SafeString(switch),
    )


@register.simple_tag(takes_context=True)
def message_list(context) -> SafeString:
    """The messages the request carries, as a list (the `_messages.html` template's loop);
    nothing when there are none. Read once: reading them marks them shown."""
    messages = context.get("messages")
    if not messages:
        return SafeString("")
    items = "".join(
        html_format('<li class="message {}">{}</li>', message.tags, str(message))
        for message in messages
    )
    return SafeString(f'<ul class="messages">{items}</ul>')
