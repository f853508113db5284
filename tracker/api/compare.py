"""`/api/v1/compare/?a=..&a=..`: the comparison page's figures (`selectors.comparison_for`)
as JSON, for every role. Anything but two or three agreements the user may see is a 400
naming the reason under `a`; a hidden agreement is refused exactly as an unknown one."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors


class ScoreAtSerializer(serializers.Serializer):
    on = serializers.DateField(source="day")
    score = serializers.IntegerField()


class GroupScoreSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The theme's value or the party's code.")
    label = serializers.CharField()
    commitments = serializers.IntegerField()
    score = serializers.IntegerField(allow_null=True)
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
    commitments = serializers.IntegerField()
    score = serializers.IntegerField(allow_null=True)
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
