from django.urls import path

from quizzes import api

app_name = "quizzes-api"
urlpatterns = [
    path("", api.QuizListApi.as_view(), name="list"),
    path("practice/", api.PracticeApi.as_view(), name="practice"),
    path("review/", api.ReviewQueueApi.as_view(), name="review"),
    path("attempts/<id:attempt_id>/", api.AttemptDetailApi.as_view(), name="attempt"),
    path("attempts/<id:attempt_id>/responses/", api.ResponseSaveApi.as_view(), name="answer"),
    path("attempts/<id:attempt_id>/flag/", api.ResponseFlagApi.as_view(), name="flag"),
    path("attempts/<id:attempt_id>/finish/", api.AttemptFinishApi.as_view(), name="finish"),
    path("attempts/<id:attempt_id>/results/", api.AttemptResultsApi.as_view(), name="results"),
    path("<slug:slug>/attempts/", api.AttemptStartApi.as_view(), name="start"),
    path("<slug:slug>/statistics/", api.ItemAnalysisApi.as_view(), name="statistics"),
]
