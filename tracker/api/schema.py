"""The OpenAPI schema says which errors each operation answers, so that a client (and the
schema-driven fuzzer in the suite) can rely on every response matching it."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _invalid_input() -> dict:
    schema = build_basic_type(OpenApiTypes.OBJECT)
    schema["description"] = "Field name (or non_field_errors, or detail) to the problems found."
    schema["additionalProperties"] = {}
    return schema


class TrackerSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {"401": ErrorSerializer, "403": ErrorSerializer}
        if self.method in ("POST", "PATCH") or self._is_list_view():
            errors["400"] = _invalid_input()
        if "{" in self.path or self._is_list_view():
            errors["404"] = ErrorSerializer  # not visible to you, or a page past the last
        for code, body in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(body, code, direction=direction)
        return responses
