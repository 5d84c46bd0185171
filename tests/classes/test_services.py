"""Joining, rosters and starting assignments: what is allowed, and bad input changing nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from edu_site.classes import services
from edu_site.classes.models import AssignmentAttempt, Dates, Enrollment
from edu_site.classes.services import ClassError
from quizzes.models import Attempt as QuizAttempt
from tests.classes.conftest import hand_in_assigned_quiz
from tests.factories import (
    AssignmentFactory,
    ClassFactory,
    ClassGroupFactory,
    EducatorFactory,
    QuizFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_learner_joins_with_the_code_typed_in_lower_case_with_spaces(klass, learner):
    typed = f" {klass.join_code[:4].lower()} {klass.join_code[4:].lower()} "

    enrollment = services.class_join(learner=learner, code=typed)

    assert enrollment.klass == klass
    assert enrollment.group is None


def test_a_group_code_puts_the_learner_in_that_group(klass, learner):
    group = services.group_create(klass=klass, name="Ward 3")

    enrollment = services.class_join(learner=learner, code=group.join_code)

    assert (enrollment.klass, enrollment.group) == (klass, group)


def test_a_regenerated_code_stops_working_and_the_new_one_works(klass, learner):
    old = klass.join_code
    new = services.join_code_regenerate(klass=klass)

    with pytest.raises(ClassError, match="regenerated no longer works"):
        services.class_join(learner=learner, code=old)
    assert not Enrollment.objects.exists()
    assert services.class_join(learner=learner, code=new).klass == klass


def test_joining_twice_is_refused_and_keeps_one_enrollment(klass, learner):
    services.class_join(learner=learner, code=klass.join_code)

    with pytest.raises(ClassError, match="already in Respiratory block"):
        services.class_join(learner=learner, code=klass.join_code)
    assert Enrollment.objects.filter(learner=learner).count() == 1


def test_a_class_of_a_term_that_ended_takes_no_one(learner, educator):
    today = timezone.localdate()
    past = TermFactory(
        name="Last spring",
        starts_on=today - timedelta(days=200),
        ends_on=today - timedelta(days=10),
    )
    old = ClassFactory(term=past, educators=[educator])

    with pytest.raises(ClassError, match="Last spring, which ended on"):
        services.class_join(learner=learner, code=old.join_code)
    assert not Enrollment.objects.exists()


def test_an_educator_cannot_join_their_own_class(klass, educator):
    with pytest.raises(ClassError, match="You teach"):
        services.class_join(learner=educator, code=klass.join_code)


def test_codes_avoid_characters_that_are_misread(klass):
    codes = {services.join_code_regenerate(klass=klass) for _ in range(20)}

    assert all(len(code) == services.CODE_LENGTH for code in codes)
    assert not set("".join(codes)) & set("01OIL")


def test_a_learner_is_added_by_email_in_any_case(klass):
    ada = UserFactory(username="ada", email="Ada@Example.org")

    enrollment = services.learner_add(klass=klass, identifier="ada@example.ORG")

    assert enrollment.learner == ada


def test_adding_an_unknown_name_says_so(klass):
    with pytest.raises(ClassError, match="nobody"):
        services.learner_add(klass=klass, identifier="nobody")


def test_removing_a_learner_keeps_their_attempts(klass, learner, enrolled, quiz_assignment):
    attempt = hand_in_assigned_quiz(learner, quiz_assignment)

    services.learner_remove(klass=klass, learner_id=learner.pk)

    assert not klass.enrollments.exists()
    assert QuizAttempt.objects.filter(pk=attempt.pk).exists()
    assert AssignmentAttempt.objects.filter(quiz_attempt=attempt).exists()


def test_a_roster_enrols_by_username_or_email_and_skips_those_already_in(klass, learner, enrolled):
    UserFactory(username="ben")
    UserFactory(username="cleo", email="cleo@example.org")
    data = f"username\nben\ncleo@example.org\n{learner.username}\n\nben\n".encode()

    result = services.roster_import(klass=klass, data=data)

    assert result.added == ["ben", "cleo"]
    assert result.already == [learner.username]
    assert klass.enrollments.count() == 3


def test_a_roster_with_one_unknown_name_imports_nobody(klass):
    UserFactory(username="ben")

    with pytest.raises(ClassError, match=r"Nothing was imported.*“bne”"):
        services.roster_import(klass=klass, data=b"ben\nbne\n")
    assert not klass.enrollments.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\xff\xfe\x00", "UTF-8"), (b"\n\n", "names no learner"), (b"x" * 300_000, "too large")],
)
def test_a_roster_that_is_not_a_list_of_names_is_refused(klass, data, message):
    with pytest.raises(ClassError, match=message):
        services.roster_import(klass=klass, data=data)


def test_only_published_content_can_be_assigned(klass):
    now = timezone.now()
    dates = Dates(now, now + timedelta(days=1), now + timedelta(days=2))

    with pytest.raises(ClassError, match="published quiz"):
        services.assignment_create(klass=klass, quiz=QuizFactory(is_published=False), dates=dates)


def test_assignment_dates_must_come_in_order(klass):
    now = timezone.now()

    with pytest.raises(ClassError, match="opens, then due, then closes"):
        services.assignment_create(
            klass=klass,
            quiz=QuizFactory(),
            dates=Dates(now, now - timedelta(days=1), now + timedelta(days=2)),
        )
    assert not klass.assignments.exists()


def test_an_assignment_cannot_be_started_before_it_opens_or_after_it_closes(
    klass, learner, enrolled
):
    now = timezone.now()
    later = AssignmentFactory(klass=klass, opens_at=now + timedelta(days=1))
    over = AssignmentFactory(
        klass=klass,
        opens_at=now - timedelta(days=9),
        due_at=now - timedelta(days=5),
        closes_at=now - timedelta(days=1),
    )

    with pytest.raises(ClassError, match="opens on"):
        services.assignment_attempt_start(learner=learner, assignment=later)
    with pytest.raises(ClassError, match="closed on"):
        services.assignment_attempt_start(learner=learner, assignment=over)
    assert not QuizAttempt.objects.exists()
    assert not AssignmentAttempt.objects.exists()


def test_a_groups_own_dates_replace_the_assignments(klass, learner):
    group = ClassGroupFactory(klass=klass)
    services.class_join(learner=learner, code=group.join_code)
    now = timezone.now()
    assignment = AssignmentFactory(klass=klass, opens_at=now + timedelta(days=3))
    services.group_dates_set(
        assignment=assignment,
        group=group,
        dates=Dates(now - timedelta(hours=1), now + timedelta(days=1), now + timedelta(days=2)),
    )

    attempt = services.assignment_attempt_start(learner=learner, assignment=assignment)

    assert attempt.assignment_link.assignment == assignment


def test_an_unfinished_attempt_is_resumed_not_doubled(learner, enrolled, quiz_assignment):
    first = services.assignment_attempt_start(learner=learner, assignment=quiz_assignment)
    again = services.assignment_attempt_start(learner=learner, assignment=quiz_assignment)

    assert again == first
    assert AssignmentAttempt.objects.count() == 1


def test_the_attempts_allowed_are_counted_per_assignment(learner, enrolled, quiz_assignment):
    hand_in_assigned_quiz(learner, quiz_assignment)
    hand_in_assigned_quiz(learner, quiz_assignment)

    with pytest.raises(ClassError, match="used all 2 attempts"):
        services.assignment_attempt_start(learner=learner, assignment=quiz_assignment)
    assert AssignmentAttempt.objects.count() == 2


def test_a_learner_outside_the_class_cannot_start_its_assignment(quiz_assignment):
    with pytest.raises(ClassError, match="another class"):
        services.assignment_attempt_start(learner=UserFactory(), assignment=quiz_assignment)


def test_an_open_quiz_attempt_made_for_another_class_is_not_taken_over(learner, quiz_assignment):
    services.class_join(learner=learner, code=quiz_assignment.klass.join_code)
    other = ClassFactory(educators=[EducatorFactory()])
    services.class_join(learner=learner, code=other.join_code)
    same_quiz = AssignmentFactory(klass=other, quiz=quiz_assignment.quiz)
    services.assignment_attempt_start(learner=learner, assignment=quiz_assignment)

    with pytest.raises(ClassError, match="for another assignment"):
        services.assignment_attempt_start(learner=learner, assignment=same_quiz)
    assert AssignmentAttempt.objects.count() == 1
