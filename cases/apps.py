from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Virtual patients"
    learner_record_models: tuple[str, ...] = (
        "attempt",
        "historyask",
        "testorder",
        "interpretationanswer",
        "diagnosissubmission",
        "plansubmission",
        "courseoutcome",
        "checkresult",
    )
