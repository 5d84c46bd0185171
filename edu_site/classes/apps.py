from django.apps import AppConfig


class ClassesConfig(AppConfig):
    """Classes: an educator's group of learners, their assignments and the gradebook."""

    name = "edu_site.classes"
    label = "classes"
    verbose_name = "Classes and assignments"
