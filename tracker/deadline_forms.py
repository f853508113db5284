"""The timeline forms the engine reads, by example, and the closest ones to a refused wording.

A refusal names the three examples nearest to what was typed (rapidfuzz's `QRatio`, on the
lower-cased text) rather than the whole list; `ACCEPTED_FORMS` is the whole list, for help
texts. Every example is read by the engine (tests/test_deadline_refusals.py checks it).
"""

from rapidfuzz import fuzz, process, utils

EXAMPLE_FORMS = (
    # a period counted from the signing or from an event
    "within 3 months", "within 135 days", "within two weeks", "within a year",
    "within fourteen (14) months", "within the first one hundred thirty-five (135) days",
    "not later than 30 days after signing", "within a period not exceeding four months",
    "within 48 hours", "within ten working days", "3 months after signing", "next month",
    "within the same month", "within 30 days after the entry into force", "upon ratification",
    "within three months (counted from the start of negotiations)",
    # a date
    "by 10 March 2020", "by March 10, 2020", "by 2020-03-10", "by the end of March 2020",
    "by the end of the first quarter of 2027", "by mid-2027",
    # promptly
    "immediately", "as soon as possible", "without delay", "immediately upon entry into force",
    # recurring
    "annually", "quarterly", "every six months", "twice a year", "at least once a year",
    "monthly meetings", "regular consultations", "each year on 1 March",
    "every two years starting in 2027", "annually, starting from the entry into force",
    # French
    "dans un délai de trois mois", "dans les 90 jours suivant la signature",
    "dans les trente (30) jours à compter de l'entrée en vigueur", "dans les 48 heures",
    "dans un délai de dix jours ouvrables", "au plus tard le 30 juin 2027",
    "avant la fin de 2027", "immédiatement", "sans délai", "chaque année", "tous les six mois",
    # no deadline
    "ongoing",
)  # fmt: skip
ACCEPTED_FORMS = (
    ", ".join(f"'{form}'" for form in EXAMPLE_FORMS if form != "ongoing")
    + ", or leave it empty (or 'ongoing') for no deadline"
)
CLOSEST_COUNT = 3


def closest_forms(wording: str) -> list[str]:
    """The examples nearest to `wording`, closest first."""
    found = process.extract(
        wording[:200],  # the start says enough; scoring stays cheap on a pasted paragraph
        EXAMPLE_FORMS,
        scorer=fuzz.QRatio,
        processor=utils.default_process,
        limit=CLOSEST_COUNT,
    )
    return [form for form, _score, _index in found]
