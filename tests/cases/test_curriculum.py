"""The curriculum: every shipped case loads, publishes, and its model plan clearly beats its
usual mistakes.

The cases are found in the shipped case files themselves, so a case added by anyone joins
these checks without touching this file; its plausible wrong plans live beside it in
fixtures/wrong_plans/<slug>.json.

Cohort size: each plan is run through ``case_preview`` on ``CURRICULUM_PATIENTS`` of the
case's patients, against the model plan on the same patients with the same seeds. The model
plan earns every rule and every outcome check against itself at any cohort size, so the
comparison rests on the wrong plan's failed rules (deterministic, apart from the spread of
ideal weights) and on its outcome ratios, whose arms share every random draw (common random
numbers), so the noise of a difference is far below that of either arm alone. 100 patients
halves the debrief's 200 and keeps about 13 cases of 4 to 6 plans each within about 20 s on
the shared 2-core machine; docs/curriculum.md prints the 200-patient figures learners meet.
"""

import json
import re
from collections import defaultdict

import pytest
from django.conf import settings
from django.core.management import call_command

from cases.checklist import publish_problems
from cases.curriculum import case_figures, preview, wrong_plans
from cases.exchange import shipped_case_slugs
from cases.models import Case
from cases.simulation import Disease

CURRICULUM_PATIENTS = 100
MARGIN_POINTS = 5
"""'Clearly' better: at least 5 of the 40 points the plan decides (30 management, 10 safety). A
mistake the engine's course cannot show (stopping a cancer treatment that is not a cause) has
to be marked by the case's rules, heavily enough to clear this."""
OP_DISEASES = {
    Disease.TYPICAL_COP,
    Disease.MILD_COP,
    Disease.FULMINANT_OP,
    Disease.FOCAL_OP,
    Disease.CICATRICIAL_OP,
    Disease.SECONDARY_OP,
}
OP_WORDS = ("organizing pneumonia", "organising pneumonia", "cop", "boop", "cryptogenic")
FIXTURES = sorted((settings.BASE_DIR / "fixtures").glob("*.json"))


def shipped_rows():
    return [(path.name, row) for path in FIXTURES for row in json.loads(path.read_text("utf-8"))]


SHIPPED_SLUGS = shipped_case_slugs()


@pytest.fixture(scope="module")
def shipped_content(django_db_setup, django_db_blocker):
    """Everything seed_demo ships, loaded once for the module and rolled back after it."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--content-only", verbosity=0)
        yield
        transaction.set_rollback(True)


def test_no_two_fixture_files_write_the_same_row():
    """loaddata overwrites a row another file already wrote, so a clash of primary keys
    between two authors' files would silently move one case's content into another's."""
    files = defaultdict(list)
    for name, row in shipped_rows():
        # A row without a pk (a reference) is found by its natural key, so the key is its id.
        files[(row["model"], row.get("pk", row["fields"].get("key")))].append(name)

    assert {key: names for key, names in files.items() if len(names) > 1} == {}


@pytest.mark.django_db
def test_seed_demo_ships_exactly_the_cases_this_module_checks(shipped_content):
    assert sorted(Case.objects.values_list("slug", flat=True)) == sorted(SHIPPED_SLUGS)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SHIPPED_SLUGS)
def test_the_case_publishes_and_its_engine_content_is_valid(shipped_content, slug):
    case = Case.objects.get(slug=slug)
    case.full_clean()
    for rule in case.management_rules.all():
        rule.full_clean()
    for parameter in case.parameters.all():
        parameter.full_clean()

    assert case.status == Case.Status.PUBLISHED
    assert publish_problems(case) == []


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SHIPPED_SLUGS)
def test_the_model_plan_scores_clearly_above_each_of_the_cases_wrong_plans(shipped_content, slug):
    assert len(wrong_plans(slug)) >= 3, f"fixtures/wrong_plans/{slug}.json needs 3 or more plans"

    model, *wrong = case_figures(slug, patients=CURRICULUM_PATIENTS)

    assert (model.management, model.safety) == (1.0, 1.0)
    beaten = {plan.name: model.points - plan.points >= MARGIN_POINTS for plan in wrong}
    assert beaten == dict.fromkeys(beaten, True), {plan.name: plan.points for plan in wrong}


@pytest.mark.django_db
def test_stopping_the_drug_alone_relapses_less_but_recovers_later_and_the_debrief_says_why(
    shipped_content,
):
    """No source reports what withdrawing the drug without steroids does; relapse comes with
    the steroid taper (SUM-DX; NEJM), so the engine's withdrawal alone relapses less and
    recovers later. The cohort figures then show the learner fewer relapses under that plan,
    so the debrief's prednisone rule must say why it still is not this patient's plan."""
    slug = "breathless-by-midsummer"
    model = preview(slug, None, name="model plan", patients=CURRICULUM_PATIENTS)
    alone_plan = wrong_plans(slug)["stop nitrofurantoin, no steroid"]
    alone = preview(slug, alone_plan, name="alone", patients=CURRICULUM_PATIENTS)
    explanation = Case.objects.get(slug=slug).management_rules.get(kind="agent_in").explanation

    assert alone.summary["relapse_5y"] < model.summary["relapse_5y"]
    assert alone.summary["mean_active_disease_days"] > model.summary["mean_active_disease_days"]
    assert model.points - alone.points >= MARGIN_POINTS
    assert "fewer patients relapse" in explanation
    assert "two weeks" in explanation


def seen_before_the_debrief(case):
    """Every text a learner meets before committing to a diagnosis (docs/authoring.md),
    starting with what the case list shows: title, web address and summary."""
    texts = [case.title, case.slug.replace("-", " "), case.summary, case.chief_complaint]
    texts.append(case.presenting_history)
    texts += [item.answer for item in case.history_items.all()]
    texts += [finding.finding for finding in case.exam_findings.all()]
    texts += [result.report for result in case.results.all()]
    for question in case.questions.all():
        texts += [question.prompt, *(option.text for option in question.options.all())]
    return texts


def named(words, texts):
    text = " ".join(" ".join(texts).lower().replace("-", " ").split())
    return [word for word in words if re.search(rf"\b{word}\b", text)]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SHIPPED_SLUGS)
def test_nothing_the_learner_sees_before_the_debrief_names_the_diagnosis(shipped_content, slug):
    """A case about a diagnosis already made (a relapse of known disease) states it in its
    presenting history, and its reports may name it; even then the case list must not."""
    case = Case.objects.get(slug=slug)
    target = case.diagnoses.get(role="target").diagnosis
    words = OP_WORDS if case.engine_disease in OP_DISEASES else (target.name.lower(),)
    texts = seen_before_the_debrief(case)
    if named(words, [case.presenting_history]):
        texts = texts[:4]

    assert named(words, texts) == []
