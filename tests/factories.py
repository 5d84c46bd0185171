"""Factories for tests. Each app's factories live here, grouped by app."""

from collections.abc import Sequence
from datetime import timedelta

import factory
from django.conf import settings
from django.utils import timezone

from edu_site.roles import educator_grant

TEST_PASSWORD = "a-long-Test-passphrase-91"


class UserFactory(factory.django.DjangoModelFactory):
    """A learner: everyone who signs up."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)


class EducatorFactory(UserFactory):
    """A staff member of the Educators group, as seed_demo and admins make them."""

    username = factory.Sequence(lambda n: f"educator{n}")

    @factory.post_generation
    def educator_role(user, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            educator_grant(user)


# --- quizzes ---


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "quizzes.Topic"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda topic: topic.name.lower().replace(" ", "-"))


class QuestionFactory(factory.django.DjangoModelFactory):
    """A ready question with choices: `correct` right ones first, then `wrong` ones.

    QuestionFactory(kind="multiple", choices__correct=2, choices__wrong=2)
    """

    class Meta:
        model = "quizzes.Question"
        skip_postgeneration_save = True

    kind = "single"
    stem = factory.Sequence(lambda n: f"Which finding fits organizing pneumonia best ({n})?")
    explanation = "Because the sources say so."
    references = "King & Lee, N Engl J Med 2022"
    status = "ready"

    @factory.post_generation
    def choices(question, create: bool, extracted: object, **kwargs: int) -> None:
        if not create:
            return
        from quizzes.models import Choice

        correct = kwargs.get("correct", 1)
        wrong = kwargs.get("wrong", 1 if question.kind == "true_false" else 3)
        Choice.objects.bulk_create(
            Choice(
                question=question,
                text=f"Option {order}",
                is_correct=order <= correct,
                explanation=f"Why option {order} is {'right' if order <= correct else 'wrong'}.",
                order=order,
            )
            for order in range(1, correct + wrong + 1)
        )

    @factory.post_generation
    def topics(question, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            question.topics.set(extracted)


class QuizFactory(factory.django.DjangoModelFactory):
    """A published quiz; pass `questions=[...]` or `questions__count=N` to fill it."""

    class Meta:
        model = "quizzes.Quiz"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Quiz {n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    is_published = True

    @factory.post_generation
    def questions(quiz, create: bool, extracted: Sequence[object] | None, **kwargs: int) -> None:
        if not create:
            return
        from quizzes.models import QuizQuestion

        questions = list(extracted or QuestionFactory.create_batch(kwargs.get("count", 0)))
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question=question, order=order)
            for order, question in enumerate(questions, start=1)
        )


# --- cases ---
from cases.models import (  # noqa: E402
    Case,
    CaseDiagnosis,
    CaseResult,
    CaseResultValue,
    CaseTherapy,
    Diagnosis,
    InterpretationOption,
    InterpretationQuestion,
    Investigation,
    ManagementRule,
    Therapy,
)


class InvestigationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investigation
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"test-{n}")
    name = factory.LazyAttribute(lambda i: f"Test {i.key}")
    category = "laboratory"
    cost = 20
    turnaround_hours = 4
    invasiveness = "minimal"
    procedural_risk_pct = 0
    normal_report = "Within reference ranges."


class DiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnosis
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"diagnosis-{n}")
    name = factory.LazyAttribute(lambda d: d.key.replace("-", " ").capitalize())


class TherapyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Therapy
        django_get_or_create = ("engine_agent",)

    engine_agent = "prednisone"
    key = factory.LazyAttribute(lambda t: t.engine_agent)
    name = factory.LazyAttribute(lambda t: t.engine_agent.capitalize())
    source = "NEJM"


class CaseFactory(factory.django.DjangoModelFactory):
    """A small playable typical-COP case: one critical CT with a question, one extra test,
    the target diagnosis and one to exclude, prednisone, and two management rules."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Case {n}")
    slug = factory.Sequence(lambda n: f"case-{n}")
    summary = "A cough that antibiotics did not help."
    learning_objectives = "Recognise organizing pneumonia."
    difficulty = Case.Difficulty.INTRODUCTORY
    estimated_minutes = 20
    status = Case.Status.PUBLISHED
    chief_complaint = "Cough for six weeks."
    presenting_history = "A flu-like start, then cough and breathlessness."
    presentation_source = "NEJM"
    age_min, age_max = 50, 70
    height_min_cm, height_max_cm = 160, 185
    excess_weight_min_kg, excess_weight_max_kg = 0, 15
    temperature_c = "37.6"
    heart_rate, respiratory_rate = 92, 20
    blood_pressure = "130/80"
    engine_disease = "typical_cop"
    engine_findings = factory.LazyFunction(
        lambda: {
            "extent": "multifocal",
            "imaging_pattern": "consolidation",
            "fvc_pct": 68.0,
            "fev1_pct": 74.0,
            "dlco_pct": 58.0,
            "spo2_pct": 93.0,
            "pao2_mmhg": 72.0,
            "crp_mg_dl": 9.6,
            "esr_mm_h": 64.0,
            "leukocytes_per_ul": 11400.0,
            "eosinophils_per_ul": 180.0,
            "ggt_iu_l": 42.0,
            "alp_iu_l": 96.0,
            "bal_lymphocytes_pct": 34.0,
            "days_since_onset": 42,
        }
    )
    target_workup_hours = 24
    model_answer = "Organizing pneumonia; treat with prednisone and taper slowly."

    @factory.post_generation
    def content(case, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        ct = InvestigationFactory(
            key="ct", name="CT chest", category="imaging", turnaround_hours=24
        )
        InvestigationFactory(key="fbc", name="Blood count", turnaround_hours=4)
        InvestigationFactory(
            key="surgery", name="Surgical biopsy", category="histology", procedural_risk_pct=5
        )
        result = CaseResult.objects.create(
            case=case,
            investigation=ct,
            report="Peripheral consolidation with a reversed halo.",
            appropriateness="critical",
            rationale="Shows the pattern.",
            source="NEJM",
        )
        CaseResult.objects.create(
            case=case,
            investigation=Investigation.objects.get(key="surgery"),
            report="Intraluminal fibroblastic plugs.",
            appropriateness="harmful",
            rationale="Needless risk.",
            source="NEJM",
        )
        question = InterpretationQuestion.objects.create(
            case=case, result=result, key="ct-q", prompt="What favours OP?", source="NEJM"
        )
        InterpretationOption.objects.create(
            question=question, key="halo", text="Reversed halo", correct=True, explanation="Yes."
        )
        InterpretationOption.objects.create(
            question=question, key="bronchogram", text="Air bronchogram", explanation="No."
        )
        target = DiagnosisFactory(key="cop", name="Cryptogenic organizing pneumonia")
        mimic = DiagnosisFactory(key="cap", name="Community-acquired pneumonia")
        CaseDiagnosis.objects.create(
            case=case, diagnosis=target, role="target", explanation="It is.", source="NEJM"
        )
        CaseDiagnosis.objects.create(
            case=case, diagnosis=mimic, role="exclude", explanation="Main mimic.", source="NEJM"
        )
        CaseTherapy.objects.create(case=case, therapy=TherapyFactory())
        CaseTherapy.objects.create(case=case, therapy=TherapyFactory(engine_agent="clarithromycin"))
        ManagementRule.objects.create(
            case=case,
            kind="dose_per_kg_between",
            low=0.5,
            high=1,
            weight=2,
            explanation="0.5-1 mg/kg.",
            source="NEJM",
        )
        ManagementRule.objects.create(
            case=case,
            kind="course_days_at_least",
            low=180,
            weight=3,
            explanation="Six months.",
            source="NEJM",
        )


class CaseResultFactory(factory.django.DjangoModelFactory):
    """A result of a case; pass `values=[{...}, ...]` for its structured values."""

    class Meta:
        model = CaseResult
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    investigation = factory.SubFactory(InvestigationFactory)
    report = "Within reference ranges."
    appropriateness = "recommended"
    rationale = "Part of the work-up."
    source = "NEJM"

    @factory.post_generation
    def values(result, create: bool, extracted: Sequence[dict] | None, **kwargs: object) -> None:
        for position, fields in enumerate(extracted or [], start=1):
            CaseResultValue.objects.create(result=result, position=position, **fields)


class InterpretationQuestionFactory(factory.django.DjangoModelFactory):
    """A single-answer question on a result of its case, with one right and one wrong
    option; pass `options=[(text, correct), ...]` for others (an empty list for none)."""

    class Meta:
        model = InterpretationQuestion
        skip_postgeneration_save = True

    result = factory.SubFactory(CaseResultFactory)
    case = factory.LazyAttribute(lambda q: q.result.case)
    key = factory.Sequence(lambda n: f"q-{n}")
    prompt = "What does this show?"
    source = "NEJM"

    @factory.post_generation
    def options(
        question, create: bool, extracted: Sequence[tuple[str, bool]] | None, **kwargs: object
    ) -> None:
        choices = [("The right reading", True), ("A wrong reading", False)]
        for position, (text, correct) in enumerate(
            choices if extracted is None else extracted, start=1
        ):
            InterpretationOption.objects.create(
                question=question,
                key=f"option-{position}",
                text=text,
                correct=correct,
                explanation="Because.",
                position=position,
            )


# --- classes ---


class TermFactory(factory.django.DjangoModelFactory):
    """A term running from a month ago to five months ahead."""

    class Meta:
        model = "classes.Term"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Term {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=150))


class ClassFactory(factory.django.DjangoModelFactory):
    """A class of a running term; pass `educators=[...]` to say who teaches it."""

    class Meta:
        model = "classes.Class"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Class {n}")
    term = factory.SubFactory(TermFactory)
    join_code = factory.Sequence(lambda n: f"CODE{n:04d}")

    @factory.post_generation
    def educators(klass, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            klass.educators.set(extracted)


class ClassGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "classes.ClassGroup"

    klass = factory.SubFactory(ClassFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    join_code = factory.Sequence(lambda n: f"GRP{n:05d}")


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "classes.Enrollment"

    klass = factory.SubFactory(ClassFactory)
    learner = factory.SubFactory(UserFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A quiz assignment open since yesterday, due in a week and closing a week later."""

    class Meta:
        model = "classes.Assignment"

    klass = factory.SubFactory(ClassFactory)
    quiz = factory.SubFactory(QuizFactory, questions__count=2)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    attempts_allowed = 2
