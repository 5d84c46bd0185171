from django.urls import path

from cases import api

app_name = "cases-api"
urlpatterns = [
    path("", api.CaseListApi.as_view(), name="list"),
    path("attempts/<int:pk>/", api.AttemptDetailApi.as_view(), name="attempt"),
    path("attempts/<int:pk>/tests/", api.TestOrderApi.as_view(), name="test-order"),
    path("attempts/<int:pk>/clock/", api.ClockAdvanceApi.as_view(), name="clock-advance"),
    path("attempts/<int:pk>/plan/", api.PlanSubmitApi.as_view(), name="plan"),
    path("<slug:slug>/attempts/", api.AttemptStartApi.as_view(), name="start"),
]
