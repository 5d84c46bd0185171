from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("attempts/<id:pk>/", views.attempt_resume, name="resume"),
    path("attempts/<id:pk>/presentation/", views.presentation, name="presentation"),
    path("attempts/<id:pk>/history/", views.history_ask, name="history-ask"),
    path("attempts/<id:pk>/workup/begin/", views.workup_begin, name="workup-begin"),
    path("attempts/<id:pk>/workup/", views.workup, name="workup"),
    path("attempts/<id:pk>/tests/", views.test_order, name="test-order"),
    path("attempts/<id:pk>/clock/", views.clock_advance, name="clock-advance"),
    path("attempts/<id:pk>/workup/finish/", views.workup_finish, name="workup-finish"),
    path("attempts/<id:pk>/interpretation/", views.interpretation, name="interpretation"),
    path("attempts/<id:pk>/answers/", views.answer_submit, name="answer"),
    path(
        "attempts/<id:pk>/interpretation/finish/",
        views.interpretation_finish,
        name="interpretation-finish",
    ),
    path("attempts/<id:pk>/diagnosis/", views.diagnosis, name="diagnosis"),
    path("attempts/<id:pk>/plan/", views.plan, name="plan"),
    path("attempts/<id:pk>/plan/preview/", views.dose_preview, name="dose-preview"),
    path("attempts/<id:pk>/outcome/", views.outcome, name="outcome"),
    path("attempts/<id:pk>/outcome/revise/", views.plan_revise, name="plan-revise"),
    path("attempts/<id:pk>/outcome/continue/", views.outcome_continue, name="outcome-continue"),
    path("attempts/<id:pk>/outcome/finish/", views.attempt_finish, name="attempt-finish"),
    path("attempts/<id:pk>/debrief/", views.debrief, name="debrief"),
    path("attempts/<id:pk>/abandon/", views.attempt_abandon, name="abandon"),
    path("attempts/<id:pk>/discard/", views.preview_discard, name="preview-discard"),
    path("attempts/<id:pk>/review/", views.attempt_review, name="review"),
    path("<slug:slug>/", views.case_detail, name="detail"),
    path("<slug:slug>/start/", views.attempt_start, name="start"),
    path("<slug:slug>/preview/", views.preview_start, name="preview-start"),
    path("<slug:slug>/analytics/", views.analytics, name="analytics"),
]
