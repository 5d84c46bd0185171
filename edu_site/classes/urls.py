from django.urls import path

from edu_site.classes import views

app_name = "classes"
urlpatterns = [
    path("", views.class_list, name="list"),
    path("new/", views.class_create, name="new"),
    path("join/", views.class_join, name="join"),
    path("assignments/<int:assignment_id>/start/", views.assignment_start, name="start"),
    path("<int:class_id>/", views.class_detail, name="detail"),
    path("<int:class_id>/code/", views.code_regenerate, name="code"),
    path("<int:class_id>/groups/", views.group_create, name="group-create"),
    path("<int:class_id>/learners/", views.learner_add, name="learner-add"),
    path(
        "<int:class_id>/learners/<int:learner_id>/remove/",
        views.learner_remove,
        name="learner-remove",
    ),
    path("<int:class_id>/roster/", views.roster_import, name="roster"),
    path("<int:class_id>/assignments/new/", views.assignment_create, name="assignment-create"),
    path("<int:class_id>/group-dates/", views.group_dates_set, name="group-dates"),
    path("<int:class_id>/gradebook/", views.gradebook, name="gradebook"),
    path("<int:class_id>/gradebook.csv", views.gradebook_csv, name="gradebook-csv"),
    path("<int:class_id>/students/<int:learner_id>/", views.student, name="student"),
    path("<int:class_id>/attempts/case/<int:attempt_id>/", views.case_attempt, name="case-attempt"),
    path("<int:class_id>/attempts/quiz/<int:attempt_id>/", views.quiz_attempt, name="quiz-attempt"),
]
