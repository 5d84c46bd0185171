from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes and question bank"
    # Educators may view these learners' records but never change them (edu_site/roles.py).
    learner_record_models: tuple[str, ...] = ("attempt", "response", "responsechoice", "reviewcard")
