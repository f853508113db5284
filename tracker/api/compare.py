"""`/api/v1/compare/?a=..&a=..`: the comparison page's figures (`selectors.comparison_for`)
as JSON, for every role. Anything but two or three agreements the user may see is a 400
naming the reason under `a`; a hidden agreement is refused exactly as an unknown one."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..models import ScoreRule

SCORE_HELP = (
    "On the agreement's `score_rule` scale, of its verifiable commitments: pam, a whole "
    "percent (0 to 100); g7, from -1 to 1 (two decimals)."
)


@extend_schema_field(OpenApiTypes.NUMBER)
class ScoreField(serializers.Field):
    """A score as the selector gives it: PAM's a whole percent (an int), G7's a mean from -1
    to +1 (a float), given to two decimals (as the agreements' `score`)."""

    def to_representation(self, value):
        return value if isinstance(value, int) else round(value, 2)


class ScoreAtSerializer(serializers.Serializer):
    on = serializers.DateField(source="day")
    score = ScoreField(help_text=SCORE_HELP)


class GroupScoreSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The theme's value or the party's code.")
    label = serializers.CharField()
    commitments = serializers.IntegerField(help_text="The verifiable ones, those scored.")
    score = ScoreField(allow_null=True, help_text=SCORE_HELP)
    over_time = ScoreAtSerializer(many=True, source="history")


class MetOnTimeSerializer(serializers.Serializer):
    percent = serializers.IntegerField(source="share", allow_null=True)
    met = serializers.IntegerField()
    decided = serializers.IntegerField()
    with_deadline = serializers.IntegerField(source="dated")
    implemented_without_recorded_date = serializers.IntegerField(source="undated")


class DelaySerializer(serializers.Serializer):
    median_days = serializers.FloatField(source="median_delay", allow_null=True)
    median_implemented_late_days = serializers.FloatField(
        source="median_late_implemented", allow_null=True
    )
    median_open_overdue_days = serializers.FloatField(source="median_open_overdue", allow_null=True)
    implemented_late_days = serializers.ListField(
        child=serializers.IntegerField(), source="late_implemented"
    )
    open_overdue_days = serializers.ListField(
        child=serializers.IntegerField(), source="open_overdue"
    )


class AgreementComparisonSerializer(serializers.Serializer):
    slug = serializers.CharField(source="agreement.slug")
    title = serializers.CharField(source="agreement.title")
    commitments = serializers.IntegerField(help_text="The verifiable ones, those scored.")
    score_rule = serializers.ChoiceField(
        choices=ScoreRule.choices,
        source="rule",
        help_text="How every score of this agreement is computed: pam (Peace Accords Matrix "
        "0-3, percent) or g7 (G7/G20 Research Group -1/0/+1, the mean); its scores over time "
        "are on the same scale.",
    )
    unscored_count = serializers.IntegerField(
        source="unscored",
        help_text="Commitments left out of the scores: not verifiable (no deadline, no "
        "criterion). Met on time and the delays count every commitment with a deadline.",
    )
    score = ScoreField(allow_null=True, help_text=SCORE_HELP)
    over_time = ScoreAtSerializer(many=True, source="history")
    themes = GroupScoreSerializer(many=True)
    parties = GroupScoreSerializer(many=True)
    met_on_time = MetOnTimeSerializer(source="timeliness")
    delay = DelaySerializer(source="timeliness")


class ComparisonSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    agreements = AgreementComparisonSerializer(many=True)


class ComparisonRefusalSerializer(serializers.Serializer):
    a = serializers.ListField(child=serializers.CharField())


class CompareView(APIView):
    @extend_schema(
        summary="Two or three agreements side by side: scores over time, by theme and by "
        "party, share met on time and median delay",
        tags=["agreements"],
        parameters=[
            OpenApiParameter(
                "a",
                OpenApiTypes.STR,
                many=True,
                required=True,
                description="An agreement's slug; two or three of them, different.",
            )
        ],
        responses={200: ComparisonSerializer, 400: ComparisonRefusalSerializer},
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        values = request.query_params.getlist("a")
        try:
            compared = selectors.comparison_for(request.user, values, today=today)
        except selectors.ComparisonRefused as refusal:
            raise ValidationError({"a": [str(refusal)]}) from None
        return Response(ComparisonSerializer({"as_of": today, "agreements": compared}).data)
