from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from tracker.models import Agreement


@login_required
def floor(request):
    """The framework's floor: sign-in required, one query by primary key, a small template.

    Every page in the benchmark is reported as a multiple of this view's time."""
    agreement = get_object_or_404(Agreement.objects.only("title", "slug"), pk=request.GET["pk"])
    return render(request, "bench/floor.html", {"agreement": agreement})
