"""Factories for tests. Each app's factories live here, grouped by app."""

import factory
from django.conf import settings

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
    """A published question with choices: `correct` right ones first, then `wrong` ones.

    QuestionFactory(kind="multiple", choices__correct=2, choices__wrong=2)
    """

    class Meta:
        model = "quizzes.Question"
        skip_postgeneration_save = True

    kind = "single"
    stem = factory.Sequence(lambda n: f"Which finding fits organizing pneumonia best ({n})?")
    explanation = "Because the sources say so."
    references = "King & Lee, N Engl J Med 2022"
    status = "published"

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
    def questions(quiz, create: bool, extracted: object, **kwargs: int) -> None:
        if not create:
            return
        from quizzes.models import QuizQuestion

        questions = list(extracted or QuestionFactory.create_batch(kwargs.get("count", 0)))
        QuizQuestion.objects.bulk_create(
            QuizQuestion(quiz=quiz, question=question, order=order)
            for order, question in enumerate(questions, start=1)
        )
