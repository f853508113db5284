"""The event a timeline's wording counts from, and the milestone that is that event.

Pure functions, no ORM: `services.commitment_due_date` links a commitment to the milestone
`matching_milestone` finds (or makes one named `milestone_name`), and the pages say how a
deadline was read with `event_as_written`.
"""

import re
from collections.abc import Iterable
from typing import Protocol, TypeVar

from rapidfuzz import fuzz

from .deadlines import event_as_written

# A milestone name this close (rapidfuzz `ratio`, 0-100, after `normalise_event`) to the
# event named in the wording is that event: "Entry into force" for "the entry-into-force".
SAME_EVENT = 90


class Named(Protocol):
    name: str


M = TypeVar("M", bound=Named)


def normalise_event(text: str) -> str:
    """Case, punctuation, spacing and a leading "the" do not tell two events apart."""
    text = re.sub(r"[\W_]+", " ", text.lower()).strip()
    return re.sub(r"^the\s+", "", text)


def matching_milestone(event: str, milestones: Iterable[M]) -> M | None:
    """The milestone named like `event` (exactly once normalised, else the nearest at
    `SAME_EVENT` or above), or None."""
    wanted = normalise_event(event)
    best, best_score = None, SAME_EVENT - 0.001
    for milestone in milestones:
        name = normalise_event(milestone.name)
        if name == wanted:
            return milestone
        score = fuzz.ratio(name, wanted)
        if score > best_score:
            best, best_score = milestone, score
    return best


def milestone_name(wording: str, event: str) -> str:
    """The name of the milestone made for an event the wording names: as written, with a
    capital first letter ("upon ratification" → "Ratification")."""
    written = event_as_written(wording, event).strip()
    return written[:1].upper() + written[1:]
