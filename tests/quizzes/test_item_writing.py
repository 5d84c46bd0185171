"""Item-writing checks warn about flaws that cue test-wise learners; they never block."""

import io
import re

import pytest
from django.core.management import call_command

from quizzes.item_writing import (
    CHECKS,
    CheckedOption,
    has_vignette,
    key_is_longest,
    question_warnings,
)
from tests.conftest import shipped_bank_load


def codes(stem: str, *options: tuple[str, bool], kind: str = "single", difficulty: int = 1):
    checked = [CheckedOption(text, right) for text, right in options]
    warnings = question_warnings(kind=kind, stem=stem, difficulty=difficulty, options=checked)
    return [warning.code for warning in warnings]


def test_a_well_written_item_raises_no_warning():
    assert (
        codes(
            "A 60-year-old woman has a cough for six weeks. Which test comes next?",
            ("Chest CT", True),
            ("Sputum culture", False),
            ("Spirometry", False),
        )
        == []
    )


def test_a_key_much_longer_than_the_distractors_is_flagged():
    options = [("A long and carefully qualified right answer", True), ("Short", False)]
    assert codes("Which one?", *options, ("Brief", False)) == ["long-key"]


def test_absolute_words_in_distractors_are_flagged_but_not_in_the_key():
    assert codes("Which?", ("Always", True), ("Often", False), ("Some", False)) == []
    assert codes("Which?", ("Often", True), ("Never", False), ("Some", False)) == ["absolute-words"]


def test_all_or_none_of_the_above_is_flagged():
    assert "all-none-above" in codes(
        "Which?", ("None of the above", True), ("Rash", False), ("Fever", False)
    )


def test_a_stem_without_a_question_is_flagged_except_for_true_false():
    options = (("Fever", True), ("Rash", False), ("Cough", False))
    assert codes("Organizing pneumonia and its symptoms.", *options) == ["stem-not-question"]
    assert codes("COP is rare.", ("True", True), ("False", False), kind="true_false") == []


def test_stem_words_that_only_the_key_repeats_are_flagged():
    assert codes(
        "Which drug causes organizing pneumonia?",
        ("Amiodarone pneumonia", True),
        ("Aspirin overdose", False),
        ("Insulin excess", False),
    ) == ["stem-words-in-key"]


def test_an_application_item_needs_a_vignette():
    options = (("Chest CT", True), ("Culture", False), ("Spirometry", False))
    assert codes("Which test comes next?", *options, difficulty=2) == ["no-vignette"]
    assert codes("A 50-year-old man coughs. Which test next?", *options, difficulty=2) == []


def test_a_vignette_gives_the_patients_age_sex_and_presentation():
    assert has_vignette("A 58-year-old woman has a cough. Which test next?")
    assert has_vignette("A man aged 70 with COP relapses at 10 mg/day. What next?")
    assert has_vignette("A 64-year-old is short of breath; her CT shows consolidation. Why?")


@pytest.mark.parametrize(
    "stem",
    [
        "Which patient most likely has organizing pneumonia?",
        "A patient taking nitrofurantoin develops biopsy-proven OP. What is the essential step?",
        "A 58-year-old's lung biopsy shows an OP pattern. What must be established first?",
        "A man with a cough for six weeks has a CT. Which finding fits OP?",
        "A 60-year-old woman asks about the weather. What do you tell her?",
        "Which CT sign is relatively specific for organizing pneumonia?",
    ],
)
def test_a_stem_missing_the_age_the_sex_or_the_presentation_is_no_vignette(stem):
    assert not has_vignette(stem)


def test_an_item_asking_which_of_several_patients_carries_its_vignettes_in_its_options():
    stem = "Four adults are referred to the chest clinic. Which patient most likely has OP?"
    patients = ["A 61-year-old man with six weeks of cough", "A 35-year-old woman with wheeze"]

    assert has_vignette(stem, patients)
    assert not has_vignette(stem, [*patients, "A smoker"])
    assert not has_vignette(stem)


def test_a_key_as_long_as_the_longest_distractor_counts_as_the_longest_option():
    def longest(*options: tuple[str, bool]) -> bool:
        return key_is_longest([CheckedOption(text, right) for text, right in options])

    assert longest(("Chest CT", True), ("Biopsy", False), ("Spirometry", False)) is False
    assert longest(("Chest CT", True), ("Biopsy", False), ("Sputum", False)) is True
    assert longest(("Chest CT", True), ("Bronchos", False)) is True


@pytest.mark.django_db
def test_the_report_on_the_shipped_bank_finds_no_warning():
    shipped_bank_load()
    out = io.StringIO()

    call_command("questions_report", stdout=out)

    lines = out.getvalue().splitlines()
    assert re.fullmatch(r"\d+ questions checked, 0 with at least one warning", lines[0])
    assert [line.split()[0] for line in lines[1:]] == ["0"] * len(CHECKS)
