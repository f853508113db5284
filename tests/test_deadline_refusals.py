"""A refusal helps: it names the three closest forms and, when it can, the part it could not
read (issue 19)."""

import pytest

from tracker.deadlines import (
    ACCEPTED_FORMS,
    EXAMPLE_FORMS,
    TimelineError,
    TimelineKind,
    parse_timeline,
)


@pytest.mark.parametrize("form", EXAMPLE_FORMS)
def test_every_example_form_is_read(form):
    assert parse_timeline(form).kind in TimelineKind


def test_the_accepted_forms_list_every_example():
    assert all(f"'{form}'" in ACCEPTED_FORMS for form in EXAMPLE_FORMS)


def _refusal(wording: str) -> TimelineError:
    with pytest.raises(TimelineError) as raised:
        parse_timeline(wording)
    return raised.value


def test_a_refusal_names_three_forms_not_the_whole_list():
    error = _refusal("in due course")
    assert len(error.closest) == 3
    assert ACCEPTED_FORMS not in str(error)
    assert str(error).endswith(
        "Write it as one of the closest forms it reads: "
        + ", ".join(f"'{form}'" for form in error.closest)
        + "."
    )


@pytest.mark.parametrize(
    ("wording", "closest"),
    [
        ("as soon as feasible", "as soon as possible"),
        ("by 10/03/2020", "by 10 March 2020"),
        ("every second tuesday", "every six months"),
        ("by the end of the year", "by the end of March 2020"),
    ],
)
def test_the_closest_form_comes_first(wording, closest):
    assert _refusal(wording).closest[0] == closest


@pytest.mark.parametrize(
    ("wording", "problem"),
    [
        (
            "within 30 days pending review",
            "has “pending” where the event it counts from should be introduced",
        ),
        ("within several months", "has “several” where a number should be"),
        ("within twenty-a days", "has “twenty-a” where a number should be"),
        ("within fourteen (15) months", "says “fourteen” but (15) in figures"),
        ("in due course", "cannot be read as a deadline"),
    ],
)
def test_a_refusal_says_which_part_could_not_be_read(wording, problem):
    assert _refusal(wording).problem.startswith(problem)
