from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes and question bank"
    learner_record_models: tuple[str, ...] = ()
