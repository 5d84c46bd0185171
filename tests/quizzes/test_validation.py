"""The bank's rules for a question, as the admin and the importer both apply them."""

from quizzes.validation import OptionDraft, question_problems

REFERENCE = "King & Lee, N Engl J Med 2022"


def options(*correct: bool, explained: bool = True) -> list[OptionDraft]:
    return [
        OptionDraft(text=f"Option {n}", is_correct=right, explanation="Why." if explained else "")
        for n, right in enumerate(correct, start=1)
    ]


def true_false(true_is_correct: bool) -> list[OptionDraft]:
    return [
        OptionDraft(text="True", is_correct=true_is_correct, explanation="Why."),
        OptionDraft(text="False", is_correct=not true_is_correct, explanation="Why."),
    ]


def test_a_well_formed_question_of_each_kind_passes():
    assert (
        question_problems(kind="single", options=options(True, False, False), references=REFERENCE)
        == []
    )
    assert (
        question_problems(kind="multiple", options=options(True, True, False), references=REFERENCE)
        == []
    )
    assert (
        question_problems(kind="true_false", options=true_false(False), references=REFERENCE) == []
    )


def test_single_best_answer_needs_one_key_among_three_to_six_options():
    two_keys = question_problems(kind="single", options=options(True, True), references=REFERENCE)
    seven = question_problems(
        kind="single", options=options(True, *[False] * 6), references=REFERENCE
    )

    assert two_keys == [
        "A single-best-answer question has 3 to 6 options; this one has 2.",
        "A single-best-answer question has exactly one correct option; this one has 2.",
    ]
    assert seven == ["A single-best-answer question has 3 to 6 options; this one has 7."]


def test_multiple_response_needs_a_right_and_a_wrong_option():
    none_right = question_problems(
        kind="multiple", options=options(False, False), references=REFERENCE
    )
    all_right = question_problems(
        kind="multiple", options=options(True, True), references=REFERENCE
    )

    assert none_right == ["A multiple-response question needs at least one correct option."]
    assert "needs at least one incorrect option" in all_right[0]


def test_true_false_is_exactly_true_and_false_with_one_right():
    three = [*true_false(True), OptionDraft(text="Maybe", is_correct=True, explanation="Why.")]
    both_right = [
        OptionDraft(text=t, is_correct=True, explanation="Why.") for t in ("True", "False")
    ]

    problems = question_problems(kind="true_false", options=three, references=REFERENCE)

    assert problems[0].startswith("A true/false question has exactly two options, True and False")
    assert problems[1] == "A true/false question has exactly one correct option; this one has 2."
    assert question_problems(kind="true_false", options=both_right, references=REFERENCE) == [
        "A true/false question has exactly one correct option; this one has 2."
    ]


def test_every_problem_is_reported_at_once():
    problems = question_problems(
        kind="multiple", options=options(False, False, explained=False), references="  \n"
    )

    assert problems == [
        "A multiple-response question needs at least one correct option.",
        "Explain every option, right or wrong: options 1, 2 have no explanation.",
        "Give at least one reference, one a line.",
    ]
