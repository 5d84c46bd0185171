"""The publish checklist names every row that would break a learner's attempt, all at once."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.checklist import Problem, publish_problems, report_value_mismatches
from cases.errors import PublishRefused
from cases.models import CaseDiagnosis, CaseResultValue, CaseTherapy, ManagementRule
from tests.factories import (
    CaseFactory,
    CaseResultFactory,
    InterpretationQuestionFactory,
    InvestigationFactory,
)

pytestmark = pytest.mark.django_db


def where(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(problem.row, problem.field) for problem in problems]


@pytest.fixture
def case():
    return CaseFactory()


def test_a_playable_case_has_no_problem(case):
    assert publish_problems(case) == []


def test_the_shipped_case_passes_the_checklist(shipped_case):
    assert publish_problems(shipped_case) == []


def test_a_question_without_options_is_named(case):
    InterpretationQuestionFactory(key="q-bal", result=case.results.first(), options=[])

    assert where(publish_problems(case)) == [("Question 'q-bal'", "options")]


def test_a_question_without_a_correct_option_is_named(case):
    InterpretationQuestionFactory(
        key="q-bal", result=case.results.first(), options=[("A", False), ("B", False)]
    )

    [problem] = publish_problems(case)
    assert (problem.row, problem.message) == (
        "Question 'q-bal'",
        "Mark at least one option correct.",
    )


def test_a_single_answer_question_with_several_correct_options_is_named(case):
    InterpretationQuestionFactory(
        key="q-bal", result=case.results.first(), options=[("A", True), ("B", False), ("C", True)]
    )

    [problem] = publish_problems(case)
    assert problem.row == "Question 'q-bal'"
    assert problem.message.startswith("Options 1, 3 are all marked correct")


def test_a_multiple_answer_question_may_have_several_correct_options(case):
    InterpretationQuestionFactory(
        result=case.results.first(), multiple=True, options=[("A", True), ("B", True)]
    )

    assert publish_problems(case) == []


def test_an_option_without_text_is_named_by_its_number(case):
    InterpretationQuestionFactory(
        key="q-bal", result=case.results.first(), options=[("A", True), ("  ", False)]
    )

    assert where(publish_problems(case)) == [("Question 'q-bal' option 2", "text")]


def test_a_question_on_another_cases_result_is_named(case):
    other = CaseFactory(title="Another patient")
    InterpretationQuestionFactory(key="q-ct", case=case, result=other.results.first())

    problems = publish_problems(case)

    assert where(problems) == [("Question 'q-ct'", "result")]
    assert "another case ('Another patient')" in problems[0].message


def test_a_question_on_a_test_this_case_has_no_result_for_is_named(case):
    elsewhere = CaseResultFactory(investigation=InvestigationFactory(name="Sputum culture"))
    InterpretationQuestionFactory(key="q-sputum", case=case, result=elsewhere)

    problems = publish_problems(case)

    assert where(problems) == [("Question 'q-sputum'", "result")] * 2
    assert "no result for Sputum culture" in problems[1].message


def test_a_rule_missing_its_parameter_is_named(case):
    ManagementRule.objects.filter(case=case, kind="course_days_at_least").update(low=None)

    [problem] = publish_problems(case)

    assert problem.row == "Management rule 2 ('Steroid course lasts at least low days')"
    assert (problem.field, problem.message) == ("low", "A rule of this kind needs a low value.")


def test_a_reference_range_whose_low_end_is_not_below_its_high_end_is_named(case):
    result = CaseResultFactory(
        case=case,
        investigation=InvestigationFactory(name="CRP and ESR"),
        values=[{"name": "CRP", "value": 8, "reference_low": 5, "reference_high": 0.5}],
    )

    [problem] = publish_problems(case)

    assert (problem.row, problem.field) == (
        f"Result '{result.investigation.name}' value 'CRP'",
        "reference range",
    )
    assert problem.message == "The low end (5) must be below the high end (0.5)."


def test_a_report_number_that_differs_from_its_structured_value_is_named(case):
    CaseResultFactory(
        case=case,
        investigation=InvestigationFactory(name="CRP and ESR"),
        report="CRP 15.4 mg/dL and ESR 64 mm/h.",
        values=[
            {"name": "CRP", "value": Decimal("8.2"), "unit": "mg/dL"},
            {"name": "ESR", "value": 64, "unit": "mm/h"},
        ],
    )

    [problem] = publish_problems(case)

    assert (problem.row, problem.field) == ("Result 'CRP and ESR'", "report")
    assert "gives CRP as 15.4, but the value 'CRP' is 8.2 mg/dL" in problem.message


def test_a_report_number_that_differs_from_the_engine_finding_it_shows_is_named(case):
    CaseResultFactory(
        case=case,
        investigation=InvestigationFactory(name="Oximetry"),
        report="SpO2 88 % on room air.",
        values=[{"name": "SpO2 at rest", "patient_field": "spo2_pct", "unit": "%"}],
    )

    [problem] = publish_problems(case)

    assert "gives SpO2 as 88, but the value 'SpO2 at rest' is 93 %" in problem.message


@pytest.mark.parametrize(
    "report",
    [
        "CRP 9.6 mg/dL.",
        "CRP: 10 mg/dL, raised.",  # rounded to the decimals the report writes
        "CRP was raised at 9.6.",
        "CRP < 0.5 a month ago, now raised.",  # a limit, not the value
        "CRP 96 mg/L.",  # the same quantity in another unit
        "CRP 3 times the upper limit.",  # another quantity
        "CRP and ESR 64 are raised.",  # the number belongs to another word
        "FEV1/CRP 0.7.",  # a ratio
        "Inflammatory markers are raised.",  # no number at all
    ],
)
def test_the_report_heuristic_leaves_agreeing_and_unrelated_numbers_alone(report):
    value = CaseResultValue(name="CRP", patient_field="crp_mg_dl", unit="mg/dL")

    assert report_value_mismatches(report, [value], {"crp_mg_dl": 9.6}) == []


@pytest.mark.parametrize(
    ("report", "written"),
    [
        ("CRP 15.4 mg/dL.", "15.4"),
        ("CRP: 15", "15"),
        ("The CRP was raised at 15.4 today.", "15.4"),
        ("crp (15,4 mg/dL)", "15,4"),
    ],
)
def test_the_report_heuristic_finds_a_differing_number_however_it_is_written(report, written):
    value = CaseResultValue(name="CRP", patient_field="crp_mg_dl", unit="mg/dL")

    [message] = report_value_mismatches(report, [value], {"crp_mg_dl": 9.6})

    assert f"as {written}," in message


def test_thousands_separators_are_read_as_one_number():
    value = CaseResultValue(name="Leukocytes", value=Decimal(11400), unit="/µL")

    assert report_value_mismatches("Leukocytes 11,400/µL.", [value], {}) == []
    assert report_value_mismatches("Leukocytes 11 400 /µL.", [value], {}) == []
    assert report_value_mismatches("Leukocytes 14,100/µL.", [value], {}) != []


def test_a_model_plan_the_engine_refuses_for_the_lightest_patient_is_named(case):
    # 60 mg/day is within 1 mg/kg for the tallest man but not for the shortest woman.
    type(case).objects.filter(pk=case.pk).update(
        height_min_cm=150,
        model_plan={
            "orders": [{"agent": "prednisone", "dose": 60, "unit": "mg/day", "duration_days": 90}]
        },
    )
    case.refresh_from_db()

    problems = publish_problems(case)

    assert where(problems) == [("Case", "model plan")]
    assert "female patient of 150 cm" in problems[0].message


def test_a_model_plan_using_a_therapy_the_case_does_not_offer_is_named(case):
    case.model_plan = {"orders": [{"agent": "azathioprine", "dose": 1, "unit": "mg/kg/day"}]}

    [problem] = publish_problems(case)

    assert problem.message == "It uses azathioprine, which the case's therapies do not offer."


def test_engine_findings_the_engine_refuses_are_named(case):
    case.engine_findings = {**case.engine_findings, "spo2_pct": 120}

    [problem] = publish_problems(case)

    assert (problem.row, problem.field) == ("Case", "engine findings")
    assert "spo2_pct must be between 50.0 and 100.0" in problem.message


def test_a_case_without_target_therapy_or_critical_test_is_told_all_three_at_once(case):
    CaseDiagnosis.objects.filter(case=case, role="target").update(role="distractor")
    CaseTherapy.objects.filter(case=case).delete()
    case.results.update(appropriateness="recommended")

    assert where(publish_problems(case)) == [
        ("Results", "appropriateness"),
        ("Diagnoses", "role"),
        ("Therapies", "therapy"),
    ]


def test_publishing_is_refused_with_every_problem_and_freezes_nothing(case):
    CaseTherapy.objects.filter(case=case).delete()
    InterpretationQuestionFactory(key="q-bal", result=case.results.first(), options=[])

    with pytest.raises(PublishRefused) as refused:
        services.case_publish(case=case)

    assert where(refused.value.problems) == [
        ("Question 'q-bal'", "options"),
        ("Therapies", "therapy"),
    ]
    assert not case.versions.exists()


def test_the_checklist_costs_the_same_queries_for_a_small_and_a_large_case(case):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            publish_problems(case)
        return len(captured)

    small = queries()
    for number in range(8):
        result = CaseResultFactory(
            case=case, values=[{"name": "Sodium", "value": 140}, {"name": "Urea", "value": 5}]
        )
        InterpretationQuestionFactory(key=f"extra-{number}", result=result)

    assert queries() == small == 8
