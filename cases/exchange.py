"""The case exchange format: one JSON file holds a whole case, so cases move between schools.

`case_export(case)` writes everything the case holds, with the catalog entries it uses
(investigations, diagnoses, therapies, topics and references) embedded, and its result
images as base64. `case_import(data)` reads such a file back: it checks the file against
docs/case-format.schema.json, creates the catalog entries the site lacks (an entry whose key
exists is left as it is), creates the case as a draft (or publishes it), and refuses, listing
every problem and creating nothing, when the file fails the schema, a row fails its model's
checks or the case fails the publish checklist. Export, import and export again give the
same file. docs/authoring.md describes the format for people.

A case's own references are stored under keys prefixed with its slug ("<slug>-<key>"), so
the same file imports under another slug (a duplicate) without clashing; the file holds
them without the prefix.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from jsonschema.exceptions import best_match
from PIL import Image

from cases import services
from cases.checklist import Problem, publish_problems
from cases.errors import AttemptError
from cases.models import (
    REFERENCE_KEY_LENGTH,
    Case,
    CaseDiagnosis,
    CaseExamFinding,
    CaseHistoryItem,
    CaseParameter,
    CaseReference,
    CaseResult,
    CaseResultValue,
    CaseTherapy,
    Diagnosis,
    InterpretationOption,
    InterpretationQuestion,
    Investigation,
    ManagementRule,
    Reference,
    Therapy,
)
from quizzes.models import Topic

FORMAT = "op-virtual-patient-case"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "case-format.schema.json"
SHIPPED_CASES_DIR = Path(settings.BASE_DIR) / "fixtures" / "cases"
"""The shipped cases, one exchange-format file each; the number prefix is the order seed_demo
loads them in, so the demo class gets the first and the case list's ids follow the curriculum."""
IMPORT_MAX_BYTES = 10 * 1024 * 1024
"""Largest file accepted: a case with a few embedded scans is well under it."""
MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}

CASE_FIELDS = (
    "title",
    "summary",
    "learning_objectives",
    "difficulty",
    "estimated_minutes",
    "chief_complaint",
    "presenting_history",
    "age_min",
    "age_max",
    "sex",
    "height_min_cm",
    "height_max_cm",
    "excess_weight_min_kg",
    "excess_weight_max_kg",
    "temperature_c",
    "heart_rate",
    "respiratory_rate",
    "blood_pressure",
    "engine_disease",
    "engine_findings",
    "target_workup_hours",
    "model_answer",
    "model_plan",
)
INVESTIGATION_FIELDS = (
    "key",
    "name",
    "category",
    "cost",
    "turnaround_hours",
    "invasiveness",
    "procedural_risk_pct",
    "description",
    "normal_report",
)


class ImportRefused(AttemptError):
    """A file that cannot be imported; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(" ".join(str(problem) for problem in problems))


# --- export ------------------------------------------------------------------------------------


def case_export(case: Case) -> dict[str, Any]:
    """Everything ``case`` holds, with the catalog entries it uses, as exchange-format data."""
    results = list(
        case.results.select_related("investigation").prefetch_related(
            "values",
            models.Prefetch(
                "questions",
                InterpretationQuestion.objects.select_related("topic").prefetch_related("options"),
            ),
        )
    )
    diagnoses = list(case.diagnoses.select_related("diagnosis"))
    therapies = list(case.therapies.select_related("therapy"))
    rules = list(case.management_rules.all())
    reading = list(case.references.all())
    history = list(case.history_items.all())
    exam = list(case.exam_findings.all())
    local = _local_key_function(case)

    rows: list[CaseHistoryItem | CaseExamFinding | CaseResult | CaseDiagnosis] = [
        *history,
        *exam,
        *results,
        *diagnoses,
    ]
    cited = {
        case.presentation_source_id,
        *(row.source_id for row in rows),
        *(rule.source_id for rule in rules),
        *(entry.source_id for entry in reading),
        *(question.source_id for result in results for question in result.questions.all()),
        *(entry.therapy.source_id for entry in therapies),
        *Reference.objects.filter(case=case).values_list("key", flat=True),
    }
    references = Reference.objects.filter(key__in=cited).order_by("key")
    topics = sorted(
        {
            question.topic
            for result in results
            for question in result.questions.all()
            if question.topic is not None
        },
        key=lambda topic: topic.slug,
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "case": {
            "slug": case.slug,
            **{name: _plain(getattr(case, name)) for name in CASE_FIELDS},
            "presentation_source": local(case.presentation_source_id),
        },
        "history": [
            {
                "key": item.key,
                "question": item.question,
                "answer": item.answer,
                "appropriateness": item.appropriateness,
                "source": local(item.source_id),
            }
            for item in history
        ],
        "exam": [
            {
                "system": finding.system,
                "finding": finding.finding,
                "source": local(finding.source_id),
            }
            for finding in exam
        ],
        "results": [_result_export(result, local) for result in results],
        "diagnoses": [
            {
                "diagnosis": entry.diagnosis.key,
                "role": entry.role,
                "explanation": entry.explanation,
                "source": local(entry.source_id),
            }
            for entry in diagnoses
        ],
        "therapies": [entry.therapy.key for entry in therapies],
        "management_rules": [
            {
                "kind": rule.kind,
                "low": _plain(rule.low),
                "high": _plain(rule.high),
                "agents": rule.agent_list,
                "weight": rule.weight,
                "explanation": rule.explanation,
                "source": local(rule.source_id),
            }
            for rule in rules
        ],
        "parameters": [
            {"name": parameter.name, "value": parameter.value, "reason": parameter.reason}
            for parameter in case.parameters.all()
        ],
        "further_reading": [
            {"source": local(entry.source_id), "explanation": entry.explanation}
            for entry in reading
        ],
        "references": [
            {
                "key": local(reference.key),
                "scope": "case" if reference.case_id == case.pk else "catalog",
                "citation": reference.citation,
                "link": reference.link,
                "note": reference.note,
            }
            for reference in references
        ],
        "catalog": {
            "investigations": [
                {name: _plain(getattr(result.investigation, name)) for name in INVESTIGATION_FIELDS}
                for result in sorted(results, key=lambda result: result.investigation.key)
            ],
            "diagnoses": [
                {
                    "key": diagnosis.key,
                    "name": diagnosis.name,
                    "description": diagnosis.description,
                    "engine_disease": diagnosis.engine_disease,
                }
                for diagnosis in sorted({e.diagnosis for e in diagnoses}, key=lambda d: d.key)
            ],
            "therapies": [
                {
                    "key": therapy.key,
                    "engine_agent": therapy.engine_agent,
                    "name": therapy.name,
                    "description": therapy.description,
                    "source": local(therapy.source_id),
                }
                for therapy in sorted({e.therapy for e in therapies}, key=lambda t: t.key)
            ],
            "topics": [{"slug": topic.slug, "name": topic.name} for topic in topics],
        },
    }


def case_export_json(case: Case) -> str:
    """The exchange file's text: indented, UTF-8 as written, ending with a newline."""
    return json.dumps(case_export(case), indent=2, ensure_ascii=False) + "\n"


def _result_export(result: CaseResult, local: Callable[[str], str]) -> dict[str, Any]:
    return {
        "investigation": result.investigation.key,
        "report": result.report,
        "image": _image_export(result),
        "image_alt": result.image_alt,
        "appropriateness": result.appropriateness,
        "rationale": result.rationale,
        "source": local(result.source_id),
        "values": [
            {
                "name": value.name,
                "patient_field": value.patient_field,
                "value": _plain(value.value),
                "text_value": value.text_value,
                "unit": value.unit,
                "reference_low": _plain(value.reference_low),
                "reference_high": _plain(value.reference_high),
            }
            for value in result.values.all()
        ],
        "questions": [
            {
                "key": question.key,
                "prompt": question.prompt,
                "multiple": question.multiple,
                "source": local(question.source_id),
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
            for question in result.questions.all()
        ],
    }


def _image_export(result: CaseResult) -> dict[str, str] | None:
    """The stored image as its media type (read from the file, not its name) and base64."""
    if not result.image:
        return None
    with result.image.open("rb") as stored:
        data = stored.read()
    with Image.open(ContentFile(data)) as image:
        media_type = MEDIA_TYPES[str(image.format)]
    return {"media_type": media_type, "data": base64.b64encode(data).decode("ascii")}


def _own_prefix(slug: str) -> str:
    return f"{slug}-"


def _local_key_function(case: Case) -> Callable[[str], str]:
    """How the file names a reference: a case's own without the slug prefix it is stored
    under, a catalog reference by its key."""
    own = set(Reference.objects.filter(case=case).values_list("key", flat=True))
    prefix = _own_prefix(case.slug)

    def local(key: str) -> str:
        if key in own and key.startswith(prefix):
            return key[len(prefix) :]
        return key

    return local


def _plain(value: object) -> object:
    """A model value as JSON: a decimal as the shortest number that reads back the same."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# --- import ------------------------------------------------------------------------------------


@cache
def case_format_schema() -> dict[str, Any]:
    """The JSON Schema of the format (docs/case-format.schema.json)."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def case_file_read(data: bytes | str) -> dict[str, Any]:
    """The exchange data in a file, or ImportRefused saying why it cannot be one."""
    if len(data) > IMPORT_MAX_BYTES:
        raise ImportRefused(
            [Problem("File", "size", f"It is larger than {IMPORT_MAX_BYTES // 1048576} MB.")]
        )
    try:
        parsed = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportRefused([Problem("File", "JSON", f"It is not JSON: {error}.")]) from None
    if not isinstance(parsed, dict):
        raise ImportRefused([Problem("File", "format", "It is not a case exchange file.")])
    return parsed


def schema_problems(data: dict[str, Any]) -> list[Problem]:
    """The file's format and version, then every place it departs from the schema."""
    if data.get("format") != FORMAT:
        return [
            Problem(
                "File",
                "format",
                f"Unknown format {data.get('format')!r}; this site reads {FORMAT!r} files.",
            )
        ]
    if data.get("format_version") != FORMAT_VERSION:
        return [
            Problem(
                "File",
                "format_version",
                f"Unknown format version {data.get('format_version')!r}; this site reads "
                f"version {FORMAT_VERSION}.",
            )
        ]
    validator = jsonschema.Draft202012Validator(case_format_schema())
    errors = sorted(
        (_nearest_choice(error) for error in validator.iter_errors(data)),
        key=lambda e: [str(p) for p in e.absolute_path],
    )
    return [_schema_problem(error) for error in errors]


def _nearest_choice(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For a value that fits none of a field's choices (an image is null or an object), what
    is wrong with it as the choice it comes nearest: "'image/svg+xml' is not one of ..."
    beside its media type, not the whole value "is not valid under any of the given schemas"."""
    return best_match([error]) or error


def _schema_problem(error: jsonschema.ValidationError) -> Problem:
    """Name the place as a path into the file (``results[3].values[0]``) and the field."""
    path = list(error.absolute_path)
    if error.validator in ("required", "additionalProperties"):
        return Problem(_json_path(path) or "File", str(error.validator), error.message)
    if path and isinstance(path[-1], str):
        return Problem(_json_path(path[:-1]) or "File", path[-1], error.message)
    return Problem(_json_path(path) or "File", "value", error.message)


def _json_path(parts: Sequence[str | int]) -> str:
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return text.lstrip(".")


def case_import(
    data: bytes | str | dict[str, Any],
    *,
    slug: str | None = None,
    publish: bool = False,
    replace: bool = False,
) -> Case:
    """Create the case a file holds, as a draft (published with ``publish``), in one
    transaction; ImportRefused lists every problem and nothing is created.

    ``slug`` imports it under another slug (a duplicate). ``replace`` lets the import write
    over the case that has the slug already, keeping that case's row, versions and attempts
    (seed_demo loads a shipped case this way when its file changed) and publishing a new
    version; without it an existing slug is refused.
    """
    parsed = data if isinstance(data, dict) else case_file_read(data)
    problems = schema_problems(parsed)
    if problems:
        raise ImportRefused(problems)
    importer = _Importer(parsed, slug or parsed["case"]["slug"])
    try:
        with transaction.atomic():
            case = importer.run(replace=replace)
            if publish or replace:
                try:
                    services.case_publish(case=case)
                except AttemptError as error:
                    raise ImportRefused([Problem("Case", "status", str(error))]) from None
    except ImportRefused:
        # The transaction undid the rows; the image files they stored are not the database's.
        for image in importer.images:
            image.delete(save=False)
        raise
    return case


def shipped_case_paths(directory: Path = SHIPPED_CASES_DIR) -> list[Path]:
    """The case files in ``directory`` (the shipped ones by default), in the order they load."""
    return sorted(directory.glob("*.json"))


def shipped_case_slugs() -> list[str]:
    return [case_file_read(path.read_bytes())["case"]["slug"] for path in shipped_case_paths()]


def shipped_cases_import(slugs: Sequence[str] | None = None) -> list[Case]:
    """Import and publish the shipped cases (all, or those named) into a database that holds
    their catalogs and references, as tests and benches need them without seed_demo."""
    wanted = None if slugs is None else set(slugs)
    cases = []
    for path in shipped_case_paths():
        data = case_file_read(path.read_bytes())
        if wanted is None or data["case"]["slug"] in wanted:
            cases.append(case_import(data, publish=True))
    return cases


def case_duplicate(*, case: Case, slug: str) -> Case:
    """A new draft holding everything ``case`` holds, under ``slug``: its file imported again."""
    data = case_export(case)
    data["case"]["title"] = f"{case.title} (copy)"
    return case_import(data, slug=slug)


@dataclass
class _Importer:
    """One import: builds every row, collecting problems, and refuses at the end if any.

    Rows are saved as they are checked, so later rows can point at them; the caller's
    transaction undoes them all when the import is refused. A refused row leaves the rows
    below it (a result's values and questions, a question's options, every row of a refused
    case) checked but unsaved.
    """

    data: dict[str, Any]
    slug: str
    problems: list[Problem] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)
    """The file's reference keys to the keys they have here."""
    images: list[FieldFile] = field(default_factory=list)
    """The image files stored so far, removed again when the import is refused."""

    def run(self, *, replace: bool) -> Case:
        for entry in self.data["references"]:
            own = entry["scope"] == "case"
            self.references[entry["key"]] = (
                _own_prefix(self.slug) + entry["key"] if own else entry["key"]
            )
        self._reference_keys_check()
        self._catalog()
        case = self._case(replace=replace)
        self._content(case)
        if case.pk is not None:
            self._add(publish_problems(case))
        if self.problems:
            raise ImportRefused(self.problems)
        return case

    def _add(self, problems: list[Problem]) -> None:
        """Record problems, each row and field once: a missing reference is said once, not
        again by the row's own check or by the checklist."""
        seen = {(problem.row, problem.field) for problem in self.problems}
        self.problems.extend(p for p in problems if (p.row, p.field) not in seen)

    def _save(
        self,
        row: str,
        instance: models.Model,
        *,
        parents: Sequence[str] = (),
        refused: Sequence[str] = (),
        exclude: Sequence[str] = (),
    ) -> None:
        """Check and save one row; its problems are recorded and it is left unsaved.

        ``parents`` names the row's foreign keys to rows of this file. Under a parent left
        unsaved, or with fields already refused (``refused``), the row is checked without
        them and left unsaved, so the rows below a refused one are checked too and the file's
        every problem is listed at once.
        """
        unsaved = [*refused, *(name for name in parents if getattr(instance, name).pk is None)]
        try:
            instance.full_clean(exclude=[*exclude, *unsaved])
        except ValidationError as error:
            self._add(
                [
                    Problem(row, "row" if name == "__all__" else name, message)
                    for name, messages in error.message_dict.items()
                    for message in messages
                ]
            )
            return
        if not unsaved:
            instance.save()

    def _source(self, row: str, key: str) -> str:
        """The key here of the reference a row cites by its key in the file."""
        if key not in self.references:
            self._add(
                [Problem(row, "source", f"It cites '{key}', which the file's references lack.")]
            )
        return self.references.get(key, key)

    def _reference_keys_check(self) -> None:
        keys = [entry["key"] for entry in self.data["references"]]
        for key in sorted({key for key in keys if keys.count(key) > 1}):
            self._add(
                [Problem(f"Reference '{key}'", "key", "Two references in the file have this key.")]
            )
        for key, stored in self.references.items():
            if len(stored) > REFERENCE_KEY_LENGTH:
                self._add(
                    [
                        Problem(
                            f"Reference '{key}'",
                            "key",
                            f"With the case's slug in front it is longer than "
                            f"{REFERENCE_KEY_LENGTH} characters; shorten it.",
                        )
                    ]
                )

    # the catalog

    def _catalog(self) -> None:
        catalog = self.data["catalog"]
        for entry in self.data["references"]:
            if entry["scope"] == "catalog":
                fields = {k: entry[k] for k in ("citation", "link", "note")}
                self._catalog_entry(Reference, "key", entry["key"], "Reference", fields)
        for entry in catalog["topics"]:
            self._catalog_entry(Topic, "slug", entry["slug"], "Topic", {"name": entry["name"]})
        for entry in catalog["investigations"]:
            fields = {k: v for k, v in entry.items() if k != "key"}
            fields["procedural_risk_pct"] = Decimal(str(fields["procedural_risk_pct"]))
            self._catalog_entry(Investigation, "key", entry["key"], "Investigation", fields)
        for entry in catalog["diagnoses"]:
            fields = {k: v for k, v in entry.items() if k != "key"}
            self._catalog_entry(Diagnosis, "key", entry["key"], "Diagnosis", fields)
        for entry in catalog["therapies"]:
            row = f"Therapy '{entry['key']}'"
            agent = entry["engine_agent"]
            if Therapy.objects.filter(engine_agent=agent).exclude(key=entry["key"]).exists():
                message = (
                    f"This site's catalog offers {agent} under another key; "
                    "use that key in the file."
                )
                self._add([Problem(row, "engine_agent", message)])
                continue
            fields = {k: v for k, v in entry.items() if k not in ("key", "source")}
            fields["source_id"] = self._source(row, entry["source"])
            self._catalog_entry(Therapy, "key", entry["key"], "Therapy", fields)

    def _catalog_entry(
        self,
        model: type[models.Model],
        key_field: str,
        key: str,
        label: str,
        fields: dict[str, Any],
    ) -> None:
        """Create a catalog entry the site lacks; one whose key exists is left as it is."""
        if model._default_manager.filter(**{key_field: key}).exists():
            return
        self._save(f"{label} '{key}'", model(**{key_field: key}, **fields))

    # the case

    def _case(self, *, replace: bool) -> Case:
        fields = self.data["case"]
        existing = Case.objects.filter(slug=self.slug).first()
        taken = existing is not None and not replace
        if taken:
            message = f"A case with the slug '{self.slug}' exists; import it under another slug."
            self._add([Problem("Case", "slug", message)])
        if existing is not None and replace:
            _case_content_clear(existing)
            case = existing
        else:
            case = Case(slug=self.slug, status=Case.Status.DRAFT, version=1)
        for name in CASE_FIELDS:
            value = fields[name]
            setattr(case, name, Decimal(str(value)) if name == "temperature_c" else value)
        case.presentation_source_id = self._source("Case", fields["presentation_source"])
        # The case's own references are saved after it, so its source is checked by the
        # database at commit and by the file's references above.
        self._save("Case", case, refused=["slug"] if taken else [], exclude=["presentation_source"])
        return case

    def _content(self, case: Case) -> None:
        for entry in self.data["references"]:
            if entry["scope"] == "case":
                reference = Reference(
                    key=self.references[entry["key"]],
                    citation=entry["citation"],
                    link=entry["link"],
                    note=entry["note"],
                    case=case,
                )
                self._save(f"Reference '{entry['key']}'", reference, parents=["case"])
        for position, entry in enumerate(self.data["history"], start=1):
            row = f"History item '{entry['key']}'"
            item = CaseHistoryItem(
                case=case,
                position=position,
                key=entry["key"],
                question=entry["question"],
                answer=entry["answer"],
                appropriateness=entry["appropriateness"],
                source_id=self._source(row, entry["source"]),
            )
            self._save(row, item, parents=["case"])
        for position, entry in enumerate(self.data["exam"], start=1):
            row = f"Examination finding '{entry['system']}'"
            finding = CaseExamFinding(
                case=case,
                position=position,
                system=entry["system"],
                finding=entry["finding"],
                source_id=self._source(row, entry["source"]),
            )
            self._save(row, finding, parents=["case"])
        question_position = 0
        for entry in self.data["results"]:
            result = self._result(case, entry)
            for question_entry in entry["questions"]:
                question_position += 1
                self._question(case, result, question_entry, question_position)
        self._diagnoses(case)
        self._therapies(case)
        for position, entry in enumerate(self.data["management_rules"], start=1):
            row = f"Management rule {position} ('{entry['kind']}')"
            rule = ManagementRule(
                case=case,
                kind=entry["kind"],
                low=_decimal(entry["low"]),
                high=_decimal(entry["high"]),
                agents=", ".join(entry["agents"]),
                weight=entry["weight"],
                explanation=entry["explanation"],
                source_id=self._source(row, entry["source"]),
                position=position,
            )
            self._save(row, rule, parents=["case"])
        for entry in self.data["parameters"]:
            parameter = CaseParameter(case=case, **entry)
            self._save(f"Engine parameter '{entry['name']}'", parameter, parents=["case"])
        for position, entry in enumerate(self.data["further_reading"], start=1):
            row = f"Further reading {position}"
            reading = CaseReference(
                case=case,
                source_id=self._source(row, entry["source"]),
                explanation=entry["explanation"],
                position=position,
            )
            self._save(row, reading, parents=["case"])

    def _diagnoses(self, case: Case) -> None:
        catalog = Diagnosis.objects.in_bulk(
            [e["diagnosis"] for e in self.data["diagnoses"]], field_name="key"
        )
        for position, entry in enumerate(self.data["diagnoses"], start=1):
            row = f"Diagnosis {position} ('{entry['diagnosis']}')"
            if entry["diagnosis"] not in catalog:
                self._add([Problem(row, "diagnosis", "No such diagnosis in the catalog.")])
                continue
            diagnosis = CaseDiagnosis(
                case=case,
                diagnosis=catalog[entry["diagnosis"]],
                role=entry["role"],
                explanation=entry["explanation"],
                source_id=self._source(row, entry["source"]),
                position=position,
            )
            self._save(row, diagnosis, parents=["case"])

    def _therapies(self, case: Case) -> None:
        catalog = Therapy.objects.in_bulk(self.data["therapies"], field_name="key")
        for position, key in enumerate(self.data["therapies"], start=1):
            row = f"Therapy '{key}'"
            if key not in catalog:
                self._add([Problem(row, "therapy", "No such therapy in the catalog.")])
                continue
            therapy = CaseTherapy(case=case, therapy=catalog[key], position=position)
            self._save(row, therapy, parents=["case"])

    def _result(self, case: Case, entry: dict[str, Any]) -> CaseResult:
        row = f"Result '{entry['investigation']}'"
        investigation = Investigation.objects.filter(key=entry["investigation"]).first()
        refused: list[str] = []
        if investigation is None:
            self._add([Problem(row, "investigation", "No such test in the catalog.")])
            refused.append("investigation")
        result = CaseResult(
            case=case,
            investigation=investigation,
            report=entry["report"],
            image_alt=entry["image_alt"],
            appropriateness=entry["appropriateness"],
            rationale=entry["rationale"],
            source_id=self._source(row, entry["source"]),
        )
        if entry["image"] is not None:
            image = self._image(row, entry["image"], f"{self.slug}-{entry['investigation']}")
            if image is None:
                refused.append("image")
            else:
                result.image = image
        self._save(row, result, parents=["case"], refused=refused)
        if result.pk is not None and result.image:
            self.images.append(result.image)
        for position, value in enumerate(entry["values"], start=1):
            structured = CaseResultValue(
                result=result,
                position=position,
                name=value["name"],
                patient_field=value["patient_field"],
                value=_decimal(value["value"]),
                text_value=value["text_value"],
                unit=value["unit"],
                reference_low=_decimal(value["reference_low"]),
                reference_high=_decimal(value["reference_high"]),
            )
            self._save(f"{row} value '{value['name']}'", structured, parents=["result"])
        return result

    def _image(self, row: str, entry: dict[str, str], name: str) -> ContentFile[bytes] | None:
        """The embedded image as a file to store; the result's own checks verify it."""
        try:
            data = base64.b64decode(entry["data"], validate=True)
        except (binascii.Error, ValueError):
            self._add([Problem(row, "image", "The image is not valid base64.")])
            return None
        return ContentFile(data, name=f"{name}.{EXTENSIONS[entry['media_type']]}")

    def _question(
        self, case: Case, result: CaseResult, entry: dict[str, Any], position: int
    ) -> None:
        row = f"Question '{entry['key']}'"
        topic = None
        if entry["topic"]:
            topic = Topic.objects.filter(slug=entry["topic"]).first()
            if topic is None:
                self._add([Problem(row, "topic", f"No topic '{entry['topic']}'.")])
        question = InterpretationQuestion(
            case=case,
            result=result,
            key=entry["key"],
            prompt=entry["prompt"],
            multiple=entry["multiple"],
            source_id=self._source(row, entry["source"]),
            topic=topic,
            position=position,
        )
        self._save(row, question, parents=["case", "result"])
        for number, option in enumerate(entry["options"], start=1):
            self._save(
                f"{row} option {number}",
                InterpretationOption(question=question, position=number, **option),
                parents=["question"],
            )


def _case_content_clear(case: Case) -> None:
    """Remove a replaced case's rows; its versions and attempts stay."""
    for related in (
        case.questions,
        case.results,
        case.history_items,
        case.exam_findings,
        case.diagnoses,
        case.therapies,
        case.management_rules,
        case.parameters,
        case.references,
    ):
        related.all().delete()
    Reference.objects.filter(case=case).delete()


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))
