"""The publish checklist: everything that keeps a case from being played end to end.

`publish_problems(case)` reads the case as it stands in the database (its authored rows, not
a frozen snapshot) and returns every problem at once, each naming the row and the field and
saying in a sentence what is wrong. Publishing refuses a case with any problem, the case
admin shows the list as the educator edits, and `case_import` refuses a file whose case has
one. It costs a fixed number of queries whatever the size of the case.

Report text against structured values is a heuristic, described in `report_value_mismatches`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from cases.models import (
    RULE_PARAMETER_WORDS,
    Case,
    CaseDiagnosis,
    CaseResult,
    CaseResultValue,
    InterpretationQuestion,
    ManagementRule,
    Reference,
    decimal_text,
    missing_rule_parameters,
    reference_range_problem,
)
from cases.simulation import (
    AGENTS,
    Parameters,
    Patient,
    PlanError,
    Sex,
    ideal_body_weight_kg,
    plan_from_json,
)


@dataclass(frozen=True)
class Problem:
    """One reason a case cannot be published: which row, which field, and what is wrong."""

    row: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.row}, {self.field}: {self.message}"


def publish_problems(case: Case) -> list[Problem]:
    """Every problem that keeps ``case`` from being published; empty when it can be."""
    results = list(case.results.select_related("investigation").prefetch_related("values"))
    questions = list(
        case.questions.select_related("result__investigation", "result__case").prefetch_related(
            "options"
        )
    )
    diagnoses = list(case.diagnoses.all())
    agents = list(case.therapies.values_list("therapy__engine_agent", flat=True))
    rules = list(case.management_rules.all())
    parameters = dict(case.parameters.values_list("name", "value"))
    citations = _citations(case, results, questions, diagnoses, rules)
    patients, patient_problems = _patient_variants(case)
    return [
        *patient_problems,
        *_result_problems(case, results),
        *_question_problems(case, questions, results),
        *_diagnosis_problems(diagnoses),
        *_therapy_problems(agents),
        *_rule_problems(rules),
        *_parameter_problems(parameters),
        *_model_plan_problems(case, patients, agents),
        *_citation_problems(case, citations),
    ]


def _citations(
    case: Case,
    results: list[CaseResult],
    questions: list[InterpretationQuestion],
    diagnoses: list[CaseDiagnosis],
    rules: list[ManagementRule],
) -> list[tuple[str, str]]:
    """(row, reference key) for every fact of the case that cites a reference."""
    return [
        ("Case", case.presentation_source_id),
        *(
            (f"History item '{key}'", str(source))
            for key, source in case.history_items.values_list("key", "source_id")
        ),
        *(
            (f"Examination finding '{system}'", str(source))
            for system, source in case.exam_findings.values_list("system", "source_id")
        ),
        *((f"Result '{result.investigation.name}'", result.source_id) for result in results),
        *((f"Question '{question.key}'", question.source_id) for question in questions),
        *((f"Diagnosis {number}", entry.source_id) for number, entry in enumerate(diagnoses, 1)),
        *(
            (f"Management rule {number} ('{rule.get_kind_display()}')", rule.source_id)
            for number, rule in enumerate(rules, start=1)
        ),
        *(
            (f"Reference {number}", str(source))
            for number, source in enumerate(case.references.values_list("source_id", flat=True), 1)
        ),
    ]


def _citation_problems(case: Case, citations: list[tuple[str, str]]) -> list[Problem]:
    """Facts citing a reference another case owns: this case's copy would lose it."""
    owners = dict(
        Reference.objects.filter(key__in={key for _, key in citations}, case__isnull=False)
        .exclude(case=case)
        .values_list("key", "case__title")
    )
    return [
        Problem(
            row,
            "source",
            f"It cites '{key}', a reference of another case ('{owners[key]}'); cite a catalog "
            "reference or one of this case's own.",
        )
        for row, key in citations
        if key in owners
    ]


# --- the patient and the model plan ------------------------------------------------------------


def _patient_variants(case: Case) -> tuple[list[Patient], list[Problem]]:
    """The lightest and the heaviest patient the case can draw, or why the engine refuses them.

    Doses in mg/day are checked against per-kilogram ceilings, so the model plan must suit
    both ends of the case's ranges, not only the patient one attempt happens to draw.
    """
    if not isinstance(case.engine_findings, dict):
        return [], [Problem("Case", "engine findings", "The findings must be a JSON object.")]
    sexes = {"male": (Sex.MALE, Sex.MALE), "female": (Sex.FEMALE, Sex.FEMALE)}.get(
        case.sex, (Sex.FEMALE, Sex.MALE)
    )
    ends = [
        (sexes[0], case.age_min, case.height_min_cm, case.excess_weight_min_kg),
        (sexes[1], case.age_max, case.height_max_cm, case.excess_weight_max_kg),
    ]
    patients = []
    for sex, age, height, excess in ends:
        weight = max(30.0, ideal_body_weight_kg(float(height), sex) + excess)
        try:
            patients.append(
                Patient.from_dict(
                    {
                        **case.engine_findings,
                        "age": age,
                        "sex": sex.value,
                        "height_cm": float(height),
                        "weight_kg": round(weight, 1),
                        "disease": case.engine_disease,
                    }
                )
            )
        except (TypeError, ValueError) as error:
            message = f"The engine refuses the patient ({age} years, {height} cm): {error}."
            return [], [Problem("Case", "engine findings", message)]
    return patients, []


def _model_plan_problems(case: Case, patients: list[Patient], agents: list[str]) -> list[Problem]:
    if not case.model_plan:
        return []
    problems: list[Problem] = []
    for patient in patients:
        try:
            plan = plan_from_json(case.model_plan, patient)
        except PlanError as error:
            who = f"{patient.sex.value} patient of {patient.height_cm:g} cm"
            problems.extend(
                Problem("Case", "model plan", f"The engine refuses it for a {who}: {p.message}.")
                for p in error.problems
            )
            break
    else:
        if not patients:
            return []
        unoffered = sorted({order.agent for order in plan.orders} - set(agents))
        if unoffered:
            problems.append(
                Problem(
                    "Case",
                    "model plan",
                    f"It uses {', '.join(unoffered)}, which the case's therapies do not offer.",
                )
            )
    return problems


# --- questions ---------------------------------------------------------------------------------


def _question_problems(
    case: Case, questions: list[InterpretationQuestion], results: list[CaseResult]
) -> list[Problem]:
    """A question the learner could not answer, or that would score nonsense."""
    tested = {result.investigation_id for result in results}
    problems: list[Problem] = []
    for question in questions:
        row = f"Question '{question.key}'"
        result = question.result
        if result.case_id != case.pk:
            problems.append(
                Problem(
                    row,
                    "result",
                    f"It is asked on a result of another case ('{result.case.title}'); "
                    "choose one of this case's results.",
                )
            )
        if result.investigation_id not in tested:
            problems.append(
                Problem(
                    row,
                    "result",
                    f"This case has no result for {result.investigation.name}, so the "
                    "learner would never be asked it.",
                )
            )
        options = list(question.options.all())
        correct = [option for option in options if option.correct]
        if not options:
            problems.append(Problem(row, "options", "Give the question its options."))
        elif not correct:
            problems.append(Problem(row, "options", "Mark at least one option correct."))
        elif len(correct) > 1 and not question.multiple:
            numbers = ", ".join(str(options.index(option) + 1) for option in correct)
            problems.append(
                Problem(
                    row,
                    "options",
                    f"Options {numbers} are all marked correct, but the question takes one "
                    "answer; mark one, or let it take several.",
                )
            )
        problems.extend(
            Problem(f"{row} option {number}", "text", "Write the option's text.")
            for number, option in enumerate(options, start=1)
            if not option.text.strip()
        )
    return problems


# --- diagnoses, therapies, rules and parameters ------------------------------------------------


def _diagnosis_problems(diagnoses: list[CaseDiagnosis]) -> list[Problem]:
    targets = [entry for entry in diagnoses if entry.role == CaseDiagnosis.Role.TARGET]
    if not targets:
        return [Problem("Diagnoses", "role", "Give one diagnosis the role 'The diagnosis'.")]
    if len(targets) > 1:
        return [
            Problem(
                "Diagnoses",
                "role",
                f"{len(targets)} diagnoses have the role 'The diagnosis'; keep exactly one.",
            )
        ]
    return []


def _therapy_problems(agents: list[str]) -> list[Problem]:
    if not agents:
        return [Problem("Therapies", "therapy", "Offer at least one therapy.")]
    return [
        Problem("Therapies", "therapy", f"The engine has no agent '{agent}'.")
        for agent in agents
        if agent not in AGENTS
    ]


def _rule_problems(rules: list[ManagementRule]) -> list[Problem]:
    problems: list[Problem] = []
    for number, rule in enumerate(rules, start=1):
        row = f"Management rule {number} ('{rule.get_kind_display()}')"
        values = {"low": rule.low, "high": rule.high, "agents": rule.agent_list}
        problems.extend(
            Problem(row, name, f"A rule of this kind needs {RULE_PARAMETER_WORDS[name]}.")
            for name in missing_rule_parameters(rule.kind, values)
        )
        unknown = sorted(set(rule.agent_list) - set(AGENTS))
        if unknown:
            problems.append(
                Problem(row, "agents", f"The engine has no agent {', '.join(unknown)}.")
            )
        if rule.low is not None and rule.high is not None and rule.low > rule.high:
            problems.append(Problem(row, "high", "High must not be below low."))
    return problems


def _parameter_problems(parameters: dict[str, float]) -> list[Problem]:
    problems: list[Problem] = []
    for name, value in parameters.items():
        try:
            Parameters().with_overrides({name: value})
        except ValueError as error:
            problems.append(Problem(f"Engine parameter '{name}'", "value", f"{error}."))
    return problems


# --- results and their values ------------------------------------------------------------------


def _result_problems(case: Case, results: list[CaseResult]) -> list[Problem]:
    problems: list[Problem] = []
    if not any(result.appropriateness == "critical" for result in results):
        problems.append(
            Problem("Results", "appropriateness", "Mark at least one result as critical.")
        )
    findings = case.engine_findings if isinstance(case.engine_findings, dict) else {}
    for result in results:
        row = f"Result '{result.investigation.name}'"
        for value in result.values.all():
            backwards = reference_range_problem(value.reference_low, value.reference_high)
            if backwards:
                value_row = f"{row} value '{value.name}'"
                problems.append(Problem(value_row, "reference range", backwards))
        problems.extend(
            Problem(row, "report", message)
            for message in report_value_mismatches(result.report, result.values.all(), findings)
        )
    return problems


_NUMBER = r"\d{1,3}(?:[,\u202f\u2009 ]\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:[.,]\d+)?"
_LINKING_WORDS = (
    "at|of|is|was|were|on|in|rest|room|air|now|today|level|value|count|measured|raised|"
    "elevated|reduced|low|high|normal"
)
_AFTER = re.compile(
    rf"(?:[\s:=(]+(?:{_LINKING_WORDS})\b){{0,3}}[\s:=(]+"
    rf"(?P<sign>[<>≤≥~]\s*)?(?P<number>{_NUMBER})(?![\d.,]\d)(?P<next>\s*[^\s.,;)]+)?",
    re.IGNORECASE,
)
_UNIT_WORDS = frozenset(
    {"g", "mg", "mcg", "\u00b5g", "kg", "mmol", "l", "ml", "dl", "mm", "cm", "kpa", "mmhg"}
    | {"iu", "u", "s", "h", "min", "bpm", "percent"}
)
_OTHER_QUANTITY_WORDS = frozenset(
    {"times", "fold", "x", "\u00d7", "days", "weeks", "hours", "months", "years", "minutes"}
    | {"points", "metres", "meters"}
)


def report_value_mismatches(
    report: str, values: Iterable[CaseResultValue], findings: Mapping[str, object]
) -> list[str]:
    """Sentences for each structured value whose number the report text writes differently.

    The heuristic, chosen to catch "CRP 15.4 mg/dL" in a report whose table says 8.2 while
    leaving ordinary prose alone (a problem blocks publishing, so it must be a real one):

    - A value is looked for by its name ("CRP"), and, when the name has several words and
      begins with an abbreviation ("SpO2 at rest", "FEV1 after salbutamol"), by that first
      word too; as a whole word in any letter case, and not as part of a ratio ("FEV1/FVC").
    - The number must follow the name closely: after the separators ``:``, ``=`` or ``(``
      and at most three linking words such as "at", "of", "was", "rest", "room air",
      "raised" ("CRP 15.4", "CRP: 15.4", "SpO2 at rest 88", "CRP was raised at 15.4"). A name
      followed by other words ("CRP and ESR 64") or by a comma is not read.
    - Numbers after ``<``, ``>``, ``≤``, ``≥`` or ``~`` are limits or estimates; a number
      followed by a unit other than the value's own ("PaO2 9.1 kPa" for a value in mm Hg) is
      the same quantity in other terms; a number followed by "times", "fold", "days" and the
      like is another quantity. None of these is compared.
    - The expected number is the structured value, or the engine finding the value shows
      (``patient_field``); text values are not compared. The report's number agrees when it
      is the expected number rounded to as many decimals as the report writes ("CRP 10" for
      9.6 agrees; "15" does not). "11,400" and "11 400" read as eleven thousand four hundred,
      "15,4" as 15.4.
    """
    mismatches = []
    for value in values:
        expected = _expected_number(value, findings)
        if expected is None:
            continue
        for label in _labels(value.name):
            written = _first_disagreement(report, label, expected, value.unit)
            if written is not None:
                unit = f" {value.unit}" if value.unit else ""
                mismatches.append(
                    f"The report gives {label} as {written}, but the value '{value.name}' "
                    f"is {decimal_text(expected)}{unit}; write the number once, in the value."
                )
                break
    return mismatches


def _expected_number(value: CaseResultValue, findings: Mapping[str, object]) -> Decimal | None:
    if value.patient_field:
        finding = findings.get(value.patient_field)
        if isinstance(finding, int | float) and not isinstance(finding, bool):
            return Decimal(str(finding))
        return None
    return None if value.value is None else Decimal(value.value)


def _labels(name: str) -> list[str]:
    """The name, and its first word when that is an abbreviation (a digit, or a capital
    after its first letter: SpO2, pH, CRP)."""
    words = name.split()
    labels = [name.strip()] if name.strip() else []
    first = words[0] if words else ""
    if len(words) > 1 and (
        any(ch.isdigit() for ch in first) or any(ch.isupper() for ch in first[1:])
    ):
        labels.append(first)
    return labels


def _first_disagreement(report: str, label: str, expected: Decimal, unit: str) -> str | None:
    """The first number the report writes for ``label`` that disagrees with ``expected``."""
    mention = re.compile(rf"(?<![\w/]){re.escape(label)}(?![\w/])", re.IGNORECASE)
    for found in mention.finditer(report):
        after = _AFTER.match(report, found.end())
        if after is None or after.group("sign"):
            continue
        following = (after.group("next") or "").strip()
        if following.lower() in _OTHER_QUANTITY_WORDS:
            continue
        if _looks_like_unit(following) and unit and not _same_unit(following, unit):
            continue
        text = after.group("number")
        number, decimals = _parse_number(text)
        if round(expected, decimals) != number:
            return text
    return None


def _parse_number(text: str) -> tuple[Decimal, int]:
    """The number and how many decimals it is written with: "15,4" is 15.4, "11,400" 11400."""
    if re.fullmatch(r"\d+,\d{1,2}", text):
        text = text.replace(",", ".")
    text = re.sub(r"[,\u202f\u2009 ]", "", text)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return Decimal(text), decimals


def _looks_like_unit(word: str) -> bool:
    return bool(word) and (
        word.lower() in _UNIT_WORDS
        or any(ch in word for ch in "/%\u00b5\u00d7\u00b0\u00b3")
        or any(ch.isupper() for ch in word)
    )


def _same_unit(written: str, unit: str) -> bool:
    """Whether the word after a number starts the value's unit ("%" of "% predicted")."""
    written, unit = (re.sub(r"\s+", "", text).lower() for text in (written, unit))
    return unit.startswith(written) or written.startswith(unit)
