"""Hypothesis throws generated input at every form and filter: the answer is never a 500.

Each test shares one database transaction across its examples, which is what a real user
hammering the same page would see."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(max_size=300)
value = st.one_of(text, st.integers().map(str), st.sampled_from(["", "0", "-1", "9" * 30]))


def _never_500(response) -> None:
    assert response.status_code < 500, response.content[:500]


@FUZZ
@given(
    action=st.sampled_from(["log-evidence", "change-status", "retract-evidence", "", "x"]),
    fields=st.dictionaries(
        st.sampled_from(
            [
                "summary",
                "occurred_on",
                "source_url",
                "source_publisher",
                "source_title",
                "source_date",
                "quote",
                "stance",
                "reliability",
                "credibility",
                "status",
                "reason",
                "evidence",
                "version",
                "retraction_reason",
            ]
        ),
        value,
    ),
    htmx=st.booleans(),
)
def test_the_commitment_forms_never_fail(analyst_client, commitment, action, fields, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = analyst_client.post(
        commitment.get_absolute_url(), {"action": action, **fields}, **headers
    )
    _never_500(response)


@FUZZ
@given(
    party=st.one_of(st.sampled_from([0, 1]), value),
    fields=st.dictionaries(
        st.sampled_from(["status", "reason", "evidence", "version", "concerns_party"]), value
    ),
    htmx=st.booleans(),
)
def test_the_per_party_status_form_never_fails(analyst_client, commitment, party, fields, htmx):
    """The party posted is one of the commitment's (by position), or anything at all."""
    parties = [obligation.party_id for obligation in commitment.obligations.order_by("pk")]
    if party in (0, 1):
        party = parties[party]
    prefix = f"party-{party}-"
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = analyst_client.post(
        commitment.get_absolute_url(),
        {
            "action": "change-party-status",
            "party": party,
            **{prefix + name: item for name, item in fields.items()},
        },
        **headers,
    )
    _never_500(response)


FILTERS = [
    "q",
    "status",
    "party",
    "theme",
    "overdue",
    "due_within",
    "sort",
    "page",
    "kind",
    "priority",
    "format",
]


@FUZZ
@given(
    url_name=st.sampled_from(
        ["tracker:overview", "tracker:agreement-list", "tracker:overdue", "tracker:search"]
    ),
    params=st.dictionaries(st.sampled_from(FILTERS), value),
)
def test_the_filters_never_fail(analyst_client, commitment, url_name, params):
    _never_500(analyst_client.get(reverse(url_name), params))


@FUZZ
@given(params=st.dictionaries(st.sampled_from(FILTERS), value), htmx=st.booleans())
def test_the_agreement_table_filters_never_fail(analyst_client, commitment, params, htmx):
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "commitments-table"} if htmx else {}
    _never_500(analyst_client.get(commitment.agreement.get_absolute_url(), params, **headers))


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(
            [
                "reference",
                "title",
                "description",
                "theme",
                "priority",
                "timeline_wording",
                "deadline_milestone",
                "responsible_parties",
                "agreement",
            ]
        ),
        value,
    )
)
def test_the_admin_commitment_form_never_fails(editor_client, commitment, fields):
    data = {
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "extensions-TOTAL_FORMS": "0",
        "extensions-INITIAL_FORMS": "0",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
        **fields,
    }
    response = editor_client.post(reverse("admin:tracker_commitment_add"), data)
    _never_500(response)


@FUZZ
@given(username=text, password=text)
def test_the_login_form_never_fails(client, db, username, password):
    _never_500(client.post(reverse("login"), {"username": username, "password": password}))
