"""The rows that lists repeat, each written by one tag rather than a template loop with a
dozen variables and tags a row: the overview's cards, commitments and latest evidence, the
agreements list's rows. Rendered node by node they were most of those pages' time. Each
writes the markup the page's template wrote, with user text escaped and direction-isolated
(`<bdi>`)."""

import unicodedata
from datetime import date

from django import template
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from ..markup import escaped, html_format
from ..models.commitments import describe_lateness
from ..selectors import ListedCommitment, ListedEvidence
from ..selectors.overdue import OverdueRow
from .tracker import (
    day,
    day_writer,
    restricted_badge,
    score_meter,
    status_badge,
    status_badge_writer,
    unscored_note,
)

register = template.Library()


def _truncated(text: str, length: int) -> str:
    """`truncatechars`: a text no longer than `length` is the same text (in NFC, as Django
    gives it back) without `Truncator`'s walk through each character."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


def _sentence(text: str, **values) -> SafeString:
    """A translated sentence with values put in, as `{% blocktranslate %}` writes it: the
    translation as it is, the values escaped."""
    return SafeString(text % {name: escaped(value) for name, value in values.items()})


def _once(memo: dict, key, compute):
    """`compute()` the first time a list asks for `key`, its answer after: the rows of a
    list repeat a few labels (a status, a kind of date), each costly to translate."""
    try:
        return memo[key]
    except KeyError:
        memo[key] = value = compute()
        return value


@register.simple_tag
def agreement_cards(agreements) -> SafeString:
    """The overview's cards, written as its template's `{% for %}` loop wrote them, one a
    `{% agreement_card %}` (templates/tracker/overview.html): an agreement's title, parties,
    signing, status, overall and per-party scores, overdue count and next deadline
    (`selectors.overview_cards` reads what they show). The words every card repeats are
    translated once for the list."""
    words = {
        "overall": gettext("Overall"),
        "score": gettext("Implementation score"),
        "none_overdue": gettext("none overdue"),
        "next_deadline": gettext("Next deadline %(day)s"),
        "no_deadline": gettext("No open deadline"),
    }
    return SafeString(
        "".join(f"\n    {_agreement_card(agreement, words)}\n    " for agreement in agreements)
    )


def _agreement_card(agreement, words: dict[str, str]) -> SafeString:
    rule = agreement.score_rule
    restriction = (
        html_format('\n  <p class="restriction">{}</p>', restricted_badge(agreement))
        if agreement.team_names
        else ""
    )
    unscored = agreement.unscored_count
    parties = SafeString(
        "".join(
            html_format(
                '\n  <div class="score-row"><span><bdi>{}</bdi></span>{}</div>',
                party.name,
                score_meter(party.score, party.name, rule=rule),
            )
            for party in agreement.party_scores
        )
    )
    count = agreement.overdue_count
    if count:
        overdue = html_format(
            '<span class="badge late">{}</span>',
            _sentence(
                ngettext("%(count)s overdue", "%(count)s overdue", count),
                count=formats.localize(count),
            ),
        )
    else:
        overdue = html_format('<span class="badge ok">{}</span>', words["none_overdue"])
    if agreement.next_due_on:
        deadline = _sentence(words["next_deadline"], day=day(agreement.next_due_on))
    else:
        deadline = words["no_deadline"]
    return html_format(
        '<li class="card agreement-card">\n'
        '  <h3><a href="{}"><bdi>{}</bdi></a></h3>{}\n'
        '  <p class="muted"><bdi>{}</bdi> · {} {} · {}</p>\n'
        '  <div class="score-row"><span>{}</span>{}</div>{}{}\n'
        '  <p class="card-foot">\n    {}\n    {}\n  </p>\n'
        "</li>",
        agreement.get_absolute_url(),
        agreement.title,
        restriction,
        agreement.party_codes,
        _once(
            words,
            ("kind", agreement.signed_on_kind),
            lambda: agreement.get_signed_on_kind_display().lower(),
        ),
        day(agreement.signed_on),
        _once(words, ("status", agreement.status), agreement.get_status_display),
        words["overall"],
        score_meter(agreement.score, words["score"], rule=rule),
        _once(
            words,
            ("unscored", unscored),
            lambda: html_format("\n  <p>{}</p>", unscored_note(unscored)),
        )
        if unscored
        else "",
        parties,
        overdue,
        deadline,
    )


@register.simple_tag
def commitment_items(commitments: list[ListedCommitment], today: date) -> SafeString:
    """The overview's short lists of commitments (overdue, due soon), written as its
    template's `{% for %}` loops wrote them, one a `{% commitment_item %}`
    (templates/tracker/overview.html): reference and title, the agreement and the responsible
    parties, the status, the period a recurring one owes, the due date and how late it is."""
    missing = " " + gettext("missing")
    writers = (day_writer(), status_badge_writer())
    return SafeString(
        "".join(
            f"\n      {_commitment_item(commitment, today, missing, *writers)}\n      "
            for commitment in commitments
        )
    )


def _commitment_item(
    commitment: ListedCommitment, today: date, missing: str, write_day, badge
) -> SafeString:
    period = ""
    if commitment.period:
        period = html_format(
            '<span class="period">{}{}</span>, ',
            commitment.period,
            missing if commitment.due_on < today else "",
        )
    lateness = describe_lateness(due_on=commitment.due_on, closed=commitment.is_closed, today=today)
    return html_format(
        "<li>\n"
        '    <a href="{}"><span class="ref"><bdi>{}</bdi></span> <bdi>{}</bdi></a>\n'
        '    <span class="muted"><bdi>{}</bdi> · <bdi>{}</bdi></span>\n'
        '    <span class="when">{} {}{} · <strong>{}</strong></span>\n'
        "  </li>",
        commitment.url,
        commitment.reference,
        commitment.title,
        _truncated(commitment.agreement_title, 50),
        commitment.party_codes,
        badge(commitment.status),
        period,
        write_day(commitment.due_on),
        lateness,
    )


@register.simple_tag
def pending_items(commitments) -> SafeString:
    """The overview's commitments waiting for an event, written as its template's `{% for %}`
    loop wrote them (templates/tracker/overview.html): reference and title, the agreement and
    the responsible parties, the status and how the deadline was read
    (`selectors.commitments_pending` reads what they show)."""
    pending = gettext("Pending")
    return SafeString(
        "".join(
            html_format(
                "\n    <li>\n"
                '      <a href="{}"><span class="ref"><bdi>{}</bdi></span> <bdi>{}</bdi></a>\n'
                '      <span class="muted"><bdi>{}</bdi> · <bdi>{}</bdi></span>\n'
                '      <span class="when">{} <span class="badge pending">{}</span> '
                "<bdi>{}</bdi></span>\n"
                "    </li>\n    ",
                commitment.get_absolute_url(),
                commitment.reference,
                commitment.title,
                _truncated(commitment.agreement.title, 50),
                commitment.party_codes,
                status_badge(commitment.status),
                pending,
                commitment.deadline_reading,
            )
            for commitment in commitments
        )
    )


@register.simple_tag
def evidence_items(evidence: list[ListedEvidence]) -> SafeString:
    """The overview's latest evidence, written as its template's `{% for %}` loop wrote it,
    one an `{% evidence_item %}` (templates/tracker/overview.html): stance, grading, the
    commitment, the summary's start, who logged it and when, and whether it was retracted."""
    words = {
        "grading": gettext(
            "Source reliability %(reliability)s, information credibility %(credibility)s"
        ),
        "someone": gettext("someone"),
        "retracted": ", " + gettext("retracted"),
    }
    write_day = day_writer()
    return SafeString(
        "".join(f"\n    {_evidence_item(item, words, write_day)}\n    " for item in evidence)
    )


def _evidence_item(evidence: ListedEvidence, words: dict[str, str], write_day) -> SafeString:
    grading = _sentence(
        words["grading"], reliability=evidence.reliability, credibility=evidence.credibility
    )
    retracted = evidence.is_retracted
    return html_format(
        "<li{}>\n"
        '      <span class="badge stance-{}">{}</span>\n'
        '      <span class="badge grading" title="{}">{}</span>\n'
        '      <a href="{}"><bdi>{}</bdi> <bdi>{}</bdi></a>:\n'
        "      <bdi>{}</bdi>\n"
        '      <span class="muted">— <bdi>{}</bdi>, {}{}</span>\n'
        "    </li>",
        SafeString(' class="retracted"') if retracted else "",
        evidence.stance,
        evidence.stance_label,
        grading,
        evidence.grading,
        evidence.commitment_url,
        evidence.commitment_reference,
        evidence.commitment_title,
        _truncated(evidence.summary, 140),
        evidence.logged_by or words["someone"],
        write_day(timezone.localtime(evidence.logged_at)),
        words["retracted"] if retracted else "",
    )


@register.simple_tag
def agreement_rows(agreements) -> SafeString:
    """The rows of the agreements list, written as the `{% for %}` loop of
    templates/tracker/agreement_list.html wrote them: title and restriction, parties, status,
    date, figures, score and next deadline (`selectors.agreements_listed` reads what they
    show). The column names every row repeats are translated once for the table."""
    labels = (
        gettext("Parties"),
        gettext("Status"),
        gettext("Date"),
        gettext("Commitments"),
        gettext("Score"),
        gettext("Overdue"),
        gettext("Next deadline"),
    )
    memo = {}
    return SafeString("".join(_agreement_row(agreement, labels, memo) for agreement in agreements))


def _agreement_row(agreement, labels: tuple[str, ...], memo: dict) -> SafeString:
    parties, status, date_, commitments, score, overdue_label, deadline = labels
    restriction = html_format("<br>{}", restricted_badge(agreement)) if agreement.team_names else ""
    unscored = agreement.unscored_count
    overdue = agreement.overdue_count
    return html_format(
        "\n      <tr>\n"
        '        <th scope="row"><a href="{}"><bdi>{}</bdi></a>{}</th>\n'
        '        <td data-label="{}"><bdi>{}</bdi></td>\n'
        '        <td data-label="{}">{}</td>\n'
        '        <td data-label="{}">{}</td>\n'
        '        <td class="num" data-label="{}">{}</td>\n'
        '        <td data-label="{}">{}{}</td>\n'
        '        <td class="num" data-label="{}">{}</td>\n'
        '        <td data-label="{}">{}</td>\n'
        "      </tr>\n    ",
        agreement.get_absolute_url(),
        agreement.title,
        restriction,
        parties,
        agreement.party_codes,
        status,
        _once(memo, ("status", agreement.status), agreement.get_status_display),
        date_,
        day(agreement.signed_on),
        commitments,
        formats.localize(agreement.commitment_count),
        score,
        score_meter(agreement.score, rule=agreement.score_rule),
        _once(memo, ("unscored", unscored), lambda: html_format("<br>{}", unscored_note(unscored)))
        if unscored
        else "",
        overdue_label,
        html_format('<span class="badge late">{}</span>', formats.localize(overdue))
        if overdue
        else "0",
        deadline,
        day(agreement.next_due_on) or "—",
    )


def _muted_line(text: str) -> str:
    """A sentence on a line of its own below a cell's value, in the muted style."""
    return html_format('<br><span class="muted">{}</span>', text)


@register.simple_tag
def overdue_rows(rows: list[OverdueRow]) -> SafeString:
    """The rows of one party's table on the overdue page, written as the `{% for %}` loop of
    templates/tracker/overdue.html wrote them: reference, title (and the joint parties),
    timeline, due date (and the period missed), lateness and the party's status. The column
    names every row repeats are translated once for the table, not once a row."""
    ref, timeline, due, late, status = (
        gettext("Ref."),
        gettext("Timeline"),
        gettext("Due"),
        gettext("Overdue by"),
        gettext("Status"),
    )
    joint_sentence, missing_sentence = gettext("joint: %(parties)s"), gettext("%(period)s missing")
    write_day, badge = day_writer(), status_badge_writer()
    return SafeString(
        "".join(
            html_format(
                "\n      <tr>\n"
                '        <td class="ref" data-label="{}"><bdi>{}</bdi></td>\n'
                '        <th scope="row"><a href="{}"><bdi>{}</bdi></a>{}</th>\n'
                '        <td data-label="{}"><bdi>{}</bdi></td>\n'
                '        <td data-label="{}">{}{}</td>\n'
                '        <td class="late-text" data-label="{}">{}</td>\n'
                '        <td data-label="{}">{}</td>\n'
                "      </tr>\n    ",
                ref,
                row.reference,
                row.url,
                row.title,
                _muted_line(_sentence(joint_sentence, parties=row.joint)) if row.joint else "",
                timeline,
                row.timeline or "—",
                due,
                write_day(row.due_on),
                _muted_line(_sentence(missing_sentence, period=row.period)) if row.period else "",
                late,
                row.lateness,
                status,
                badge(row.status),
            )
            for row in rows
        )
    )
