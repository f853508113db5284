from django.urls import path
from rest_framework.routers import DefaultRouter

from . import compare, proposals, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("parties", views.PartyViewSet, basename="api-party")
router.register("agreements", views.AgreementViewSet, basename="api-agreement")
router.register("commitments", views.CommitmentViewSet, basename="api-commitment")
router.register("evidence", views.EvidenceViewSet, basename="api-evidence")
router.register("status-changes", views.StatusChangeViewSet, basename="api-statuschange")
router.register("proposals", proposals.ProposalViewSet, basename="api-proposal")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token-obtain"),
    path("compare/", compare.CompareView.as_view(), name="api-compare"),
    *router.urls,
]
