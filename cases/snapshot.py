"""The shape of a frozen case snapshot, as `cases.content.case_snapshot` writes it.

A snapshot is JSON in `CaseVersion.snapshot`, so every field is a plain value. Attempts
keep playing the snapshot they started with, so a key may be added here only as
`NotRequired` (older snapshots lack it); renaming or removing one breaks them.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class Demographics(TypedDict):
    """Ranges the engine draws each attempt's patient from: [lowest, highest]."""

    age: list[int]
    sex: str
    height_cm: list[int]
    excess_weight_kg: list[int]


class Vitals(TypedDict):
    temperature_c: float
    heart_rate: int
    respiratory_rate: int
    blood_pressure: str


class CaseSummary(TypedDict):
    title: str
    slug: str
    summary: str
    learning_objectives: list[str]
    chief_complaint: str
    presenting_history: str
    presentation_source: str
    demographics: Demographics
    vitals: Vitals
    engine_disease: str
    engine_findings: dict[str, float | str]
    """The engine's findings at presentation by field name (a number, or a pattern's name)."""
    target_workup_hours: int
    model_answer: str


class HistoryItem(TypedDict):
    key: str
    question: str
    answer: str
    appropriateness: str
    source: str


class ExamFinding(TypedDict):
    system: str
    finding: str
    source: str


class ResultValue(TypedDict):
    """One measured value of a result; `patient_field` names the engine field it shows."""

    name: str
    patient_field: str
    value: float | None
    text_value: str
    unit: str
    low: float | None
    high: float | None


class InvestigationEntry(TypedDict):
    """A catalog investigation merged with this case's result (or its normal report)."""

    key: str
    name: str
    category: str
    category_label: str
    cost: int
    turnaround_hours: int
    invasiveness: str
    risk_pct: float
    report: str
    image_url: str
    image_alt: str
    appropriateness: str
    rationale: str
    source: str
    values: list[ResultValue]


class QuestionOption(TypedDict):
    key: str
    text: str
    correct: bool
    explanation: str


class QuestionEntry(TypedDict):
    """An interpretation question, asked once its investigation's result is back."""

    key: str
    investigation_key: str
    prompt: str
    multiple: bool
    source: str
    topic: str
    options: list[QuestionOption]


class DiagnosisEntry(TypedDict):
    key: str
    name: str
    engine_disease: str
    role: str
    explanation: str
    source: str


class TherapyEntry(TypedDict):
    key: str
    agent: str
    name: str
    description: str
    source: str


class ManagementRuleEntry(TypedDict):
    kind: str
    low: float | None
    high: float | None
    agents: list[str]
    weight: int
    explanation: str
    source: str


class ReferenceEntry(TypedDict):
    source: str
    explanation: str


class SourceEntry(TypedDict):
    """A cited reference as the learner sees it: its citation, and where to read it."""

    citation: str
    link: str


class CitedReference(ReferenceEntry):
    citation: str
    link: str


class Snapshot(TypedDict):
    format: int
    case: CaseSummary
    history: list[HistoryItem]
    exam: list[ExamFinding]
    investigations: list[InvestigationEntry]
    questions: list[QuestionEntry]
    diagnoses: list[DiagnosisEntry]
    therapies: list[TherapyEntry]
    management_rules: list[ManagementRuleEntry]
    parameters: dict[str, float]
    references: list[ReferenceEntry]
    model_plan: NotRequired[dict[str, Any]]
    """The case's recommended plan as plan JSON; versions frozen before cases had one lack it."""
    sources: NotRequired[dict[str, SourceEntry]]
    """Every reference cited, by key; versions frozen before references existed lack it and
    cite only the five sources."""
