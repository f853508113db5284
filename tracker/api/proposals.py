"""`/api/v1/proposals/`: the evidence inbox over the API, with the evidence's permissions.
Listing needs a role; accepting and rejecting need the permission to log evidence, asked
after the proposal was found among those the user may see (404 first, then 403)."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors, services
from ..models import Credibility, Party, Proposal, ProposalState, Reliability, Stance, limits
from ..models.validators import web_url
from .filters import IntegerFilter
from .permissions import require_permission
from .serializers import EvidenceSerializer, UsernameField

PERMISSION = "tracker.add_evidence"


class ProposalSerializer(serializers.ModelSerializer):
    agreement = serializers.CharField(source="commitment.agreement.slug", read_only=True)
    reference = serializers.CharField(source="commitment.reference", read_only=True)
    title = serializers.CharField(source="item.title", read_only=True)
    excerpt = serializers.CharField(source="item.excerpt", read_only=True)
    published_on = serializers.DateField(source="item.published_on", read_only=True)
    source = serializers.IntegerField(source="item.source_id", read_only=True)
    source_name = serializers.CharField(source="item.source.name", read_only=True)
    source_reliability = serializers.CharField(source="item.source.reliability", read_only=True)
    matched_words = serializers.ListField(child=serializers.CharField(), read_only=True)
    decided_by = UsernameField(allow_null=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "commitment",
            "agreement",
            "reference",
            "state",
            "canonical_url",
            "title",
            "excerpt",
            "published_on",
            "source",
            "source_name",
            "source_reliability",
            "matched_words",
            "score",
            "reason",
            "decided_by",
            "decided_at",
            "evidence",
            "created_at",
        ]
        read_only_fields = fields


class AcceptSerializer(serializers.Serializer):
    """What a person decides (stance, credibility, whose claim: required) and what the item
    says (the rest, taken from it when left out)."""

    summary = serializers.CharField(max_length=limits.EVIDENCE_SUMMARY, required=False)
    occurred_on = serializers.DateField(required=False, allow_null=True)
    source_url = serializers.URLField(max_length=500, required=False, validators=[web_url])
    source_title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    source_publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    source_date = serializers.DateField(required=False, allow_null=True)
    quote = serializers.CharField(max_length=limits.QUOTE, required=False, allow_blank=True)
    stance = serializers.ChoiceField(choices=Stance.choices)
    reliability = serializers.ChoiceField(choices=Reliability.choices, required=False)
    credibility = serializers.ChoiceField(choices=Credibility.choices)
    claimed_by = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Party.objects.all(),
        allow_null=True,
        help_text="The code of the party whose claim it is, or null for nobody's.",
    )


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.REASON, required=False, allow_blank=True)


class ProposalFilter(django_filters.FilterSet):
    agreement = django_filters.CharFilter(
        field_name="commitment__agreement__slug", help_text="The agreement's slug."
    )
    commitment = IntegerFilter(field_name="commitment_id", help_text="The commitment's id.")
    state = django_filters.ChoiceFilter(choices=ProposalState.choices)
    source = IntegerFilter(field_name="item__source_id", help_text="The watched source's id.")


def _refused(error: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


@extend_schema_view(
    list=extend_schema(summary="Proposals from the watched sources", tags=["proposals"]),
    retrieve=extend_schema(summary="One proposal", tags=["proposals"]),
)
class ProposalViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        return (
            selectors.proposals_visible_to(self.request.user)
            .select_related("item__source", "commitment__agreement", "decided_by")
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        summary="Accept as evidence (analysts): stance, credibility and claimant required",
        tags=["proposals"],
        request=AcceptSerializer,
        responses={201: EvidenceSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request: Request, pk: str) -> Response:
        proposal = self.get_object()
        require_permission(request.user, PERMISSION)
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = _prefilled(proposal) | data.validated_data
        try:
            evidence = services.proposal_accept(proposal=proposal, by=request.user, **fields)
        except DjangoValidationError as error:
            raise _refused(error) from None
        evidence = selectors.api_evidence(request.user).get(pk=evidence.pk)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reject (analysts), with an optional reason: never proposed again",
        tags=["proposals"],
        request=RejectSerializer,
        responses={200: ProposalSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request: Request, pk: str) -> Response:
        proposal = self.get_object()
        require_permission(request.user, PERMISSION)
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.proposal_reject(
                proposal=proposal, by=request.user, reason=data.validated_data.get("reason", "")
            )
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(ProposalSerializer(self.get_queryset().get(pk=proposal.pk)).data)


def _prefilled(proposal: Proposal) -> dict:
    item = proposal.item
    return {
        "summary": item.title,
        "source_url": proposal.canonical_url,
        "source_title": item.title,
        "source_publisher": item.source.name[:200],
        "source_date": item.published_on,
        "occurred_on": item.published_on,
        "quote": item.excerpt,
        "reliability": item.source.reliability,
    }
