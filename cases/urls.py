from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("attempts/<int:pk>/", views.attempt_resume, name="resume"),
    path("attempts/<int:pk>/presentation/", views.presentation, name="presentation"),
    path("attempts/<int:pk>/history/", views.history_ask, name="history-ask"),
    path("attempts/<int:pk>/workup/begin/", views.workup_begin, name="workup-begin"),
    path("attempts/<int:pk>/workup/", views.workup, name="workup"),
    path("attempts/<int:pk>/tests/", views.test_order, name="test-order"),
    path("attempts/<int:pk>/clock/", views.clock_advance, name="clock-advance"),
    path("attempts/<int:pk>/workup/finish/", views.workup_finish, name="workup-finish"),
    path("attempts/<int:pk>/interpretation/", views.interpretation, name="interpretation"),
    path("attempts/<int:pk>/answers/", views.answer_submit, name="answer"),
    path(
        "attempts/<int:pk>/interpretation/finish/",
        views.interpretation_finish,
        name="interpretation-finish",
    ),
    path("attempts/<int:pk>/diagnosis/", views.diagnosis, name="diagnosis"),
    path("attempts/<int:pk>/plan/", views.plan, name="plan"),
    path("attempts/<int:pk>/plan/preview/", views.dose_preview, name="dose-preview"),
    path("attempts/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("attempts/<int:pk>/outcome/revise/", views.plan_revise, name="plan-revise"),
    path("attempts/<int:pk>/outcome/continue/", views.outcome_continue, name="outcome-continue"),
    path("attempts/<int:pk>/outcome/finish/", views.attempt_finish, name="attempt-finish"),
    path("attempts/<int:pk>/debrief/", views.debrief, name="debrief"),
    path("<slug:slug>/", views.case_detail, name="detail"),
    path("<slug:slug>/start/", views.attempt_start, name="start"),
    path("<slug:slug>/analytics/", views.analytics, name="analytics"),
]
