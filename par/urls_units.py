"""URLs of the units' and appraisers' PAR pages (namespace ``par_units``),
included from the root URLconf under ``chi-so-cchc/``, beside the
province's pages (``par.urls``)."""

from django.urls import path

from . import views_units as views

app_name = "par_units"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("scorecards/", views.ScorecardListView.as_view(), name="scorecard_list"),
    path("scorecards/<int:pk>/", views.ScorecardDetailView.as_view(), name="scorecard_detail"),
    path("scorecards/<int:pk>/propose/", views.ScorecardProposeView.as_view(), name="scorecard_propose"),
    path("scorecards/<int:pk>/submit/", views.ScorecardSubmitView.as_view(), name="scorecard_submit"),
    path("scorecards/<int:pk>/step/<slug:action>/", views.ScorecardStepView.as_view(), name="scorecard_step"),
    path("items/<int:pk>/self/", views.ItemSelfView.as_view(), name="item_self"),
    path("items/<int:pk>/text/", views.ItemTextView.as_view(), name="item_text"),
    path("items/<int:pk>/evidence/", views.EvidenceAddView.as_view(), name="evidence_add"),
    path("items/<int:pk>/proposal/", views.ProposalView.as_view(), name="proposal_decide"),
    path("items/<int:pk>/explain/", views.ItemExplainView.as_view(), name="item_explain"),
    path("items/<int:pk>/appraise/", views.ItemAppraiseView.as_view(), name="item_appraise"),
    path("evidence/<int:pk>/delete/", views.EvidenceDeleteView.as_view(), name="evidence_delete"),
    path("evidence/<int:pk>/file/", views.EvidenceFileView.as_view(), name="evidence_file"),
    path("appraisal/", views.AppraisalListView.as_view(), name="appraisal"),
    path("cycles/<int:pk>/decision/", views.DecisionDraftView.as_view(), name="decision_draft"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("results/<int:pk>/", views.ResultDetailView.as_view(), name="result_detail"),
]
