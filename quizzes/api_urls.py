from django.urls import path

from quizzes import api

app_name = "quizzes-api"
urlpatterns = [
    path("", api.QuizListApi.as_view(), name="list"),
    path("attempts/<int:attempt_id>/", api.AttemptDetailApi.as_view(), name="attempt"),
    path("attempts/<int:attempt_id>/responses/", api.ResponseSaveApi.as_view(), name="answer"),
    path("attempts/<int:attempt_id>/finish/", api.AttemptFinishApi.as_view(), name="finish"),
    path("<slug:slug>/attempts/", api.AttemptStartApi.as_view(), name="start"),
    path("<slug:slug>/statistics/", api.ItemAnalysisApi.as_view(), name="statistics"),
]
