from django.urls import path

from quizzes import views

app_name = "quizzes"
urlpatterns = [
    path("", views.quiz_list, name="list"),
    path("practice/", views.practice, name="practice"),
    path("review/", views.review_queue, name="review"),
    path("attempts/<id:attempt_id>/", views.attempt_detail, name="attempt"),
    path("attempts/<id:attempt_id>/answer/", views.response_save, name="answer"),
    path("attempts/<id:attempt_id>/flag/", views.response_flag, name="flag"),
    path("attempts/<id:attempt_id>/finish/", views.attempt_finish, name="finish"),
    path("attempts/<id:attempt_id>/discard/", views.practice_discard, name="discard"),
    path("attempts/<id:attempt_id>/results/", views.attempt_results, name="results"),
    path("<slug:slug>/start/", views.attempt_start, name="start"),
    path("<slug:slug>/statistics/", views.item_analysis, name="statistics"),
]
