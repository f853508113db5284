"""Drafting an agreement's commitments from a pasted article: paste, review, accept.

One URL, plain form posts, no JavaScript needed. A GET shows the paste form; a POST with
`step=propose` shows the review (nothing saved); a POST with `step=accept` saves the
ticked commitments in one transaction and lands on the agreement's page, or shows the
review again with each refusal beside its field.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from .. import selectors
from ..drafting_forms import DraftReview, PasteForm

DRAFT_PERMISSIONS = ("tracker.add_agreement", "tracker.add_commitment")


@login_required
@permission_required(DRAFT_PERMISSIONS, raise_exception=True)
def draft(request: HttpRequest) -> HttpResponse:
    agreements = selectors.agreements_visible_to(request.user)
    if request.method != "POST":
        form = PasteForm(agreements=agreements, initial={"agreement": request.GET.get("agreement")})
        return render(request, "tracker/draft_paste.html", {"form": form})
    form = PasteForm(request.POST, agreements=agreements)
    if not form.is_valid():
        return render(request, "tracker/draft_paste.html", {"form": form})
    accepting = request.POST.get("step") == "accept"
    review = DraftReview(
        text=form.cleaned_data["text"],
        agreement=form.cleaned_data["agreement"],
        user=request.user,
        data=request.POST if accepting else None,
    )
    if accepting and review.is_valid() and (agreement := review.save()):
        count = sum(form.is_included for form in review.formset.forms)
        messages.success(
            request,
            ngettext(
                "%(count)s commitment added from the article.",
                "%(count)s commitments added from the article.",
                count,
            )
            % {"count": count},
        )
        return redirect(agreement)
    return render(request, "tracker/draft_review.html", {"paste_form": form, "review": review})
