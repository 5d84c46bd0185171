import io
import json
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.exchange import case_export, shipped_case_paths
from cases.models import Case
from edu_site.classes.models import Class
from edu_site.management.commands import seed_demo
from edu_site.roles import EDUCATORS_GROUP
from quizzes import bank
from quizzes.models import Question, Quiz, QuizQuestion, ReviewCard, Topic
from tests.conftest import SHIPPED_BANK_FIXTURES, SHIPPED_CASE_FIXTURES
from tests.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def fixtures_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(seed_demo, "FIXTURES_DIR", tmp_path)
    return tmp_path


def write_group_fixture(directory, name):
    rows = [{"model": "auth.group", "pk": 900, "fields": {"name": name, "permissions": []}}]
    (directory / "10_groups.json").write_text(json.dumps(rows))


def test_seed_demo_creates_both_demo_accounts_with_the_demo_password(settings, fixtures_dir):
    settings.DEMO_PASSWORD = "classroom-demo-pass"

    call_command("seed_demo")

    learner = User.objects.get(username="learner")
    educator = User.objects.get(username="educator")
    assert learner.check_password("classroom-demo-pass")
    assert not learner.is_staff
    assert educator.check_password("classroom-demo-pass")
    assert educator.is_staff
    assert educator.groups.filter(name=EDUCATORS_GROUP).exists()


def test_the_demo_accounts_have_addresses_so_a_password_reset_reaches_them(fixtures_dir):
    User.objects.create_user("learner")  # made by a release before accounts had addresses

    call_command("seed_demo")

    emails = dict(User.objects.values_list("username", "email"))
    assert emails == {"learner": "learner@example.org", "educator": "educator@example.org"}


def test_content_only_creates_no_account(fixtures_dir):
    write_group_fixture(fixtures_dir, "Shipped group")

    call_command("seed_demo", "--content-only")

    assert Group.objects.filter(name="Shipped group").exists()
    assert not User.objects.exists()


def test_seed_demo_loads_shipped_fixtures(fixtures_dir):
    write_group_fixture(fixtures_dir, "Shipped cohort")

    call_command("seed_demo")

    assert Group.objects.filter(name="Shipped cohort").exists()


def test_running_seed_demo_twice_changes_nothing(fixtures_dir):
    write_group_fixture(fixtures_dir, "Shipped cohort")
    call_command("seed_demo")
    passwords = dict(User.objects.values_list("username", "password"))

    call_command("seed_demo")

    assert dict(User.objects.values_list("username", "password")) == passwords
    assert User.objects.count() == 2
    assert Group.objects.filter(name="Shipped cohort").count() == 1


def test_seed_demo_keeps_what_an_educator_edited_since(fixtures_dir):
    write_group_fixture(fixtures_dir, "Shipped cohort")
    call_command("seed_demo")
    Group.objects.filter(pk=900).update(name="Edited by an educator")

    call_command("seed_demo")

    assert Group.objects.get(pk=900).name == "Edited by an educator"


def test_seed_demo_loads_a_fixture_again_when_the_shipped_file_changes(fixtures_dir):
    write_group_fixture(fixtures_dir, "Shipped cohort")
    call_command("seed_demo")
    write_group_fixture(fixtures_dir, "Shipped cohort, second edition")

    call_command("seed_demo")

    assert Group.objects.get(pk=900).name == "Shipped cohort, second edition"


def test_seed_demo_loads_the_real_shipped_content():
    call_command("seed_demo")

    assert User.objects.filter(username__in=["learner", "educator"]).count() == 2
    assert Case.objects.get(slug="cough-after-antibiotics").status == Case.Status.PUBLISHED
    assert Question.objects.filter(status=Question.Status.READY).count() >= 20
    assert Quiz.objects.filter(owner__isnull=True).count() >= 2
    assert Topic.objects.filter(case_questions__isnull=False).exists()


def test_seed_demo_creates_the_demo_class_once_with_a_case_and_a_quiz_assigned():
    call_command("seed_demo")
    klass = Class.objects.get(name="Demo class")
    code = klass.join_code

    call_command("seed_demo")

    assert Class.objects.filter(name="Demo class").count() == 1
    klass.refresh_from_db()
    assert klass.join_code == code
    assert list(klass.educators.values_list("username", flat=True)) == ["educator"]
    assert list(klass.learners.values_list("username", flat=True)) == ["learner"]
    assignments = list(klass.assignments.all())
    assert sorted(a.kind for a in assignments) == ["case", "quiz"]


def test_a_learners_review_card_on_a_question_the_shipped_bank_revised_follows_the_new_version():
    call_command("seed_demo")
    learner = User.objects.get(username="learner")
    replaced = Question.objects.get(pk=20)
    card = ReviewCard.objects.create(user=learner, question=replaced, due=timezone.now())
    own_quiz = QuizFactory(questions=[replaced])

    call_command("seed_demo")

    card.refresh_from_db()
    assert card.question == replaced.next_version
    assert card.question.status == Question.Status.READY
    assert list(own_quiz.questions.all()) == [replaced.next_version]


def write_case_file(directory, data, slug):
    (directory / "cases").mkdir(exist_ok=True)
    data = {**data, "case": {**data["case"], "slug": slug}}
    (directory / "cases" / f"{slug}.json").write_text(json.dumps(data))


def test_seed_demo_loads_case_files_through_the_importer_once(fixtures_dir, shipped_case):
    write_case_file(fixtures_dir, case_export(shipped_case), "shipped-copy")

    call_command("seed_demo", "--content-only")
    call_command("seed_demo", "--content-only")

    case = Case.objects.get(slug="shipped-copy")
    assert case.status == Case.Status.PUBLISHED
    assert list(case.versions.values_list("number", flat=True)) == [1]


def test_a_changed_case_file_replaces_the_case_and_publishes_a_new_version(
    fixtures_dir, shipped_case, learner
):
    data = case_export(shipped_case)
    write_case_file(fixtures_dir, data, "shipped-copy")
    call_command("seed_demo", "--content-only")
    case = Case.objects.get(slug="shipped-copy")
    attempt = services.attempt_start(user=learner, case=case)
    data["case"]["title"] = "A second edition"
    write_case_file(fixtures_dir, data, "shipped-copy")

    call_command("seed_demo", "--content-only")

    case.refresh_from_db()
    attempt.refresh_from_db()
    assert (case.pk, case.title, case.version) == (attempt.case_id, "A second edition", 2)
    assert attempt.case_version.number == 1
    assert attempt.case_version.snapshot["case"]["title"] == shipped_case.title


def test_a_case_file_the_importer_refuses_stops_seed_demo_with_its_problems(
    fixtures_dir, shipped_case
):
    data = case_export(shipped_case)
    data["therapies"] = []
    write_case_file(fixtures_dir, data, "broken")

    with pytest.raises(CommandError, match="Therapies, therapy: Offer at least one therapy"):
        call_command("seed_demo", "--content-only")

    assert not Case.objects.filter(slug="broken").exists()


def test_case_files_of_any_folder_are_found_in_their_number_order(tmp_path):
    for name in ("02-second.json", "01-first.json", "notes.txt"):
        (tmp_path / name).write_text("{}")

    names = [path.name for path in shipped_case_paths(tmp_path)]

    assert names == ["01-first.json", "02-second.json"]


def test_the_tests_load_every_shipped_fixture_file_seed_demo_loads():
    """A new catalog file joins the tests' shipped content as it joins seed_demo's."""
    shipped = set(seed_demo.FIXTURES_DIR.glob("*.json"))

    assert set(SHIPPED_CASE_FIXTURES) | set(SHIPPED_BANK_FIXTURES) == shipped


def an_earlier_releases_bank() -> Question:
    """The bank as the first release shipped it (file 50 alone, its questions ready), with
    this site's own version 2 of op-q1 made in admin, as an edit of an answered question."""
    call_command(
        "loaddata", *(str(seed_demo.FIXTURES_DIR / name) for name in BANK_OF_THE_FIRST_RELEASE)
    )
    Question.objects.update(status=Question.Status.READY)
    original = Question.objects.get(family="op-q1")
    edited = Question.objects.get(pk=original.pk)
    edited.stem = "Our own wording: what must be excluded before calling OP cryptogenic?"
    return bank.question_version_create(
        edited=edited, choices=list(original.choices.all()), topics=list(original.topics.all())
    )


BANK_OF_THE_FIRST_RELEASE = ("10_topics.json", "50_quiz_bank.json")


def test_a_sites_own_version_2_of_a_shipped_question_is_kept_and_reported():
    ours = an_earlier_releases_bank()
    learner = User.objects.create_user("learner")
    card = ReviewCard.objects.create(user=learner, question=ours, due=timezone.now())
    out = io.StringIO()

    call_command("seed_demo", "--content-only", stdout=out)

    ours.refresh_from_db()
    assert ours.stem.startswith("Our own wording")
    assert (ours.version, ours.status, ours.is_superseded) == (2, Question.Status.READY, False)
    assert list(Question.objects.filter(family="op-q1").values_list("version", flat=True)) == [1, 2]
    assert not Question.objects.filter(pk=2001).exists()
    assert Question.objects.filter(family="op-q2", version=2).exists()
    quizzes_with_it = QuizQuestion.objects.filter(question__family="op-q1")
    assert quizzes_with_it.exists()
    assert set(quizzes_with_it.values_list("question", flat=True)) == {ours.pk}
    card.refresh_from_db()
    assert card.question == ours
    assert (
        "kept this site's own edits: the shipped op-q1 version 2 (question #2001) was not "
        f"loaded, because this site has its own version 2 (question #{ours.pk})."
    ) in out.getvalue()

    call_command("seed_demo", "--content-only", stdout=io.StringIO())

    assert Question.objects.filter(family="op-q1").count() == 2


def test_a_sites_own_question_on_a_shipped_key_is_not_overwritten():
    ours = QuestionFactory(pk=2001, family="our-own", stem="Which of our own findings fits?")
    out = io.StringIO()

    call_command("seed_demo", "--content-only", stdout=out)

    ours.refresh_from_db()
    assert (ours.family, ours.stem) == ("our-own", "Which of our own findings fits?")
    assert ours.choices.count() == 4
    assert not QuizQuestion.objects.filter(question=ours).exists()
    assert "#2001 here is this site's own our-own version 1" in out.getvalue()
    assert Question.objects.filter(family="op-q2", version=2).exists()


def test_a_learners_own_quiz_on_a_shipped_quizs_key_keeps_its_questions():
    """A learner's review sessions are quizzes too; a busy site's reach the keys of quizzes
    shipped later, and loading those must not take the learner's over."""
    learner = User.objects.create_user("learner")
    question = QuestionFactory(pk=5000, choices__correct=0, choices__wrong=0)
    own = QuizFactory(pk=101, slug="review-session-1", owner=learner)
    # Key 1 is also the key of a shipped quiz's first row.
    QuizQuestion.objects.create(pk=1, quiz=own, question=question, order=1)
    out = io.StringIO()

    call_command("seed_demo", "--content-only", stdout=out)

    own.refresh_from_db()
    assert (own.slug, own.owner) == ("review-session-1", learner)
    assert list(own.questions.all()) == [question]
    assert (
        "the shipped quiz 'op-diagnosis-imaging' (quiz #101) was not loaded, because #101 "
        "here is this site's own quiz 'review-session-1'."
    ) in out.getvalue()
    shipped = Quiz.objects.get(slug="op-essentials-tutor")
    assert shipped.questions.count() == 13


SHIPPED_FIXTURES = seed_demo.FIXTURES_DIR


def write_two_shipped_questions(directory, edition: str) -> None:
    """Topics and two ready shipped questions (op-q1001, op-q1002) of the real bank, each
    explanation ending with `edition`, as fixture files seed_demo loads."""
    (directory / "10_topics.json").write_bytes((SHIPPED_FIXTURES / "10_topics.json").read_bytes())
    rows = json.loads((SHIPPED_FIXTURES / "52_quiz_bank_diagnosis.json").read_bytes())
    keys = {1001, 1002}
    two = [
        row
        for row in rows
        if (row["model"] == "quizzes.question" and row["pk"] in keys)
        or (row["model"] == "quizzes.choice" and row["fields"]["question"] in keys)
    ]
    for row in two:
        if row["model"] == "quizzes.question":
            row["fields"]["explanation"] += f" ({edition})"
    (directory / "52_two_questions.json").write_text(json.dumps(two))


def admin_edit(client, question: Question, **fields) -> None:
    """Save a change of a question in admin as an educator's browser sends it."""
    from tests.quizzes.test_admin_authoring import options_of, question_form

    data = question_form(
        question,
        options_of(question),
        **{
            name: getattr(question, name)
            for name in (
                "kind",
                "explanation",
                "references",
                "learning_objective",
                "difficulty",
                "status",
                "image_alt",
            )
        },
        topics=[topic.pk for topic in question.topics.all()],
        **fields,
    )
    page = client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)
    assert page.status_code == HTTPStatus.FOUND, page.content.decode()


def test_an_educators_edit_of_a_shipped_question_survives_a_new_shipped_edition(
    fixtures_dir, educator_client
):
    write_two_shipped_questions(fixtures_dir, "first edition")
    call_command("seed_demo", "--content-only", stdout=io.StringIO())
    edited, untouched = Question.objects.get(pk=1001), Question.objects.get(pk=1002)
    admin_edit(educator_client, edited, stem="Our own wording of the vignette?")
    write_two_shipped_questions(fixtures_dir, "second edition")
    out = io.StringIO()

    call_command("seed_demo", "--content-only", stdout=out)

    edited.refresh_from_db()
    untouched.refresh_from_db()
    assert edited.stem == "Our own wording of the vignette?"
    assert edited.explanation.endswith("(first edition)")
    assert untouched.explanation.endswith("(second edition)")
    assert (
        "52_two_questions.json: kept this site's own edits: the shipped op-q1001 version 1 "
        "(question #1001) was not loaded, because it was edited here since it was shipped"
    ) in out.getvalue()
    assert "#1002" not in out.getvalue()


def test_an_edit_of_one_option_alone_is_kept_too(fixtures_dir, educator_client):
    write_two_shipped_questions(fixtures_dir, "first edition")
    call_command("seed_demo", "--content-only", stdout=io.StringIO())
    choice = Question.objects.get(pk=1002).choices.order_by("order")[0]
    choice.explanation = "Our own explanation of this option. MSD"
    choice.save()
    write_two_shipped_questions(fixtures_dir, "second edition")

    call_command("seed_demo", "--content-only", stdout=io.StringIO())

    choice.refresh_from_db()
    assert choice.explanation == "Our own explanation of this option. MSD"
    assert Question.objects.get(pk=1002).explanation.endswith("(first edition)")
    assert Question.objects.get(pk=1001).explanation.endswith("(second edition)")


def test_a_shipped_question_edited_and_put_back_as_shipped_takes_the_new_edition(
    fixtures_dir, educator_client
):
    write_two_shipped_questions(fixtures_dir, "first edition")
    call_command("seed_demo", "--content-only", stdout=io.StringIO())
    question = Question.objects.get(pk=1001)
    shipped_stem = question.stem
    admin_edit(educator_client, question, stem="A wording tried for a week?")
    admin_edit(educator_client, Question.objects.get(pk=1001), stem=shipped_stem)
    write_two_shipped_questions(fixtures_dir, "second edition")

    call_command("seed_demo", "--content-only", stdout=io.StringIO())

    assert Question.objects.get(pk=1001).explanation.endswith("(second edition)")


def test_a_question_loaded_by_an_earlier_release_counts_as_edited_when_saved_after_its_file(
    fixtures_dir, educator_client
):
    """Releases before the digest loaded questions without one: a question saved in admin
    after its file was last loaded is kept; one untouched since takes the new edition."""
    write_two_shipped_questions(fixtures_dir, "first edition")
    call_command("seed_demo", "--content-only", stdout=io.StringIO())
    Question.objects.update(shipped_digest="")
    admin_edit(educator_client, Question.objects.get(pk=1001), stem="Saved before upgrading?")
    write_two_shipped_questions(fixtures_dir, "second edition")

    call_command("seed_demo", "--content-only", stdout=io.StringIO())

    assert Question.objects.get(pk=1001).stem == "Saved before upgrading?"
    assert Question.objects.get(pk=1002).explanation.endswith("(second edition)")
    assert Question.objects.get(pk=1002).shipped_digest

    write_two_shipped_questions(fixtures_dir, "third edition")
    call_command("seed_demo", "--content-only", stdout=io.StringIO())

    assert Question.objects.get(pk=1001).stem == "Saved before upgrading?"
    assert Question.objects.get(pk=1002).explanation.endswith("(third edition)")
