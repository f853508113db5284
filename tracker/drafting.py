"""Draft an agreement's commitments from a pasted article or agreement text.

Pure functions: no ORM, no network, no clock; the same text always gives the same draft.
`draft_from_text(text)` cleans the text (stray HTML and all: `tracker/textlines.py`), then
proposes a title, a summary, the parties it names (`tracker/gazetteer.py`) and commitments
found in three kinds of place:

1. tables (pipe tables or HTML tables) whose header has a timeline column ("Timeline",
   "Deadline", "By when"…) or an action column ("Action items", "Measure", "Strategy"…);
2. bullet lists introduced by a line that names components, measures, steps, actions,
   commitments… or says the parties agreed, will or shall;
3. sentences with "within N days/weeks/months/years", "N months after signing",
   "by/before <date>" or "dans un délai de trois mois", and those that promise something or
   schedule a meeting "next month", "by the end of the year", "annually", "every six
   months", "immediately", "upon ratification", "chaque année"… (`tracker/timephrases.py`).

Each proposal keeps its timeline wording verbatim and says whether the deadline engine can
read it (`timeline_problem`); the editor reviews every proposal before anything is saved.
The rules are listed in docs/architecture.md ("Drafting from an article").
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from enum import StrEnum

from django.utils.translation import gettext

from . import deadlines, gazetteer, partyroles, timephrases
from .models.commitments import Theme
from .textlines import clean_cell, has_words, last_sentence, split_sentences, text_lines, tidy

MAX_PROPOSALS = 150
MAX_TITLE = 200


class Found(StrEnum):
    TABLE = "table"
    LIST = "list"
    SENTENCE = "sentence"

    @property
    def label(self) -> str:
        return {
            "table": gettext("table"),
            "list": gettext("bullet list"),
            "sentence": gettext("sentence"),
        }[self]


@dataclass(frozen=True)
class ProposedParty:
    code: str
    name: str
    kind: str
    mentions: int
    suggested: bool
    mediator: bool = False  # the text only names it brokering, hosting or witnessing


@dataclass(frozen=True)
class Proposal:
    reference: str
    title: str
    description: str
    timeline_wording: str
    theme: Theme
    found_in: Found
    block: str  # the line that introduced the table or list, or the sentence itself
    party_codes: tuple[str, ...] = ()  # parties the item itself names; empty: all
    timeline_problem: str = ""  # why the engine cannot read the wording; empty when it can
    # How the engine read the wording, in words ("3 months after the start of intra-Afghan
    # negotiations"); empty when there is no wording or it cannot be read.
    timeline_reading: str = ""
    notes: tuple[str, ...] = ()
    suggested_include: bool = True
    block_index: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Draft:
    title: str
    summary: str
    parties: tuple[ProposedParty, ...]
    proposals: tuple[Proposal, ...]

    @property
    def suggested_party_codes(self) -> list[str]:
        return [party.code for party in self.parties if party.suggested]


def draft_from_text(
    text: str, *, first_block: int = 1, extra_parties: tuple[gazetteer.Entry, ...] = ()
) -> Draft:
    """Everything drafting proposes for `text`; references start at `first_block`.1.
    `extra_parties` are parties the caller knows (those saved in the database)."""
    lines = text_lines(text)
    parties = propose_parties(lines, extra=extra_parties)
    proposals = _number(
        _deduplicate(_proposals(lines, extra_parties)), first_block=max(first_block, 1)
    )
    return Draft(
        title=suggest_title(lines, parties),
        summary=suggest_summary(lines),
        parties=tuple(parties),
        proposals=tuple(proposals),
    )


def next_block(references: list[str]) -> int:
    """The first top-level number after those of `references` ("2.3" counts as 2)."""
    numbers = [int(match[1]) for ref in references if (match := re.match(r"\s*(\d{1,6})", ref))]
    return max(numbers, default=0) + 1


# ---------------------------------------------------------------------------------------------
# Blocks: tables, lists and paragraphs


def _is_row(line: str) -> bool:
    return "|" in line and len(_cells(line)) >= 2


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _is_separator(line: str) -> bool:
    return all(re.fullmatch(r":?-{2,}:?|", cell) for cell in _cells(line))


def _proposals(lines: list[str], extra: tuple[gazetteer.Entry, ...] = ()) -> list[Proposal]:
    """Raw proposals in document order, each with the index of the block it came from."""
    found: list[Proposal] = []
    block = 0
    prose_open = False  # consecutive sentence proposals share a block
    for is_prose, items in _blocks(lines):
        if extra:
            items = [_with_extra(item, extra) for item in items]
        if items and not (is_prose and prose_open):
            block += 1
        prose_open = is_prose and (prose_open or bool(items))
        found.extend(replace(item, block_index=block) for item in items)
        if len(found) >= MAX_PROPOSALS:
            break
    return found[:MAX_PROPOSALS]


def _with_extra(proposal: Proposal, extra: tuple[gazetteer.Entry, ...]) -> Proposal:
    """Adds the caller's parties that the proposal's own text names."""
    named = gazetteer.find_parties(f"{proposal.title} {proposal.description}", extra)
    codes = tuple(e.code for e, _ in named if e in extra and e.code not in proposal.party_codes)
    if not codes or not proposal.party_codes:
        return proposal  # naming no one means every party: leave it so
    return replace(proposal, party_codes=tuple(dict.fromkeys((*proposal.party_codes, *codes))))


def _blocks(lines: list[str]) -> Iterator[tuple[bool, list[Proposal]]]:
    """(is prose, its proposals) for each table, list and other line, in document order."""
    intro = ""  # the latest line of prose: it introduces the table or list after it
    index = 0
    while index < len(lines):
        line, end = lines[index], _block_end(lines, index)
        if _is_row(line):
            yield False, _table_proposals(lines[index:end], intro=intro)
        elif line.startswith("- "):
            bullets = [item[2:] for item in lines[index:end] if item]
            items = _list_proposals(bullets, intro=intro)
            if items is None:  # not a list of commitments: its items are read as sentences
                items = [proposal for item in bullets for proposal in _sentence_proposals(item)]
            yield False, items
        else:
            intro = line or intro
            yield True, _sentence_proposals(line)
        index = end


def _block_end(lines: list[str], index: int) -> int:
    """Where the table or list starting at `index` ends; a line of prose is its own block."""
    end = index + 1
    if _is_row(lines[index]):
        while end < len(lines) and _is_row(lines[end]):
            end += 1
    elif lines[index].startswith("- "):
        while end < len(lines) and (lines[end].startswith("- ") or _list_resumes(lines, end)):
            end += 1
    return end


def _list_resumes(lines: list[str], index: int) -> bool:
    """A blank line inside a list: the list goes on if the next line is an item again."""
    return not lines[index] and index + 1 < len(lines) and lines[index + 1].startswith("- ")


# ---------------------------------------------------------------------------------------------
# Tables

_TIMELINE_HEADER_RE = re.compile(
    r"\b(?:timelines?|time ?frames?|time ?lines?|deadlines?|due(?: dates?)?|by when|when|"
    r"target dates?|dates?|schedule|period|duration)\b",
    re.IGNORECASE,
)
_ACTION_HEADER_RE = re.compile(
    r"\b(?:actions?|action items?|items?|commitments?|measures?|steps?|strateg(?:y|ies)|"
    r"components?|activit(?:y|ies)|tasks?|initiatives?|objectives?|outcomes?|obligations?|"
    r"provisions?|deliverables?|undertakings?|what)\b",
    re.IGNORECASE,
)
_DESCRIPTION_HEADER_RE = re.compile(
    r"\b(?:descriptions?|details?|notes?|remarks?|explanation)\b", re.IGNORECASE
)
_WHO_HEADER_RE = re.compile(
    r"\b(?:responsible|who|part(?:y|ies)|lead|owner|by whom)\b", re.IGNORECASE
)


def _table_proposals(rows: list[str], *, intro: str) -> list[Proposal]:
    table = [_cells(row) for row in rows if not _is_separator(row)]
    if len(table) < 2:
        return []
    header, body = table[0], table[1:]
    time_col = _column(header, _TIMELINE_HEADER_RE)
    title_col = _column(header, _ACTION_HEADER_RE, skip={time_col})
    if time_col is None and title_col is None:
        time_col = _timeline_column(table)  # no header: a column of readable timelines
        if time_col is None:
            return []
        body = table
    if title_col is None:
        title_col = next(i for i in range(len(header)) if i != time_col)
    desc_col = _column(header, _DESCRIPTION_HEADER_RE, skip={time_col, title_col})
    who_col = _column(header, _WHO_HEADER_RE, skip={time_col, title_col, desc_col})
    label = last_sentence(intro) or " | ".join(header)
    proposals = []
    for cells in _unmerge(body, width=len(header))[:MAX_PROPOSALS]:
        title = cells[title_col] if title_col < len(cells) else ""
        wording = cells[time_col] if time_col is not None and time_col < len(cells) else ""
        description = cells[desc_col] if desc_col is not None and desc_col < len(cells) else ""
        who = cells[who_col] if who_col is not None and who_col < len(cells) else ""
        proposal = _proposal(
            title, description, wording, Found.TABLE, label, party_text=who or title
        )
        if proposal:
            proposals.append(proposal)
    return proposals


def _column(header: list[str], pattern: re.Pattern, skip: set | frozenset = frozenset()):
    return next(
        (i for i, cell in enumerate(header) if i not in skip and pattern.search(cell)), None
    )


def _timeline_column(table: list[list[str]]) -> int | None:
    """The first column where most cells read as deadlines."""
    width = max(len(row) for row in table)
    for column in range(width):
        cells = [row[column] for row in table if column < len(row) and row[column]]
        readable = sum(1 for cell in cells if _reads_as_deadline(cell))
        if width >= 2 and cells and readable * 2 > len(cells):
            return column
    return None


def _reads_as_deadline(wording: str) -> bool:
    try:
        timeline = deadlines.parse_timeline(wording)
    except deadlines.TimelineError:
        return False
    return timeline.kind != deadlines.TimelineKind.NONE


def _unmerge(body: list[list[str]], *, width: int) -> list[list[str]]:
    """Rows whose closing tag was lost come as one row of 2×, 3×… the header's cells."""
    rows = []
    for cells in body:
        if width >= 2 and len(cells) > width and len(cells) % width == 0:
            rows.extend(cells[start : start + width] for start in range(0, len(cells), width))
        else:
            rows.append(cells)
    return rows


# ---------------------------------------------------------------------------------------------
# Bullet lists

_LIST_CUE_RE = re.compile(
    r"\b(?:components?|measures?|steps?|actions?|action items?|commitments?|items?|points?|"
    r"provisions?|initiatives?|pledges?|undertakings?|objectives?|terms?|elements?|"
    r"priorities|plans?|outcomes?|obligations?|deliverables?|tasks?|activities|"
    r"agreed|agree|agrees|commit|commits|committed|pledged?|undertakes?|undertook|will|shall)\b",
    re.IGNORECASE,
)
# "may" only in lower case: "May 2020" is a month.
_HEDGE_RE = re.compile(
    r"\b(?:(?i:might|could|would|possibly|possible|potential|proposed|suggested)|may)\b"
)


def _list_proposals(items: list[str], *, intro: str) -> list[Proposal] | None:
    """None when the list does not look like commitments (its intro names none)."""
    label = last_sentence(intro)
    if intro and not _LIST_CUE_RE.search(label):
        return None
    proposals = []
    for item in items[:MAX_PROPOSALS]:
        title, description = _split_item(item)
        proposal = _proposal(title, description, "", Found.LIST, label, party_text=item)
        if proposal:
            proposals.append(proposal)
    return proposals


def _split_item(item: str) -> tuple[str, str]:
    """'Improved intelligence exchange: Both nations will…' -> a title and a description."""
    match = re.match(r"(.{3,120}?)\s*(?::|\s[–—]\s|\s-\s)\s*(.*)$", item)
    if match and len(match[1].split()) <= 12:
        description = re.sub(r"^[\s,;:.]+", "", match[2])
        return match[1], description[:1].upper() + description[1:]
    return item, ""


# ---------------------------------------------------------------------------------------------
# Sentences and timeline phrases


def _sentence_proposals(line: str) -> list[Proposal]:
    proposals = []
    for sentence in split_sentences(line)[: MAX_PROPOSALS * 20]:
        found = timephrases.read_sentence(sentence)
        if found is None:
            continue
        notes = ()
        if found.event:
            notes = (
                gettext(
                    "The text counts this from “%(event)s”; saved, it waits for that event: "
                    "date its milestone when it happens."
                )
                % {"event": found.event},
            )
        rest = found.rest
        action = timephrases.ACTION_RE.search(rest)
        title = rest[action.end() :] if action else rest
        if found.schedules_meeting and (named := timephrases.find_meeting(rest)):
            # "…, another meeting is scheduled next month": the meeting is what is promised.
            title = re.sub(r"(?i)\s+(?:for|in|on|at|by|to)\W*$", "", rest[named.start() :])
        # "meet" alone, or "be held in Doha": who meets, or what is held, makes the title.
        if len(re.findall(r"[^\W\d_]{2,}", title)) < 2 or re.match(r"(?i)\s*be\s", title):
            title = rest
        # Who acts is named before "will", "agreed to"…; naming no one means every party.
        subject = rest[: action.start()] if action else sentence
        proposal = _proposal(
            title,
            sentence,
            found.wording,
            Found.SENTENCE,
            sentence,
            party_text=subject,
            notes=notes,
        )
        if proposal:
            proposals.append(proposal)
    return proposals


# ---------------------------------------------------------------------------------------------
# One proposal


def _proposal(
    title: str,
    description: str,
    wording: str,
    found_in: Found,
    block: str,
    *,
    party_text: str,
    notes: tuple[str, ...] = (),
) -> Proposal | None:
    title = clean_cell(title)
    if found_in == Found.SENTENCE:
        title = _ATTRIBUTION_RE.sub("", title)
    if not wording and (found := timephrases.read_item(title)):
        wording, title = found.wording, clean_cell(found.rest)
    title = re.sub(r"^(?:a|an|the)\s+(?=\w)", "", title.rstrip(". "), flags=re.IGNORECASE)
    title = _title_case_fixed(title)
    if not has_words(title) or len(title.split()) > 60:
        return None
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1].rsplit(" ", 1)[0] + "…"
    wording = tidy(wording)[:200]
    problem = reading = ""
    try:
        reading = timeline_reading(wording)
    except deadlines.TimelineError as error:
        problem = str(error)
    hedged = found_in != Found.SENTENCE and bool(_HEDGE_RE.search(block))
    if hedged:
        notes = (*notes, gettext("Unticked: the text only says these might be done."))
    return Proposal(
        reference="",
        title=title,
        description=tidy(description),
        timeline_wording=wording,
        theme=suggest_theme(title, description),
        found_in=found_in,
        block=block[:300],
        party_codes=tuple(dict.fromkeys(e.code for e, _ in gazetteer.find_parties(party_text))),
        timeline_problem=problem,
        timeline_reading=reading,
        notes=notes,
        suggested_include=not hedged,
    )


def timeline_reading(wording: str) -> str:
    """How the engine reads `wording`, in words, the event as the wording writes it; "" for no
    wording. Raises `deadlines.TimelineError` when it cannot be read."""
    if not wording.strip():
        return ""
    timeline = deadlines.parse_timeline(wording)
    if timeline.event:
        timeline = replace(timeline, event=deadlines.event_as_written(wording, timeline.event))
    return timeline.describe()


# What a reporter adds after the promise: ", according to a joint statement…",
# '…missions," the official news agency said on Friday'.
_ATTRIBUTION_RE = re.compile(
    r"(?:,?\s+according to\b.*|[,.]?\s*[\"”’]\s+(?:the\s+)?[^\"“”]{0,80}?\b(?:said|says|"
    r"reported|told|announced|added|stated)\b.*"
    # unquoted: "…, the ministry said", "…, officials said on Friday"
    r"|,\s+(?:the\s+|an?\s+)?(?:[\w'’-]+\s+){0,4}?(?:said|says|reported|told reporters|"
    r"announced|added|stated)(?:\s+(?:on|in|late|early)\s+[\w-]+){0,2}\.?)$",
    re.IGNORECASE,
)
_PROPER = gazetteer.proper_names()


def _title_case_fixed(title: str) -> str:
    """'Create Joint Border Patrols' -> 'Create joint border patrols'; names keep capitals."""
    words = title.split()
    if not words:
        return title
    later = [word for word in words[1:] if word[:1].isalpha()]
    if later and sum(word[0].isupper() for word in later) * 2 >= len(later):
        words = [words[0]] + [_lower_word(word) for word in words[1:]]
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])


def _lower_word(word: str) -> str:
    parts = re.split(r"([-/])", word)
    return "".join(
        part if part in _PROPER or part.rstrip("’'s") in _PROPER or part.isupper() else part.lower()
        for part in parts
    )


_THEME_RULES: tuple[tuple[Theme, re.Pattern], ...] = tuple(
    (theme, re.compile(pattern, re.IGNORECASE))
    for theme, pattern in (
        (Theme.TRADE, r"\b(?:trade|econom\w*|commerc\w*|invest\w*|tariffs?|markets?|business)"),
        (Theme.PUBLIC_AWARENESS, r"\b(?:awareness|campaigns?|educat\w*|media|radicali[sz]\w*)"),
        (Theme.COMMUNITY, r"\b(?:communit\w*|outreach|local populations?|civil society|tribal)"),
        (
            Theme.COMMUNICATIONS,
            r"\b(?:communication (?:networks?|channels?|lines?|links?|systems?)|hotlines?|"
            r"liaison)",
        ),
        (Theme.INTELLIGENCE, r"\b(?:intelligence|information[- ]sharing|data exchange|insights?)"),
        (Theme.BORDER, r"\b(?:border|crossings?|frontier|boundar\w*|customs)"),
        (
            Theme.DIALOGUE,
            r"\b(?:dialogues?|consultations?|meetings?|talks|summits?|negotiat\w*|"
            r"conversations?|high-level)",
        ),
        (
            Theme.JOINT_OPERATIONS,
            r"\b(?:militar\w*|operations?|missions?|drills?|exercises?|task forces?|troops?|"
            r"patrols?|forces)",
        ),
    )
)


def suggest_theme(title: str, description: str = "") -> Theme:
    """The first rule that matches the title, else the description, else Other."""
    for text in (title, description):
        for theme, pattern in _THEME_RULES:
            if pattern.search(text):
                return theme
    return Theme.OTHER


# ---------------------------------------------------------------------------------------------
# Deduplication and numbering


def _key(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    stop = {"a", "an", "the", "of", "and", "to", "for", "in", "on", "with", "by", "between"}
    return " ".join(
        word.rstrip("s") if len(word) > 3 else word for word in words if word not in stop
    )


def _near(first: str, second: str) -> bool:
    """Same words up to spelling and plurals; numbers must match exactly ("100 prisoners")."""
    if re.findall(r"\d+", first) != re.findall(r"\d+", second):
        return False
    return first == second or SequenceMatcher(None, first, second).ratio() >= 0.9


def _deduplicate(proposals: list[Proposal]) -> list[Proposal]:
    """Near-identical titles are one proposal: the first found, with a timeline if any had."""
    kept: list[Proposal] = []
    keys: list[str] = []
    for proposal in proposals:
        key = _key(proposal.title)
        twin = next((i for i, seen in enumerate(keys) if _near(seen, key)), None)
        if twin is None:
            kept.append(proposal)
            keys.append(key)
            continue
        first = kept[twin]
        note = gettext("Also found in a %(found_in)s: “%(title)s”.") % {
            "found_in": proposal.found_in.label,
            "title": proposal.title,
        }
        if not first.timeline_wording and proposal.timeline_wording:
            first = replace(
                first,
                timeline_wording=proposal.timeline_wording,
                timeline_problem=proposal.timeline_problem,
                timeline_reading=proposal.timeline_reading,
            )
        kept[twin] = replace(
            first,
            description=first.description or proposal.description,
            notes=(*first.notes, note),
            suggested_include=first.suggested_include or proposal.suggested_include,
        )
    return kept


def _number(proposals: list[Proposal], *, first_block: int) -> list[Proposal]:
    """References by source block: 1.1, 1.2 for the first table or list, 2.1 for the next."""
    numbered = []
    blocks: dict[int, int] = {}
    counts: dict[int, int] = {}
    for proposal in proposals:
        block = blocks.setdefault(proposal.block_index, first_block + len(blocks))
        counts[block] = counts.get(block, 0) + 1
        numbered.append(replace(proposal, reference=f"{block}.{counts[block]}"))
    return numbered


# ---------------------------------------------------------------------------------------------
# Parties, title and summary


def propose_parties(
    lines: list[str], *, extra: tuple[gazetteer.Entry, ...] = ()
) -> list[ProposedParty]:
    """Every party the text names. Suggested: those the text says signed or agreed, if two;
    else those in the headline, else the two most named; never one named only as a
    mediator, host or witness."""
    mentions: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    roles: dict[str, set[str]] = {}
    entries: dict[str, gazetteer.Entry] = {}
    offset = 0
    for line in lines:
        for entry, position, role in partyroles.party_roles(line, extra):
            entries.setdefault(entry.code, entry)
            roles.setdefault(entry.code, set()).add(role)
            if role != "venue":
                mentions[entry.code] = mentions.get(entry.code, 0) + 1
                first_seen.setdefault(entry.code, offset + position)
        offset += len(line) + 1
    mediators = {code for code in mentions if "mediator" in roles[code]} - {
        code for code in mentions if "signatory" in roles[code]
    }
    by_first = sorted(mentions, key=lambda code: first_seen[code])
    suggested = [code for code in by_first if "signatory" in roles[code]]
    if len(suggested) < 2:
        headline = next((line for line in lines if line), "")
        named = [
            e.code for e, _, role in partyroles.party_roles(headline, extra) if role == "party"
        ]
        suggested = list(dict.fromkeys([*suggested, *named]))
        suggested = [code for code in suggested if code not in mediators]
    ranked = sorted(mentions, key=lambda code: (-mentions[code], first_seen[code]))
    for code in ranked:
        if len(suggested) >= 2:
            break
        if code not in suggested and code not in mediators and mentions[code] >= 2:
            suggested.append(code)
    order = sorted(mentions, key=lambda code: (code not in suggested, first_seen[code]))
    return [
        ProposedParty(
            code=code,
            name=entries[code].name,
            kind=entries[code].kind,
            mentions=mentions[code],
            suggested=code in suggested,
            mediator=code in mediators,
        )
        for code in order
    ]


def suggest_title(lines: list[str], parties: list[ProposedParty]) -> str:
    """The headline when the text starts with one; else the parties' names."""
    headline = next((line for line in lines if line), "")
    is_headline = len(headline) <= 200 and not headline.endswith(".")
    if headline and is_headline and not _is_row(headline) and not headline.startswith("- "):
        return headline
    names = [party.name for party in parties if party.suggested]
    return f"{'–'.join(names)} agreement" if names else "Agreement drafted from an article"


def suggest_summary(lines: list[str]) -> str:
    """The first two sentences of the first real paragraph."""
    for line in lines[1:]:
        if not _is_row(line) and not line.startswith("- ") and len(line.split()) >= 20:
            return " ".join(split_sentences(line)[:2])[:1000]
    return ""
