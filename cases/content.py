"""Freeze a case into a plain-data snapshot, and read a snapshot back in the player.

The snapshot holds everything an attempt needs (the case's own content and the catalog
entries it uses), so educators can edit the case or the catalogs without changing any
attempt that already started. Reading it costs one query however large the case is.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from cases.models import Case, CaseDiagnosis, CaseResult, Investigation
from cases.simulation import (
    CITATIONS,
    Patient,
    Plan,
    Source,
    plan_from_json,
    plan_to_json,
    recommended_plan,
)
from cases.snapshot import (
    CaseSummary,
    CitedReference,
    DiagnosisEntry,
    ExamFinding,
    HistoryItem,
    InvestigationEntry,
    ManagementRuleEntry,
    QuestionEntry,
    Snapshot,
    TherapyEntry,
)

SNAPSHOT_FORMAT = 1


def citation(source: str) -> str:
    return CITATIONS[Source(source)]


def case_snapshot(case: Case) -> Snapshot:
    """The case's content as JSON-ready data (six queries, independent of its size)."""
    results = {
        result.investigation.key: result
        for result in case.results.select_related("investigation").prefetch_related("values")
    }
    return {
        "format": SNAPSHOT_FORMAT,
        "case": {
            "title": case.title,
            "slug": case.slug,
            "summary": case.summary,
            "learning_objectives": case.learning_objectives.splitlines(),
            "chief_complaint": case.chief_complaint,
            "presenting_history": case.presenting_history,
            "presentation_source": case.presentation_source,
            "demographics": {
                "age": [case.age_min, case.age_max],
                "sex": case.sex,
                "height_cm": [case.height_min_cm, case.height_max_cm],
                "excess_weight_kg": [case.excess_weight_min_kg, case.excess_weight_max_kg],
            },
            "vitals": {
                "temperature_c": float(case.temperature_c),
                "heart_rate": case.heart_rate,
                "respiratory_rate": case.respiratory_rate,
                "blood_pressure": case.blood_pressure,
            },
            "engine_disease": case.engine_disease,
            "engine_findings": case.engine_findings,
            "target_workup_hours": case.target_workup_hours,
            "model_answer": case.model_answer,
        },
        "history": [
            {
                "key": item.key,
                "question": item.question,
                "answer": item.answer,
                "appropriateness": item.appropriateness,
                "source": item.source,
            }
            for item in case.history_items.all()
        ],
        "exam": [
            {"system": finding.system, "finding": finding.finding, "source": finding.source}
            for finding in case.exam_findings.all()
        ],
        "investigations": [
            _investigation(investigation, results.get(investigation.key))
            for investigation in Investigation.objects.all()
        ],
        "questions": [
            {
                "key": question.key,
                "investigation_key": question.result.investigation.key,
                "prompt": question.prompt,
                "multiple": question.multiple,
                "source": question.source,
                "topic": question.topic.slug if question.topic else "",
                "options": [
                    {
                        "key": option.key,
                        "text": option.text,
                        "correct": option.correct,
                        "explanation": option.explanation,
                    }
                    for option in question.options.all()
                ],
            }
            for question in case.questions.select_related(
                "result__investigation", "topic"
            ).prefetch_related("options")
        ],
        "diagnoses": [
            {
                "key": entry.diagnosis.key,
                "name": entry.diagnosis.name,
                "engine_disease": entry.diagnosis.engine_disease,
                "role": entry.role,
                "explanation": entry.explanation,
                "source": entry.source,
            }
            for entry in case.diagnoses.select_related("diagnosis")
        ],
        "therapies": [
            {
                "key": entry.therapy.key,
                "agent": entry.therapy.engine_agent,
                "name": entry.therapy.name,
                "description": entry.therapy.description,
                "source": entry.therapy.source,
            }
            for entry in case.therapies.select_related("therapy")
        ],
        "management_rules": [
            {
                "kind": rule.kind,
                "low": None if rule.low is None else float(rule.low),
                "high": None if rule.high is None else float(rule.high),
                "agents": [name.strip() for name in rule.agents.split(",") if name.strip()],
                "weight": rule.weight,
                "explanation": rule.explanation,
                "source": rule.source,
            }
            for rule in case.management_rules.all()
        ],
        "parameters": {parameter.name: parameter.value for parameter in case.parameters.all()},
        "model_plan": case_model_plan(case),
        "references": [
            {"source": reference.source, "explanation": reference.explanation}
            for reference in case.references.all()
        ],
    }


def case_model_plan(case: Case) -> dict[str, Any]:
    """The case's own recommended plan; the engine's recommendation only when none is set."""
    if case.model_plan:
        return plan_to_json(plan_from_json(case.model_plan))
    return plan_to_json(recommended_plan(case.engine_patient_check()))


def _investigation(investigation: Investigation, result: CaseResult | None) -> InvestigationEntry:
    """A catalog entry merged with this case's result, or its normal report when none."""
    entry: InvestigationEntry = {
        "key": investigation.key,
        "name": investigation.name,
        "category": investigation.category,
        "category_label": investigation.get_category_display(),
        "cost": investigation.cost,
        "turnaround_hours": investigation.turnaround_hours,
        "invasiveness": investigation.invasiveness,
        "risk_pct": float(investigation.procedural_risk_pct),
        "report": investigation.normal_report,
        "image_url": "",
        "image_alt": "",
        "appropriateness": "neutral",
        "rationale": "Not specifically helpful or harmful in this case.",
        "source": "",
        "values": [],
    }
    if result is None:
        return entry
    return {
        **entry,
        "report": result.report,
        "image_url": result.image.url if result.image else "",
        "image_alt": result.image_alt,
        "appropriateness": result.appropriateness,
        "rationale": result.rationale,
        "source": result.source,
        "values": [
            {
                "name": value.name,
                "patient_field": value.patient_field,
                "value": None if value.value is None else float(value.value),
                "text_value": value.text_value,
                "unit": value.unit,
                "low": None if value.reference_low is None else float(value.reference_low),
                "high": None if value.reference_high is None else float(value.reference_high),
            }
            for value in result.values.all()
        ],
    }


@dataclass(frozen=True)
class CaseContent:
    """Read access to a frozen snapshot, with lookups by key."""

    data: Snapshot

    @property
    def case(self) -> CaseSummary:
        return self.data["case"]

    @property
    def history(self) -> list[HistoryItem]:
        return self.data["history"]

    @property
    def exam(self) -> list[ExamFinding]:
        return self.data["exam"]

    @property
    def investigations(self) -> list[InvestigationEntry]:
        return self.data["investigations"]

    @property
    def questions(self) -> list[QuestionEntry]:
        return self.data["questions"]

    @property
    def diagnoses(self) -> list[DiagnosisEntry]:
        return self.data["diagnoses"]

    @property
    def therapies(self) -> list[TherapyEntry]:
        return self.data["therapies"]

    @property
    def management_rules(self) -> list[ManagementRuleEntry]:
        return self.data["management_rules"]

    @property
    def parameters(self) -> dict[str, float]:
        return self.data["parameters"]

    def model_plan(self, patient: Patient) -> Plan:
        """The plan the debrief compares with: the case's own, frozen with the version.

        Versions frozen before cases carried a model plan fall back to the engine's
        recommendation for the patient, which is what they were scored against then.
        """
        if "model_plan" in self.data:
            return plan_from_json(self.data["model_plan"])
        return recommended_plan(patient)

    @property
    def references(self) -> list[CitedReference]:
        return [
            {**reference, "citation": citation(reference["source"])}
            for reference in self.data["references"]
        ]

    @cached_property
    def investigation_by_key(self) -> dict[str, InvestigationEntry]:
        return {entry["key"]: entry for entry in self.investigations}

    @cached_property
    def history_by_key(self) -> dict[str, HistoryItem]:
        return {entry["key"]: entry for entry in self.history}

    @cached_property
    def question_by_key(self) -> dict[str, QuestionEntry]:
        return {entry["key"]: entry for entry in self.questions}

    @cached_property
    def diagnosis_by_key(self) -> dict[str, DiagnosisEntry]:
        return {entry["key"]: entry for entry in self.diagnoses}

    @cached_property
    def therapy_by_agent(self) -> dict[str, TherapyEntry]:
        return {entry["agent"]: entry for entry in self.therapies}

    @property
    def target_diagnosis(self) -> DiagnosisEntry:
        return next(d for d in self.diagnoses if d["role"] == CaseDiagnosis.Role.TARGET)

    def investigations_with(self, appropriateness: str) -> list[InvestigationEntry]:
        return [i for i in self.investigations if i["appropriateness"] == appropriateness]
