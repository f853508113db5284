"""Helpers the views share: access checks that 404 what a user may not see, pagination."""

from collections.abc import Callable
from functools import cached_property, wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from .. import selectors
from ..models import Agreement, Commitment, User


def member_required(view: Callable) -> Callable:
    """Signed in and holding a role; anonymous users go to the login page, users without a
    role get 403. The role and the teams are read once per request, in one query: the header
    shows the role, and every page asks which agreements the user may see."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        selectors.read_access(request.user)
        if request.user.role is None:
            raise PermissionDenied(_("Your account has no role yet; ask an administrator."))
        return view(request, *args, **kwargs)

    return wrapper


def get_agreement_for_user(
    user: User, slug: str, *, header: bool = True, lists: bool = False
) -> Agreement:
    """The agreement, its parties read, whether the user follows it (`is_followed`) and the
    teams it is restricted to (`team_names`, read in the same query), or 404 when it does
    not exist or the user may not see it. `header=False` for a fragment below the page's
    header, which shows none of those: the agreement alone, its access checked the same.
    `lists=True`: its parties, milestones, holidays, sources, rounds and texts in the same
    query instead, for `selectors.agreement_lists`, and the rows its summary counts
    (`selectors.with_summary_rows`). The agreement page's two (the fragment's and the one
    with its lists) are read by `selectors.agreement_for_page`, compiled ahead."""
    if lists or not header:
        agreement = selectors.agreement_for_page(user, slug, header=header)
        if agreement is None:
            raise Http404("No Agreement matches the given query.")
        if not header:
            return agreement
    else:
        agreements = selectors.with_page_header(
            selectors.agreements_visible_to(user), user_id=user.pk
        )
        agreement = get_object_or_404(agreements.prefetch_related("parties"), slug=slug)
    selectors.with_team_list([agreement])
    return agreement


def get_commitment_for_user(user: User, pk: int, *, warnings: bool = True) -> Commitment:
    """The commitment with its agreement, deadline milestone and responsible parties read,
    and its warnings (at risk, stale, blocked) unless `warnings=False` (the commitment page
    reads them from what it shows, `selectors.warnings_read`), or 404."""
    if not warnings:
        return _commitment_for_user(user, pk)
    commitments = (
        selectors.commitments_visible_to(user)
        .select_related("agreement", "deadline_milestone")
        .prefetch_related("responsible_parties")
    )
    commitments = selectors.with_warnings(
        commitments, today=timezone.localdate(), now=timezone.now()
    )
    return get_object_or_404(commitments, pk=pk)


def _commitment_for_user(user: User, pk: int) -> Commitment:
    """`get_commitment_for_user` without warnings: read by its id with the lists its page
    shows, its SQL compiled once (`selectors.commitment_with_agreement`), its agreement's
    access checked against the ids the request has read, for less than the ORM builds the
    query that filters the visible commitments for."""
    commitment = selectors.commitment_with_agreement(pk)
    if commitment is None or not selectors.agreement_visible_to(user, commitment.agreement_id):
        raise Http404(f"No {Commitment._meta.object_name} matches the given query.")
    return commitment


def paginate(
    request: HttpRequest, items, per_page: int, *, cap: int | None = None, count: int | None = None
) -> Page:
    """The requested page; a page number out of range or not a number gives the nearest page.
    With a `cap`, only that many items are counted and paged through (`CappedPaginator`);
    with a `count` known already (a kept figure), the items are not counted."""
    if cap is not None:
        paginator = CappedPaginator(items, per_page, cap)
    else:
        paginator = Paginator(items, per_page)
        if count is not None:
            paginator.count = count  # a cached_property: set, it is never computed
    return paginator.get_page(request.GET.get("page"))


class WeightedPaginator(Paginator):
    """Pages of whole items: each page holds as many consecutive items as fit `budget` by
    their weights (always at least one item), so that a page has about as many rows to show
    whatever the size of each item. Takes (item, weight) pairs."""

    def __init__(self, weighted: list[tuple[object, int]], budget: int) -> None:
        self.chunks: list[list] = []
        total = 0
        for item, weight in weighted:
            if not self.chunks or (total + weight > budget and self.chunks[-1]):
                self.chunks.append([])
                total = 0
            self.chunks[-1].append(item)
            total += weight
        super().__init__([item for item, _ in weighted], per_page=1)

    @property
    def num_pages(self) -> int:
        return max(len(self.chunks), 1)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        return self._get_page(self.chunks[number - 1] if self.chunks else [], number, self)


class CappedPaginator(Paginator):
    """Counts a queryset no further than `cap` items, and pages through those; `more` says
    there were more. Counting every match of a common word (a tenth of the evidence) costs
    far more than counting to the cap."""

    def __init__(self, object_list, per_page: int, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        # Unordered: which items make up the first `cap` does not change how many there are,
        # and the sort would read every match.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def more(self) -> bool:
        return self._counted > self.cap


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """The same URL answers a page or a fragment, so caches must key on HX-Request."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def query_without_page(request: HttpRequest) -> str:
    """The current query string minus the page number, for pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def texts_for(
    request: HttpRequest, agreement, texts: list | None = None
) -> selectors.AgreementTexts:
    """The agreement's text in `?lang=` (a language it has), else the reader's, else the
    original: never a machine translation. Shared by the public agreement page. `texts`:
    the agreement's texts when read already."""
    wanted = request.GET.get("lang")
    return selectors.agreement_texts(
        agreement,
        wanted=wanted,
        reader=translation.get_language() or settings.LANGUAGE_CODE,
        texts=texts,
    )
