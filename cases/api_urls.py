from django.urls import path

from cases import api

app_name = "cases-api"
urlpatterns = [
    path("", api.CaseListApi.as_view(), name="list"),
    path("attempts/<id:pk>/", api.AttemptDetailApi.as_view(), name="attempt"),
    path("attempts/<id:pk>/history/", api.HistoryAskApi.as_view(), name="history-ask"),
    path("attempts/<id:pk>/workup/begin/", api.WorkupBeginApi.as_view(), name="workup-begin"),
    path("attempts/<id:pk>/tests/", api.TestOrderApi.as_view(), name="test-order"),
    path("attempts/<id:pk>/clock/", api.ClockAdvanceApi.as_view(), name="clock-advance"),
    path("attempts/<id:pk>/workup/finish/", api.WorkupFinishApi.as_view(), name="workup-finish"),
    path("attempts/<id:pk>/answers/", api.AnswerSubmitApi.as_view(), name="answer"),
    path(
        "attempts/<id:pk>/interpretation/finish/",
        api.InterpretationFinishApi.as_view(),
        name="interpretation-finish",
    ),
    path("attempts/<id:pk>/diagnosis/", api.DiagnosisSubmitApi.as_view(), name="diagnosis"),
    path("attempts/<id:pk>/plan/", api.PlanSubmitApi.as_view(), name="plan"),
    path("attempts/<id:pk>/plan/revisions/", api.PlanReviseApi.as_view(), name="plan-revise"),
    path("attempts/<id:pk>/outcome/", api.OutcomeApi.as_view(), name="outcome"),
    path(
        "attempts/<id:pk>/outcome/continue/",
        api.OutcomeContinueApi.as_view(),
        name="outcome-continue",
    ),
    path("attempts/<id:pk>/finish/", api.AttemptFinishApi.as_view(), name="finish"),
    path("attempts/<id:pk>/debrief/", api.DebriefApi.as_view(), name="debrief"),
    path("<slug:slug>/attempts/", api.AttemptStartApi.as_view(), name="start"),
]
