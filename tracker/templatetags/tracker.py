from collections.abc import Callable
from datetime import date, datetime
from functools import cache, lru_cache, partial

from django import template
from django.conf import settings
from django.utils import dateformat, formats, numberformat, timezone, translation
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..forms import widget_html
from ..markup import escaped, html_format
from ..models import CommitmentStatus, Evidence, ScoreRule
from ..models.commitments import describe_days_left, describe_lateness
from ..routes import object_url, object_urls

register = template.Library()


# What a day's (or a moment's) pattern may hold and be written without Django's formatter:
# the day, the month's number, the year, the hour and minute as numbers (fields of
# `str.format`: the value, then its year's last two digits); the month's names, looked up
# once per language.
_NUMBER_FIELDS = {
    "j": "{0.day}",
    "d": "{0.day:02d}",
    "n": "{0.month}",
    "m": "{0.month:02d}",
    "Y": "{0.year:04d}",
    "y": "{1:02d}",
    "H": "{0.hour:02d}",
    "i": "{0.minute:02d}",
}
_MONTH_PARTS = "bEFMN"


@cache
def _day_writer(language: str, kind: str):
    """A function writing a date in `language` by its `kind` of format (`DAY_FORMAT`,
    `LONG_DAY_FORMAT`: tracker/formats/, else the language's DATE_FORMAT)."""
    with translation.override(language):
        pattern = formats.get_format(kind)
        if pattern == kind:  # a language with no module in tracker/formats
            pattern = formats.get_format("DATE_FORMAT")
    return _pattern_writer(language, pattern)


@cache
def _pattern_writer(language: str, pattern: str):
    """A function writing a date or a time in `language` by a `date` filter's `pattern`. The
    pattern is read once per language into a format string for each month (its names
    written in), so a table of dates builds no formatter per value; ISO 8601 ("c") is the
    value's own; a pattern with anything else (a weekday) goes through Django's
    `dateformat`."""
    if pattern == "c":
        return _isoformat
    with translation.override(language):
        months = {
            char: [dateformat.format(date(2000, month, 1), char) for month in range(1, 13)]
            for char in _MONTH_PARTS
        }
    by_month = [[] for month in range(13)]  # the format string's pieces for each month
    for index, piece in enumerate(dateformat.re_formatchars.split(pattern)):
        if index % 2 == 0:
            shown = [_braces_doubled(dateformat.re_escaped.sub(r"\1", piece))] * 12
        elif piece in _NUMBER_FIELDS:
            shown = [_NUMBER_FIELDS[piece]] * 12
        elif piece in months:
            shown = [_braces_doubled(name) for name in months[piece]]
        else:
            return lambda value: dateformat.format(value, pattern)
        for month, text in enumerate(shown, start=1):
            by_month[month].append(text)
    patterns = ["".join(pieces) for pieces in by_month]
    return lambda value: patterns[value.month].format(value, value.year % 100)


def _isoformat(value) -> str:
    return value.isoformat()


def _braces_doubled(text: str) -> str:
    """`text` as it stands in a format string."""
    return text.replace("{", "{{").replace("}", "}}")


@register.filter(expects_localtime=True)
def moment(value, pattern: str) -> str:
    """`value|date:pattern` for a pattern `_pattern_writer` writes ("j M Y H:i", "c"): a
    history's times, without a formatter built for each. Empty for None."""
    if not value:
        return ""
    return _pattern_writer(translation.get_language() or settings.LANGUAGE_CODE, pattern)(value)


@register.filter(expects_localtime=True)
def day(value) -> str:
    """`5 Dec 2026`, `5 déc. 2026`, `5 دسمبر 2026`: the reader's language's `DAY_FORMAT`.
    Empty for None."""
    if not value:
        return ""
    return _day_writer(translation.get_language() or settings.LANGUAGE_CODE, "DAY_FORMAT")(value)


def day_writer():
    """`day` for a list's many dates: the reader's language looked up once, not once a date."""
    write = _day_writer(translation.get_language() or settings.LANGUAGE_CODE, "DAY_FORMAT")
    return lambda value: write(value) if value else ""


def number_writer():
    """`formats.localize` of a list's many numbers (ints, floats, decimals): the reader's
    language and its separators looked up once, not three times a number."""
    language = translation.get_language()
    separators = [
        formats.get_format(name, language, use_l10n=True)
        for name in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    ]
    decimal, grouping, thousands = separators
    return lambda value: numberformat.format(
        value, decimal, None, grouping, thousands, use_l10n=True
    )


@register.filter(expects_localtime=True)
def long_day(value) -> str:
    """`5 December 2026`, `5 décembre 2026`: the language's `LONG_DAY_FORMAT`, as `day`."""
    if not value:
        return ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return _day_writer(language, "LONG_DAY_FORMAT")(value)


FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


@register.filter
def isolate(value) -> str:
    """User text for places where no element can isolate it (a page's <title>, an SVG
    tooltip, a plain-text e-mail): between Unicode's first-strong isolate and its pop, so that
    right-to-left text reads right and a direction override inside it stops at its end. In
    HTML the element does it: `<bdi>`, or `dir="auto"` on a block."""
    if value is None or value == "":
        return ""
    return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"


@register.simple_tag
def status_badge(status: str) -> str:
    """The status as a coloured badge; the colour is never the only signal (text is there)."""
    return _status_badge(translation.get_language() or settings.LANGUAGE_CODE, status)


def status_badge_writer():
    """`status_badge` for a list's many rows: the reader's language looked up once."""
    return partial(_status_badge, translation.get_language() or settings.LANGUAGE_CODE)


@cache
def _status_badge(language: str, status: str) -> SafeString:
    """A status's badge in `language`, written once per language and status (as
    `_day_writer`'s month names): a list shows one a row."""
    with translation.override(language):
        return html_format(
            '<span class="badge status-{}">{}</span>', status, CommitmentStatus(status).label
        )


@register.simple_tag
def restricted_badge(agreement) -> str:
    """The badge "Restricted to: <teams>" for an agreement only those teams' members (and
    admins) see; nothing for an open one. Reads `team_names` (`selectors.with_team_names`),
    never a query."""
    if not agreement.team_names:
        return ""
    return format_html(
        '<span class="badge restricted">{} {}</span>',
        gettext("Restricted to:"),
        format_html_join(", ", "<bdi>{}</bdi>", ((name,) for name in agreement.team_names)),
    )


# The early-warning badges, in the order they are shown: (attribute, CSS class, label).
WARNING_BADGES = (
    ("is_at_risk", "soon warning-at_risk", _("At risk")),
    ("is_stale", "stale warning-stale", _("Stale")),
    ("is_blocked", "late warning-blocked", _("Blocked")),
    ("is_disputed", "disputed warning-disputed", _("Disputed")),
)


@register.simple_tag
def warning_badges(item) -> str:
    """A badge for each early warning the commitment carries (the annotations of
    `selectors.with_warnings`, and the dispute flag)."""
    return format_html_join(
        " ",
        '<span class="badge {}">{}</span>',
        ((css, label) for name, css, label in WARNING_BADGES if getattr(item, name, False)),
    )


def _status_facts(commitment) -> tuple:
    """What a table row's status cell shows: the status, then a badge for each of what else
    holds (overdue, each early warning, the deadline extended, not verifiable)."""
    return (
        commitment.status,
        commitment.is_overdue,
        tuple(getattr(commitment, name, False) for name, _, _ in WARNING_BADGES),
        bool(commitment.original_due_on),
        commitment.is_verifiable,
    )


@cache
def _status_cell_in(
    language: str, status, is_overdue, warnings, is_extended, is_verifiable
) -> SafeString:
    """The cell in `language`, written once per language and facts (as `_status_badge`): its
    badges are the code's words, and a table translated them again on every page."""
    with translation.override(language):
        return _status_badges(status, is_overdue, warnings, is_extended, is_verifiable)


def _status_badges(status, is_overdue, warnings, is_extended, is_verifiable) -> SafeString:
    badges = [status_badge(status)]
    if is_overdue:
        badges.append(format_html('<span class="badge late">{}</span>', gettext("Overdue")))
    badges += [
        format_html('<span class="badge {}">{}</span>', css, label)
        for (_, css, label), holds in zip(WARNING_BADGES, warnings, strict=True)
        if holds
    ]
    if is_extended:
        badges.append(format_html('<span class="badge soon">{}</span>', gettext("Extended")))
    if not is_verifiable:
        badges.append(not_verifiable_badge())
    return mark_safe(" ".join(badges))


@register.simple_tag
def commitment_rows(commitments, today: date) -> str:
    """The rows of an agreement's commitments table (agreement_detail.html): built here
    rather than in a template loop, which cost the page more than anything else it renders.
    Reads each commitment's `party_codes` (`selectors.commitment_table_rows`), `is_overdue` and
    warnings (`selectors.agreement_commitments`)."""
    # Each word written out, so that makemessages finds it here as well as in the heading.
    words = (
        gettext("Ref."),
        gettext("Responsible"),
        gettext("Theme"),
        gettext("Timeline"),
        gettext("Due"),
        gettext("Status"),
        gettext("Priority"),
    )
    # The column names go into the row's pattern once for the table (their braces doubled,
    # so that the pattern still takes each row's values).
    row = _ROW.format(*(escaped(word).replace("{", "{{").replace("}", "}}") for word in words))
    # The rows repeat a few themes, priorities, milestones and status cells: each is
    # translated, built and escaped once for the table, not once a row.
    repeated: dict[tuple, str] = {}
    url = object_urls("tracker:commitment-detail")  # the route's address read once a table
    language = translation.get_language() or settings.LANGUAGE_CODE
    return mark_safe(
        "\n".join(
            html_format(row, *_row_values(item, today, repeated, url, language))
            for item in commitments
        )
    )


# A row: its column names (the first `format`, once per table) and then, each `{{}}`, its
# values.
_ROW = (
    '<tr class="{{}}"><td class="ref" data-label="{0}"><bdi>{{}}</bdi></td>'
    '<th scope="row"><a href="{{}}"><bdi>{{}}</bdi></a></th>'
    '<td data-label="{1}"><bdi>{{}}</bdi></td><td data-label="{2}">{{}}</td>'
    '<td data-label="{3}"><bdi>{{}}</bdi>{{}}</td><td data-label="{4}">{{}}</td>'
    '<td data-label="{5}">{{}}</td><td data-label="{6}">{{}}</td></tr>'
)


def _row_values(commitment, today: date, repeated: dict, url, language: str) -> tuple:
    milestone = ""
    if commitment.deadline_milestone_id:
        key = ("milestone", commitment.deadline_milestone_id)
        if key not in repeated:
            repeated[key] = _counted_from(commitment.deadline_milestone.name)
        milestone = repeated[key]
    status = ("status", *_status_facts(commitment))
    if status not in repeated:
        repeated[status] = _status_cell_in(language, *status[1:])
    return (
        "is-overdue" if commitment.is_overdue else "",
        commitment.reference,
        url(commitment.pk),
        commitment.title,
        commitment.party_codes,
        _choice_label_in(language, type(commitment), "theme", commitment.theme),
        commitment.timeline_wording or "—",
        milestone,
        _due_cell(commitment, today, repeated, language),
        repeated[status],
        _choice_label_in(language, type(commitment), "priority", commitment.priority),
    )


@cache
def _choice_labels(model, name: str) -> dict:
    """The labels of a model field's choices, by value (lazy: each translated when read)."""
    return dict(model._meta.get_field(name).flatchoices)


@cache
def _choice_label_in(language: str, model, name: str, value) -> str:
    """`get_<name>_display()` of a model's choice, escaped, in `language`: written once per
    language and value (as `_status_badge`), the code's words."""
    with translation.override(language):
        return escaped(_choice_labels(model, name).get(value, value))


def _counted_from(milestone: str) -> str:
    return format_html(
        '<br><span class="muted">{}</span>',
        _interpolate(gettext("from <bdi>%(name)s</bdi>"), name=milestone),
    )


def _interpolate(text: str, **values) -> str:
    """A translated text with %(name)s placeholders, filled with the values escaped (as
    `{% blocktranslate %}` fills them)."""
    return mark_safe(text % {name: conditional_escape(value) for name, value in values.items()})


def _due_cell(commitment, today: date, repeated: dict, language: str) -> str:
    if commitment.due_on:
        # Commitments counted from one event share their due date: its cell is made once.
        key = ("due", commitment.due_on, commitment.is_overdue, commitment.is_closed)
        if key not in repeated:
            repeated[key] = html_format(
                '{}<br><span class="{}">{}</span>',
                _day_writer(language, "DAY_FORMAT")(commitment.due_on),
                "late-text" if commitment.is_overdue else "muted",
                _lateness_in(language, (commitment.due_on - today).days, commitment.is_closed),
            )
        return repeated[key]
    if commitment.is_pending:
        return html_format(
            '<span class="badge pending">{}</span><br><span class="muted"><bdi>{}</bdi></span>',
            gettext("Pending"),
            commitment.deadline_reading,
        )
    if commitment.timeline_kind == "prompt":
        return html_format('<span class="muted"><bdi>{}</bdi></span>', commitment.deadline_reading)
    return "—"


@register.simple_tag
def score_meter(score: float | None, label: str = "", rule: str = ScoreRule.PAM) -> str:
    """The score as a meter and its value in the reader's digits, with its rule named beside
    it (issue 21): PAM in percent, G7 from -1 to +1 ("+0.33"); the attributes keep Python's."""
    if score is None:
        return format_html('<span class="muted">{}</span>', gettext("no scored commitments"))
    label = label or gettext("Implementation score")
    rule = ScoreRule(rule)
    shown = score_text(score, rule)
    if rule == ScoreRule.G7:
        bounds = 'min="-1" max="1" low="-0.33" high="0.33" optimum="1"'
        value = f"{score:.2f}"
    else:
        bounds = 'min="0" max="100" low="34" high="67" optimum="100"'
        value = str(round(score))
    return html_format(
        '<span class="score"><meter {} value="{}" aria-label="{}">{}</meter> '
        '<span class="score-value">{}</span> {}</span>',
        SafeString(bounds),
        value,
        label,
        shown,
        shown,
        _rule_name(translation.get_language() or settings.LANGUAGE_CODE, rule),
    )


RULE_NAMES = {ScoreRule.PAM: "PAM", ScoreRule.G7: "G7"}


@cache
def _rule_name(language: str, rule: ScoreRule) -> SafeString:
    """The rule's short name with its full name as a title, in `language`: written once per
    language and rule (as `_day_writer`'s month names), a page shows dozens of meters."""
    with translation.override(language):
        return html_format(
            '<abbr class="score-rule-name" title="{}">{}</abbr>', rule.label, RULE_NAMES[rule]
        )


@register.filter
def score_text(score: float | None, rule: str = ScoreRule.PAM) -> str:
    """A score in the reader's digits on its rule's scale: "67 %" (PAM) or "+0.33" (G7)."""
    if score is None:
        return "—"
    if rule == ScoreRule.G7:
        return ("+" if score >= 0 else "-") + formats.number_format(abs(score), 2)
    return _percent_in(translation.get_language(), round(score))


@lru_cache(maxsize=1024)
def _percent_in(language: str | None, percent: int) -> str:
    """A whole percent in `language`'s digits, written once per language and value: a page
    shows dozens of scores, each a number format looked up again."""
    with translation.override(language):
        return f"{formats.number_format(percent)} %"


@register.simple_tag
def not_verifiable_badge() -> str:
    return format_html(
        '<span class="badge not-verifiable" title="{}">{}</span>',
        gettext("Neither a deadline nor a completion criterion: left out of the score"),
        gettext("not verifiable"),
    )


@register.simple_tag
def unscored_note(count: int) -> str:
    """'3 commitments not verifiable, not scored', beside a score; nothing when none is."""
    if not count:
        return ""
    text = ngettext(
        "%(count)d commitment not verifiable, not scored",
        "%(count)d commitments not verifiable, not scored",
        count,
    ) % {"count": count}
    return format_html('<span class="muted unscored">{}</span>', text)


@lru_cache(maxsize=4096)
def _lateness_in(language: str, days: int, closed: bool) -> str:
    """`lateness` of a deadline `days` from today, in `language`: written once per language
    and number of days, since its words are the code's and it depends on nothing else; a
    table translated it again for each of its rows."""
    with translation.override(language):
        return gettext("closed") if closed else describe_days_left(days)


@register.filter
def lateness(commitment, today: date) -> str:
    """'12 days overdue', 'due today', 'due in 3 days', 'closed', or 'no deadline'."""
    return describe_lateness(due_on=commitment.due_on, closed=commitment.is_closed, today=today)


@register.filter
def party_codes(parties) -> str:
    return " · ".join(party.code for party in parties)


@register.inclusion_tag("tracker/_follow_button.html", takes_context=True)
def follow_button(context, agreement) -> dict:
    """The follow / stop following button of an agreement, for the signed-in user (who
    follows it if the agreement was read with `is_followed`, else asked here)."""
    user = context["request"].user
    following = getattr(agreement, "is_followed", None)
    if following is None:
        following = user.followed_agreements.through.objects.filter(
            user_id=user.pk, agreement_id=agreement.pk
        ).exists()
    return {
        "agreement": agreement,
        "is_following": following,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def get_item(mapping: dict, key):
    """`mapping[key]` in a template, or None."""
    return mapping.get(key)


@register.simple_tag
def timeline_markers(timeline) -> str:
    """The deadline timeline's markers, one link each: built here rather than in a template
    loop, which cost several times as much for the fifty of a large agreement."""
    # Translators: a deadline's marker on the timeline: the commitment, then its due date.
    due = gettext("%(commitment)s, due %(day)s")
    write_day = _day_writer(translation.get_language() or settings.LANGUAGE_CODE, "DAY_FORMAT")
    # The class (charts._marker_class) and the coordinate (charts.svg_number) are of our
    # own making, never user text: only the address and the title are escaped.
    links = []
    days: dict[date, str] = {}  # deadlines counted from one event share their day
    for marker in timeline.markers:
        if marker.due_on not in days:
            days[marker.due_on] = write_day(marker.due_on)
        title = due % {"commitment": isolate(marker.label), "day": days[marker.due_on]}
        links.append(
            f'<a href="{escaped(marker.url)}"><circle class="marker {marker.css_class}" '
            f'cx="{marker.x}" cy="20" r="5"><title>{escaped(title)}</title></circle></a>'
        )
    return mark_safe("".join(links))


@register.simple_tag
def form_errors(form) -> str:
    """The form's own errors (not a field's), in an alert that takes the keyboard when the
    view set `focus_errors`: the markup of templates/tracker/_form_errors.html, which the
    commitment page included once for each of its forms (a template looked up and a context
    pushed each time). Nothing for no form or no error."""
    errors = form.non_field_errors() if form else ()
    if not errors:
        return ""
    focus = ' tabindex="-1" autofocus' if getattr(form, "focus_errors", False) else ""
    shown = "".join(f"<p>{escaped(error)}</p>" for error in errors)
    return SafeString(f'<div class="form-errors" role="alert"{focus}>{shown}</div>')


@register.simple_tag
def form_field(field) -> str:
    """One form field: its label, widget, errors and help, in a `div.field` (the markup every
    form of the app uses; the errors and help are what `aria-describedby` points at). Built
    here rather than in an included template, which cost a form a few milliseconds, and
    with f-strings of escaped values rather than `format_html` (`markup.escaped`)."""
    errors, auto_id = field.errors, field.auto_id
    classes = "field has-error" if errors else "field"
    name = escaped(field.html_name)
    widget = widget_html(field, errors, auto_id)
    if field.is_hidden:
        return SafeString(f'<div class="{classes}" id="field-{name}">{widget}</div>')
    required = ' <span class="required" aria-hidden="true">*</span>' if field.field.required else ""
    shown_errors = ""
    if errors:
        items = "".join(f"<li>{escaped(error)}</li>" for error in errors)
        shown_errors = (
            f'<ul class="field-errors" id="{escaped(auto_id)}_error" role="alert">{items}</ul>'
        )
    help_text = ""
    if field.help_text:
        help_text = (
            f'<p class="help" id="{escaped(auto_id)}_helptext">{escaped(field.help_text)}</p>'
        )
    label = escaped(field.label)
    label = f'<label for="{escaped(field.id_for_label)}">{label}{required}</label>'
    return SafeString(
        f'<div class="{classes}" id="field-{name}">\n'
        f"  {label}\n"
        f"  {widget}\n"
        f"  {shown_errors}{help_text}\n</div>"
    )


@register.simple_tag
def form_fields(form) -> str:
    """Every field of the form, each as `form_field` writes it: one tag for a form, rather
    than a template loop of one tag a field."""
    return SafeString("".join([form_field(field) for field in form]))


# The evidence's fields whose values have labels (`get_<name>_display()`).
_LABELLED = ("stance", "reliability", "credibility")


def _label(item, name: str, words: dict) -> str:
    """`item.get_<name>_display()` for one of `_LABELLED`, from the words of `_evidence_words`:
    the value itself when unknown."""
    value = getattr(item, name)
    return words["labels"].get((name, value)) or str(value)


def _evidence_words() -> dict:
    """The words of `evidence_record` and `evidence_entry` in the reader's language."""
    return _evidence_words_in(translation.get_language() or settings.LANGUAGE_CODE)


@cache
def _evidence_words_in(language: str) -> dict:
    """The words of `evidence_record` and `evidence_entry` in `language`, translated once
    per process (as `_status_badge`): they are the code's words, and a page translated them
    again for every request, a translation costing some forty calls. Those a template's
    `translate` would escape are escaped here."""
    with translation.override(language):
        words = {
            "title": gettext(
                "Source reliability: %(reliability)s. Information credibility: %(credibility)s."
            ),
            "claim": gettext("claim by <bdi>%(party)s</bdi>"),
            "concerns": escaped(gettext("concerns")),
            "someone": gettext("someone"),
            "logged of": gettext("logged evidence of %(day)s"),
            "logged": escaped(gettext("logged evidence")),
            "retracted": escaped(gettext("Retracted")),
            "file": gettext("file"),
            "attachment": escaped(gettext("Attachment:")),
            "source": escaped(gettext("Source:")),
            "retracted by": gettext(
                "Retracted by <bdi>%(who)s</bdi> on %(day)s: <bdi>%(reason)s</bdi>"
            ),
            "retract": gettext("Retract…"),
            "labels": {
                (name, value): str(label)
                for name in _LABELLED
                for value, label in Evidence._meta.get_field(name).flatchoices
            },
        }
    return words | history_writers(language)


def history_writers(language: str) -> dict:
    """The history's writers in `language`: of a day ("day", nothing for none), and of a
    moment as its entries show it ("moment") and as its `<time>` gives it ("iso")."""
    write_day = _day_writer(language, "DAY_FORMAT")
    return {
        "day": lambda value: write_day(value) if value else "",
        "moment": _pattern_writer(language, "j M Y H:i"),
        "iso": _pattern_writer(language, "c"),
    }


def history_time(at, words: dict) -> str:
    """A history entry's `<time>`, by the writers of `history_writers`."""
    return f'<time datetime="{escaped(words["iso"](at))}">{escaped(words["moment"](at))}</time>'


def _lines(text) -> str:
    """`linebreaksbr` of user text (as a template's autoescape gives it): escaped, each line
    break (CR LF, CR or LF) a `<br>`."""
    return escaped(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def _local_times(context) -> Callable:
    """`template_localtime` for the moments of one rendering of a page: the current time
    zone looked up once (kept in the rendering's `render_context`), not once a moment."""
    if "local_times" not in context.render_context:
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        context.render_context["local_times"] = partial(_local_time, zone)
    return context.render_context["local_times"]


def _local_time(zone, value):
    if zone is None or not isinstance(value, datetime) or timezone.is_naive(value):
        return value
    return value.astimezone(zone)


@register.simple_tag
def evidence_record(evidence, words: dict | None = None) -> str:
    """A piece of evidence in a commitment's history: its stance, grading, claim, the party it
    concerns and who logged it, then its summary, quote, source and attachment (its
    retraction is left to the page). Written here rather than in the history's loop, where
    its two dozen lookups and translations cost more than the rest of the page's history.
    User text escaped, each piece isolated (`bdi`, or a `dir=auto` block). `words`: the
    page's `_evidence_words`, else translated here."""
    words = _evidence_words() if words is None else words
    title = words["title"] % {
        "reliability": escaped(_label(evidence, "reliability", words)),
        "credibility": escaped(_label(evidence, "credibility", words)),
    }
    badges = [
        f'<p><span class="badge stance-{escaped(evidence.stance)}">'
        f"{escaped(_label(evidence, 'stance', words))}</span>",
        f'<span class="badge grading" title="{title}">{escaped(evidence.grading)}</span>',
    ]
    if evidence.claimed_by:
        claim = words["claim"] % {"party": escaped(evidence.claimed_by.code)}
        badges.append(f'<span class="badge party">{claim}</span>')
    if evidence.concerns_party:
        concerns = words["concerns"]
        badges.append(
            f'<span class="badge party">{concerns} '
            f"<bdi>{escaped(evidence.concerns_party.code)}</bdi></span>"
        )
    # A translation is markup the app wrote, as in a template: not escaped.
    who = escaped(evidence.logged_by.get_username()) if evidence.logged_by else ""
    who = who or words["someone"]
    if evidence.occurred_on:
        logged = words["logged of"] % {"day": escaped(words["day"](evidence.occurred_on))}
    else:
        logged = words["logged"]
    retracted = ""
    if evidence.is_retracted:
        label = words["retracted"]
        retracted = f' <span class="badge retracted-badge">{label}</span>'
    badges.append(f"<strong><bdi>{who}</bdi></strong> {logged}{retracted}</p>")
    parts = [
        "\n   ".join(badges),
        '<p class="evidence-summary"><span class="user-block" dir="auto">'
        f"{_lines(evidence.summary)}</span></p>",
    ]
    if evidence.quote:
        parts.append(
            '<blockquote><span class="user-block" dir="auto">'
            f"{_lines(evidence.quote)}</span></blockquote>"
        )
    if evidence.source_title or evidence.source_url:
        parts.append(_evidence_source(evidence, words["source"], words["day"]))
    if evidence.attachment:
        url = object_url("tracker:evidence-attachment", evidence.pk)
        name = escaped(evidence.attachment_name) or words["file"]
        label = words["attachment"]
        parts.append(
            f'<p class="muted">{label} <a href="{escaped(url)}" download><bdi>{name}</bdi></a></p>'
        )
    return SafeString("\n".join(parts))


@register.simple_tag(takes_context=True)
def evidence_entry(context, evidence, at) -> str:
    """A piece of evidence as an item of the commitment page's history: its time, its
    record (`evidence_record`), then its retraction, or the link that opens the form to
    retract it. Written for the history's loop (`history.history_entry`) rather than in
    templates/tracker/commitment_detail.html, which still writes the item whose retraction
    form is open (`retract_open`): ten pieces of evidence cost the page more than the rest
    of its history. User text escaped and isolated (`bdi`)."""
    pk = escaped(evidence.pk)
    retracted = evidence.is_retracted
    local = _local_times(context)
    at = local(at)
    words = _evidence_words()
    parts = [
        f'<li class="history-evidence{" retracted" if retracted else ""}" id="evidence-{pk}">',
        history_time(at, words),
        evidence_record(evidence, words),
    ]
    if retracted:
        who = escaped(evidence.retracted_by.get_username()) if evidence.retracted_by else ""
        retraction = words["retracted by"]
        values = {
            "who": who or words["someone"],  # the app's words, as in a template: not escaped
            "day": escaped(words["day"](local(evidence.retracted_at))),
            "reason": escaped(evidence.retraction_reason),
        }
        parts.append(f'<p class="retraction">{retraction % values}</p>')
    elif context.get("can_retract"):
        label = words["retract"]
        parts.append(
            f'<p class="retract"><a href="?retract={pk}#evidence-{pk}" hx-get="?retract={pk}" '
            f'hx-target="#activity" hx-swap="outerHTML">{label}</a></p>'
        )
    parts.append("</li>")
    return SafeString("\n".join(parts))


def _evidence_source(evidence, label: str, write_day) -> str:
    """'Source: <title, linked>, <publisher>, <date>' (`label`: "Source:", escaped; the date
    by `write_day`)."""
    if evidence.source_url:
        shown = escaped(evidence.source_title or evidence.source_url)
        source = (
            f'<a href="{escaped(evidence.source_url)}" rel="noopener noreferrer nofollow">'
            f"<bdi>{shown}</bdi></a>"
        )
    else:
        source = f"<bdi>{escaped(evidence.source_title)}</bdi>"
    if evidence.source_publisher:
        source += f", <bdi>{escaped(evidence.source_publisher)}</bdi>"
    if evidence.source_date:
        source += f", {escaped(write_day(evidence.source_date))}"
    return f'<p class="muted">{label} {source}</p>'
