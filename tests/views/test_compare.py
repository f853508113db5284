"""/compare/ and /compare/export.csv: the figures of tests/comparison_data.py on the page and
in the CSV, the refusals, visibility, and the number of queries."""

import csv
import io
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.templatetags.compare import days

from ..comparison_data import build
from ..factories import AgreementFactory, CommitmentFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("tracker:compare")
CSV = reverse("tracker:compare-csv")
BOTH = {"a": ["border-accord", "trade-pact"]}


@pytest.fixture
def data(analyst):
    return build(analyst)


def text(response) -> str:
    """The page's words, without markup or runs of spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_it_shows_the_form_with_the_agreements_the_reader_may_see(
    viewer_client, data, restricted_agreement
):
    response = viewer_client.get(PAGE)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="border-accord"' in content
    assert "Secret protocol" not in content
    assert "secret-protocol" not in content


def test_the_agreement_page_link_chooses_that_agreement_first(viewer_client, data):
    response = viewer_client.get(PAGE, {"with": "trade-pact"})
    assert response.status_code == 200
    assert response.context["picks"] == ["trade-pact", "", ""]
    assert '<option value="trade-pact" selected>' in response.content.decode()


def test_it_shows_the_figures_side_by_side(viewer_client, data):
    response = viewer_client.get(PAGE, BOTH)
    assert response.status_code == 200
    words = text(response)
    border, trade = (
        words[words.index("Border accord") :],
        words[words.index("Trade pact", words.index("Border accord")) :],
    )
    assert "Met on time 25 % 1 of 4 decided, of 5 with a deadline" in border
    assert "Median delay 42.5 days of 1 implemented late and 1 still open" in border
    assert "Implemented late: 10 days · open, as of today: 75 days" in border
    assert "Met on time 0 % 0 of 1 decided" in trade
    assert "on or before the deadline first agreed (extensions do not move it)" in words
    assert "Median delay 31 days" in trade


def test_it_shows_the_theme_and_party_scores_with_their_months(viewer_client, data):
    response = viewer_client.get(PAGE, BOTH)
    content = response.content.decode()
    assert 'aria-label="Pakistan: from 0 % to 33 %"' in content
    assert 'aria-label="Border management: from 0 % to 100 %"' in content
    assert 'value="67" aria-label="Afghanistan"' in content
    assert "From 0 % on 31 Jan 2026 to 47 % today" in text(response)


def test_each_score_is_under_its_agreements_rule_and_says_what_is_left_out(viewer_client, data):
    response = viewer_client.get(PAGE, BOTH)
    content, words = response.content.decode(), text(response)
    border, trade = (
        words[words.index("Border accord") :],
        words[words.index("Trade pact", words.index("Border accord")) :],
    )
    assert "Score (5) 47 % 47 % PAM" in border
    assert "1 commitment not verifiable, not scored" in border
    assert "Score (1) +1.00 +1.00 G7" in trade
    assert "1 commitment not verifiable, not scored" in trade
    # the G7 agreement's scores and charts are in its own scale, -1 to +1
    assert 'min="-1" max="1" low="-0.33" high="0.33" optimum="1" value="1.00"' in content
    assert 'value="1.00" aria-label="India"' in content
    assert 'aria-label="India: from -1.00 to +1.00"' in content
    assert "From -1.00 on 31 Jan 2026 to +1.00 today" in words
    assert ">\u22121</text>" in content  # the G7 chart's lowest tick
    assert "drawn in its own rule's scale" in words


def csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_the_csv_has_the_same_figures(viewer_client, data):
    response = viewer_client.get(CSV, BOTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)

    def value(slug, figure, group=""):
        (row,) = [r for r in rows if (r["slug"], r["figure"], r["group"]) == (slug, figure, group)]
        return row["value"], row["commitments"]

    assert value("border-accord", "met_on_time_percent") == ("25", "4")
    assert value("border-accord", "median_delay_days") == ("42.5", "2")
    assert value("border-accord", "median_delay_open_overdue_days") == ("75", "1")
    assert value("trade-pact", "median_delay_days") == ("31", "1")
    assert value("border-accord", "party_score", "PAK") == ("33", "4")
    assert value("border-accord", "party_score", "AFG") == ("67", "3")
    assert value("border-accord", "theme_score", "dialogue") == ("17", "2")
    assert value("border-accord", "score") == ("47", "5")
    assert value("border-accord", "score_rule") == ("pam", "")
    assert value("border-accord", "not_verifiable") == ("1", "")
    assert value("trade-pact", "score_rule") == ("g7", "")
    assert value("trade-pact", "score") == ("1.0", "1")  # G7: -1 to +1, two decimals at most
    assert value("trade-pact", "not_verifiable") == ("1", "")
    assert value("trade-pact", "party_score", "IND") == ("1.0", "1")
    trade_months = [
        r["value"] for r in rows if (r["slug"], r["figure"]) == ("trade-pact", "score_over_time")
    ]
    assert trade_months == ["-1.0", "-1.0", "-1.0", "1.0", "1.0", "1.0"]
    months = [
        (r["on"], r["value"])
        for r in rows
        if (r["slug"], r["figure"]) == ("border-accord", "score_over_time")
    ]
    assert months[:3] == [("2026-01-31", "0"), ("2026-02-28", "20"), ("2026-03-31", "47")]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"a": ["border-accord"]}, "Choose two or three agreements"),
        ({"a": ["border-accord", "trade-pact", "x", "y"]}, "at most three"),
        ({"a": ["border-accord", "never-was"]}, "No agreement you may see has the address"),
        ({"a": ["border-accord", "bad\x00slug"]}, "not an agreement"),
    ],
)
@pytest.mark.parametrize("address", [PAGE, CSV])
def test_it_refuses_with_the_reason_and_the_form(viewer_client, data, address, query, message):
    response = viewer_client.get(address, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="compare-form"' in response.content.decode()


def test_a_restricted_agreement_is_refused_like_an_unknown_one(
    viewer_client, data, restricted_agreement
):
    hidden = viewer_client.get(PAGE, {"a": ["border-accord", "secret-protocol"]})
    unknown = viewer_client.get(PAGE, {"a": ["border-accord", "secret-protocoi"]})
    assert hidden.status_code == unknown.status_code == 400
    assert "Secret protocol" not in hidden.content.decode()
    assert "Hidden deadline" not in hidden.content.decode()
    assert text(hidden).replace("secret-protocol", "X") == text(unknown).replace(
        "secret-protocoi", "X"
    )


def test_a_member_of_its_team_may_compare_a_restricted_agreement(admin_user, client, data):
    client.force_login(admin_user)
    AgreementFactory(slug="open-one")
    response = client.get(PAGE, {"a": ["open-one", "border-accord"]})
    assert response.status_code == 200


def test_anonymous_readers_are_sent_to_sign_in(client):
    assert client.get(PAGE).status_code == 302
    assert client.get(CSV, BOTH).status_code == 302


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["border-accord", "trade-pact", "secret-protocol", ""]),
            st.text(max_size=100),
        ),
        max_size=5,
    )
)
def test_any_a_parameters_give_a_page_or_a_clear_400(viewer_client, data, values):
    response = viewer_client.get(PAGE, {"a": values})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert 'id="compare-refusal"' in response.content.decode()


def _grow(agreements, each):
    for agreement in agreements:
        for _ in range(each):
            CommitmentFactory(agreement=agreement, timeline_wording="by 1 March 2026")


@pytest.mark.parametrize("each", [1, 10])
@pytest.mark.parametrize("address", [PAGE, CSV])
def test_the_queries_do_not_grow_with_the_data(
    viewer_client, django_assert_max_num_queries, each, address
):
    agreements = [AgreementFactory(slug=f"size-{n}") for n in range(3)]
    _grow(agreements, each)
    # session, user, access (role and hidden agreements), the form's choices (the page only),
    # and the selector's four
    with django_assert_max_num_queries(8 if address == PAGE else 7):
        response = viewer_client.get(address, {"a": ["size-0", "size-1", "size-2"]})
        if address == CSV:
            b"".join(response.streaming_content)
    assert response.status_code == 200


def test_the_agreements_list_and_an_agreement_page_link_to_it(viewer_client, data):
    listing = viewer_client.get(reverse("tracker:agreement-list")).content.decode()
    assert f'href="{PAGE}"' in listing
    page = viewer_client.get(data["border"].get_absolute_url()).content.decode()
    assert f'href="{PAGE}?with=border-accord"' in page


@pytest.mark.parametrize(
    ("value", "words"),
    [(1, "1 day"), (1.0, "1 day"), (42.5, "42.5 days"), (3, "3 days"), (None, "—")],
)
def test_a_delay_is_written_in_days(value, words):
    assert days(value) == words
