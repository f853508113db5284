from functools import cached_property, partial

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class KeptCountPaginator(Paginator):
    """A paginator given its count (from figures the app keeps) instead of counting rows."""

    def __init__(self, *args, count: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._kept_count = count

    @cached_property
    def count(self) -> int:
        return self._kept_count


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        # A view may know how many rows there are without counting them (`kept_count`).
        kept_count = getattr(view, "kept_count", None)
        count = kept_count() if kept_count is not None else None
        if count is not None:
            self.django_paginator_class = partial(KeptCountPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)
