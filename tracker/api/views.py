"""The API's endpoints. Each queryset starts from the user's visibility (selectors), so an
agreement the user may not see, and everything in it, is a 404; each write checks the same
permission as the page's action, then calls the same service."""

from axes.helpers import get_cool_off
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, Throttled, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors, services
from ..models import Commitment, Evidence, Obligation, Party
from . import filters, serializers
from .permissions import require_permission
from .schema import ErrorSerializer

ID = r"[0-9]+"
# The agreement's own page and its writes answer with its milestones, holidays and sources.
DETAIL_ACTIONS = {"retrieve", "partial_update", "milestone"}


def _refused(error: DjangoValidationError) -> ValidationError:
    """A service's refusal as a 400 answer, field by field."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def _cited_evidence(commitment: Commitment, pk: int | None) -> Evidence | None:
    """The commitment's evidence a request cites by id (None when it cites none), or a 400
    on `evidence` when the commitment has no such evidence."""
    if pk is None:
        return None
    evidence = commitment.evidence.filter(pk=pk).first()
    if evidence is None:
        raise ValidationError({"evidence": ["No such evidence on this commitment."]})
    return evidence


@extend_schema_view(
    list=extend_schema(summary="Parties", tags=["parties"]),
    retrieve=extend_schema(summary="One party, by code", tags=["parties"]),
)
class PartyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.PartySerializer
    queryset = Party.objects.order_by("name", "pk")
    lookup_field = "code"
    lookup_value_regex = r"[A-Z0-9][A-Z0-9-]*"


@extend_schema_view(
    list=extend_schema(summary="Agreements you may see, with their figures", tags=["agreements"]),
    retrieve=extend_schema(
        summary="One agreement, with milestones and sources", tags=["agreements"]
    ),
)
class AgreementViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_class = filters.AgreementFilter

    def get_queryset(self):
        agreements = selectors.api_agreements(self.request.user)
        if self.action in DETAIL_ACTIONS:
            agreements = agreements.prefetch_related("milestones", "holidays", "sources", "texts")
        return agreements

    def get_serializer_class(self):
        if self.action in DETAIL_ACTIONS:
            return serializers.AgreementDetailSerializer
        return serializers.AgreementSerializer

    def _detail(self, slug: str) -> Response:
        agreement = self.get_queryset().get(slug=slug)
        return Response(serializers.AgreementDetailSerializer(agreement).data)

    @extend_schema(
        summary="Change the grace period for prompt commitments (editors); the due dates follow",
        tags=["agreements"],
        request=serializers.AgreementChangeSerializer,
        responses={200: serializers.AgreementDetailSerializer},
    )
    def partial_update(self, request: Request, slug: str) -> Response:
        agreement = self.get_object()
        require_permission(request.user, "tracker.change_agreement")
        data = serializers.AgreementChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement.prompt_grace_days = data.validated_data["prompt_grace_days"]
        try:
            services.agreement_save(
                agreement=agreement, parties=agreement.parties.all(), by=request.user
            )
        except DjangoValidationError as error:
            raise _refused(error) from None
        return self._detail(slug)

    @extend_schema(
        summary="Date a milestone (editors): the deadlines counted from it follow, and those "
        "pending on it get their dates",
        tags=["agreements"],
        request=serializers.MilestoneDateSerializer,
        responses={200: serializers.MilestoneSerializer},
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"milestones/(?P<milestone_id>[0-9]+)",
        filter_backends=[],
    )
    def milestone(self, request: Request, slug: str, milestone_id: str) -> Response:
        agreement = self.get_object()
        milestone = agreement.milestones.filter(pk=int(milestone_id)).first()
        if milestone is None:
            raise NotFound("No such milestone in this agreement.")
        require_permission(request.user, "tracker.change_milestone")
        data = serializers.MilestoneDateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.milestone_set_date(
                milestone=milestone, date=data.validated_data["date"], by=request.user
            )
        except DjangoValidationError as error:
            raise _refused(error) from None
        milestone.refresh_from_db()
        return Response(serializers.MilestoneSerializer(milestone).data)


# Query parameters that do not narrow a list.
PAGING_PARAMETERS = {"page", "page_size", "format"}


@extend_schema_view(
    list=extend_schema(summary="Commitments you may see, filtered", tags=["commitments"]),
    retrieve=extend_schema(summary="One commitment", tags=["commitments"]),
)
class CommitmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CommitmentSerializer
    filterset_class = filters.CommitmentFilter
    lookup_value_regex = ID

    def get_queryset(self):
        return selectors.api_commitments(self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.with_page_rows(list(page))

    def kept_count(self) -> int | None:
        """Unfiltered, the visible commitments are as many as their agreements' kept counts
        say: one sum over the agreements instead of counting every visible commitment (the
        page's one query whose cost grew with the data)."""
        if set(self.request.query_params) - PAGING_PARAMETERS:
            return None
        return selectors.commitments_visible_count(self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.CommitmentDetailSerializer
        return serializers.CommitmentSerializer

    def get_object(self) -> Commitment:
        commitment = selectors.with_page_rows([super().get_object()])[0]
        commitment.recent_periods = selectors.commitment_recent_periods(
            commitment, today=timezone.localdate()
        )
        return commitment

    def _commitment(self) -> Commitment:
        """The commitment of a POST: 404 if not visible, then the permission (403). Read
        with its agreement alone (`api_commitments_to_write`), not as the list shows it."""
        queryset = selectors.api_commitments_to_write(self.request.user)
        commitment = get_object_or_404(queryset, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, commitment)
        return commitment

    @extend_schema(
        summary="Change the status (analysts): a reason, optionally cited evidence, and "
        "the version you read",
        tags=["commitments"],
        request=serializers.StatusChangeRequestSerializer,
        responses={
            201: serializers.StatusChangeSerializer,
            409: OpenApiResponse(
                serializers.StatusConflictSerializer,
                description="Someone changed the commitment since you read it; nothing was "
                "saved. The answer gives its current status and version.",
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="status", filter_backends=[])
    def change_status(self, request: Request, pk: str) -> Response:
        commitment = self._commitment()
        require_permission(request.user, "tracker.add_statuschange")
        data = serializers.StatusChangeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = _cited_evidence(commitment, data.validated_data.get("evidence"))
        try:
            change = services.commitment_set_status(
                commitment=commitment,
                status=data.validated_data["status"],
                reason=data.validated_data["reason"],
                evidence=evidence,
                expected_version=data.validated_data["version"],
                by=request.user,
                unmet_criteria_reason=data.validated_data["unmet_criteria_reason"],
            )
        except services.StatusConflict as conflict:
            current = Commitment.objects.values("status", "version").get(pk=commitment.pk)
            return Response({"detail": str(conflict), **current}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(
            serializers.StatusChangeSerializer(change).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Change one responsible party's status (analysts): a reason, optionally cited "
        "evidence, and that party's version you read; the commitment's status is derived",
        tags=["commitments"],
        request=serializers.ObligationStatusRequestSerializer,
        responses={
            201: serializers.StatusChangeSerializer,
            409: OpenApiResponse(
                serializers.StatusConflictSerializer,
                description="Someone moved this party's status since you read it; nothing "
                "was saved. The answer gives its current status and version.",
            ),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"obligations/(?P<party>[A-Z0-9][A-Z0-9-]*)/status",
        filter_backends=[],
    )
    def change_party_status(self, request: Request, pk: str, party: str) -> Response:
        commitment = self._commitment()
        require_permission(request.user, "tracker.add_statuschange")
        obligation = (
            commitment.obligations.select_related("party").filter(party__code=party).first()
        )
        if obligation is None:
            raise NotFound(f"{party} is not responsible for this commitment.")
        data = serializers.ObligationStatusRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = _cited_evidence(commitment, data.validated_data.get("evidence"))
        try:
            change = services.obligation_set_status(
                commitment=commitment,
                party=obligation.party,
                status=data.validated_data["status"],
                reason=data.validated_data["reason"],
                evidence=evidence,
                expected_version=data.validated_data["version"],
                by=request.user,
                unmet_criteria_reason=data.validated_data["unmet_criteria_reason"],
            )
        except services.ObligationConflict as conflict:
            current = Obligation.objects.values("status", "version").get(pk=obligation.pk)
            return Response({"detail": str(conflict), **current}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(
            serializers.StatusChangeSerializer(change).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Add a completion criterion (editors)",
        tags=["commitments"],
        request=serializers.CriterionAddSerializer,
        responses={201: serializers.CriterionSerializer},
    )
    @action(detail=True, methods=["post"], url_path="criteria", filter_backends=[])
    def add_criterion(self, request: Request, pk: str) -> Response:
        commitment = self._commitment()
        require_permission(request.user, "tracker.add_criterion")
        data = serializers.CriterionAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            criterion = services.criterion_add(
                commitment=commitment, text=data.validated_data["text"], by=request.user
            )
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(
            serializers.CriterionSerializer(criterion).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Mark a completion criterion met, citing evidence, or not met (analysts)",
        tags=["commitments"],
        request=serializers.CriterionMetSerializer,
        responses={200: serializers.CriterionSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"criteria/(?P<criterion_id>[0-9]{1,18})/met",
        filter_backends=[],
    )
    def criterion_met(self, request: Request, pk: str, criterion_id: str) -> Response:
        commitment = self._commitment()
        require_permission(request.user, "tracker.change_criterion")
        criterion = commitment.criteria.filter(pk=criterion_id).first()
        if criterion is None:
            raise NotFound("No such criterion on this commitment.")
        data = serializers.CriterionMetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        evidence = _cited_evidence(commitment, values.get("evidence"))
        try:
            if values["met"]:
                services.criterion_set_met(
                    criterion=criterion,
                    met_on=values.get("met_on"),
                    evidence=evidence,
                    by=request.user,
                )
            else:
                services.criterion_set_unmet(criterion=criterion, by=request.user)
        except DjangoValidationError as error:
            raise _refused(error) from None
        return Response(serializers.CriterionSerializer(criterion).data)

    @extend_schema(
        summary="Log evidence against the commitment (analysts)",
        tags=["evidence"],
        request=serializers.EvidenceLogSerializer,
        responses={201: serializers.EvidenceSerializer},
    )
    @action(detail=True, methods=["post"], url_path="evidence", filter_backends=[])
    def log_evidence(self, request: Request, pk: str) -> Response:
        commitment = self._commitment()
        require_permission(request.user, "tracker.add_evidence")
        data = serializers.EvidenceLogSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        try:
            services.evidence_check_dates(
                occurred_on=fields.get("occurred_on"), source_date=fields.get("source_date")
            )
            evidence = services.evidence_log(commitment=commitment, by=request.user, **fields)
        except DjangoValidationError as error:
            raise _refused(error) from None
        # Answered from what was just written: its commitment (with the agreement), its
        # author and its parties are the instances at hand.
        return Response(
            serializers.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(
    list=extend_schema(summary="Evidence on commitments you may see", tags=["evidence"]),
    retrieve=extend_schema(summary="One piece of evidence", tags=["evidence"]),
)
class EvidenceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.EvidenceSerializer
    filterset_class = filters.EvidenceFilter
    lookup_value_regex = ID

    def get_queryset(self):
        return selectors.api_evidence(self.request.user)

    @extend_schema(
        summary="Retract evidence with a reason (analysts): it stays in the record",
        tags=["evidence"],
        request=serializers.RetractSerializer,
        responses={200: serializers.EvidenceSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def retract(self, request: Request, pk: str) -> Response:
        evidence = self.get_object()
        require_permission(request.user, "tracker.change_evidence")
        data = serializers.RetractSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.evidence_retract(
                evidence=evidence, reason=data.validated_data["reason"], by=request.user
            )
        except DjangoValidationError as error:
            raise _refused(error) from None
        evidence = self.get_queryset().get(pk=evidence.pk)
        return Response(serializers.EvidenceSerializer(evidence).data)


@extend_schema_view(
    list=extend_schema(summary="Status changes, newest first", tags=["status changes"]),
    retrieve=extend_schema(summary="One status change", tags=["status changes"]),
)
class StatusChangeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.StatusChangeSerializer
    filterset_class = filters.StatusChangeFilter
    lookup_value_regex = ID

    def get_queryset(self):
        return selectors.api_status_changes(self.request.user)


class TokenView(ObtainAuthToken):
    """A token for a username and password, throttled by django-axes as the sign-in page is.
    A locked-out username and address is a 429 there, and here too: Axes marks the request
    that `authenticate` was given, which is this DRF request, never seen by its middleware."""

    @extend_schema(
        summary="A token for a username and password",
        tags=["auth"],
        responses={
            200: AuthTokenSerializer,
            429: OpenApiResponse(
                ErrorSerializer,
                description="Too many failed attempts for this username from this address: "
                "refused, even with the right password, until the wait in Retry-After is over.",
            ),
        },
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                raise Throttled(
                    wait=get_cool_off(request).total_seconds(),
                    detail="Too many failed sign-ins for this username from this address.",
                ) from None
            raise
