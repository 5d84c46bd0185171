"""Virtual-patient cases: catalogs, authored case content, frozen versions and attempts.

Authoring models (catalogs, Case and its inlines) are edited by educators in admin. A
published case is frozen into an immutable CaseVersion snapshot; attempts point to that
snapshot, so editing a case never changes a running or finished attempt. The learner's
records (Attempt and the rows hanging off it) are listed in CasesConfig.learner_record_models.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    validate_slug,
)
from django.db import models
from django.urls import reverse

from cases.simulation import (
    AGENTS,
    HORIZON_DAYS,
    Disease,
    Parameters,
    Patient,
    PlanError,
    plan_from_json,
)
from edu_site.images import IMAGE_EXTENSIONS, validate_image

if TYPE_CHECKING:
    from cases.content import CaseContent

REFERENCE_KEY_LENGTH = 100
"""Room for a case's own keys, which the exchange format prefixes with the case's slug."""


class Appropriateness(models.TextChoices):
    """How appropriate an action is for this case (the MedBiquitous virtual-patient scale)."""

    CRITICAL = "critical", "Critical"
    RECOMMENDED = "recommended", "Recommended"
    NEUTRAL = "neutral", "Neutral"
    UNNECESSARY = "unnecessary", "Unnecessary"
    HARMFUL = "harmful", "Harmful"


# Engine vocabularies are checked by validators rather than stored as choices, so that the
# engine stays their one source of truth and growing them needs no migration here.
def validate_engine_disease(value: str) -> None:
    allowed = [disease.value for disease in Disease]
    if value not in allowed:
        raise ValidationError(f"Choose one of the engine's diseases: {', '.join(allowed)}.")


def validate_engine_agent(value: str) -> None:
    if value not in AGENTS:
        raise ValidationError(f"Choose one of the engine's agents: {', '.join(AGENTS)}.")


def validate_engine_parameter(value: str) -> None:
    allowed = [name for name, *_ in Parameters.describe()]
    if value not in allowed:
        raise ValidationError(f"Choose one of the engine's parameters: {', '.join(allowed)}.")


PATIENT_NUMERIC_FIELDS = (
    "fvc_pct",
    "fev1_pct",
    "dlco_pct",
    "spo2_pct",
    "pao2_mmhg",
    "crp_mg_dl",
    "esr_mm_h",
    "leukocytes_per_ul",
    "eosinophils_per_ul",
    "ggt_iu_l",
    "alp_iu_l",
    "bal_lymphocytes_pct",
)
PATIENT_FIELD_CHOICES = [(name, name.replace("_", " ")) for name in PATIENT_NUMERIC_FIELDS]


class ReferenceManager(models.Manager["Reference"]):
    def get_by_natural_key(self, key: str) -> Reference:
        return self.get(key=key)


class Reference(models.Model):
    """A work that facts cite: in the catalog for every case, or owned by one case.

    The five sources every shipped fact comes from are catalog references with their labels
    as keys (NEJM, SUM-DX, SUM-MX, GARD, MSD; migration 0010). A case may own others, such as
    the label of the drug that caused a secondary organizing pneumonia; its rows may cite
    catalog references and its own, never another case's (the publish checklist says so).
    Fact-bearing rows point at a reference by its key, so a stored key (``"NEJM"``) reads
    the same in fixtures, snapshots and the database column it always had.
    """

    key = models.CharField(
        max_length=REFERENCE_KEY_LENGTH,
        unique=True,
        validators=[validate_slug],
        help_text="A short label, letters, digits and hyphens: NEJM, amiodarone-label.",
    )
    citation = models.CharField(max_length=300, help_text="As the learner sees it cited.")
    link = models.URLField(blank=True, help_text="Where the learner can read it.")
    note = models.TextField(blank=True, help_text="What it is, for educators.")
    case = models.ForeignKey(
        "Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="own_references",
        help_text="The case that owns it; empty for the catalog, which every case may cite.",
    )

    objects = ReferenceManager()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.citation}"

    def natural_key(self) -> tuple[str]:
        """Fixtures name a reference by key, so the shipped catalog loads over the rows
        migration 0010 made, whatever their ids."""
        return (self.key,)


def source_field(*, db_column: str = "source", help_text: str = "") -> Any:
    """A fact's citation: a reference by key, stored in the column the five labels used."""
    return models.ForeignKey(
        Reference,
        to_field="key",
        db_column=db_column,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=help_text or "The reference this fact comes from.",
    )


class InvestigationCategory(models.TextChoices):
    BEDSIDE = "bedside", "Bedside"
    LABORATORY = "laboratory", "Laboratory"
    SEROLOGY = "serology", "Serology"
    MICROBIOLOGY = "microbiology", "Microbiology"
    PULMONARY_FUNCTION = "pulmonary_function", "Pulmonary function"
    IMAGING = "imaging", "Imaging"
    BRONCHOSCOPY = "bronchoscopy", "Bronchoscopy and BAL"
    HISTOLOGY = "histology", "Histology"


class Invasiveness(models.TextChoices):
    NONE = "none", "Non-invasive"
    MINIMAL = "minimal", "Minimally invasive"
    INVASIVE = "invasive", "Invasive"
    SURGICAL = "surgical", "Surgical"


class Investigation(models.Model):
    """A test any case can offer: what it costs, how long it takes and what it risks."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=30, choices=InvestigationCategory)
    cost = models.PositiveIntegerField(help_text="Cost in euros, as charged to the case.")
    turnaround_hours = models.PositiveIntegerField(
        help_text="Simulated hours between ordering and the result."
    )
    invasiveness = models.CharField(max_length=20, choices=Invasiveness)
    procedural_risk_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Chance of a procedural complication, in percent.",
    )
    description = models.TextField(blank=True)
    normal_report = models.TextField(
        help_text="Shown when a case has no specific result for this test."
    )

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Diagnosis(models.Model):
    """A diagnosis a learner can choose; engine_disease links it to the outcome engine."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    engine_disease = models.CharField(
        max_length=40, validators=[validate_engine_disease], blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "diagnoses"

    def __str__(self) -> str:
        return self.name


class Therapy(models.Model):
    """Display text for an engine agent; the dose rules live only in the engine's catalog."""

    key = models.SlugField(max_length=60, unique=True)
    engine_agent = models.CharField(max_length=40, validators=[validate_engine_agent], unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    source = source_field()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "therapies"

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """An authored virtual patient; learners play its latest frozen CaseVersion."""

    class Status(models.TextChoices):
        """Changed only by the admin's actions: publish (from any status) and retire."""

        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    class Difficulty(models.TextChoices):
        INTRODUCTORY = "introductory", "Introductory"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    class Sex(models.TextChoices):
        ANY = "any", "Either"
        MALE = "male", "Male"
        FEMALE = "female", "Female"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField()
    learning_objectives = models.TextField(help_text="One objective per line.")
    difficulty = models.CharField(max_length=20, choices=Difficulty.choices)
    estimated_minutes = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(
        default=1, help_text="The version the next frozen snapshot gets; set by publishing."
    )
    chief_complaint = models.CharField(max_length=300)
    presenting_history = models.TextField()
    presentation_source = source_field(db_column="presentation_source")
    age_min = models.PositiveIntegerField(validators=[MinValueValidator(16)])
    age_max = models.PositiveIntegerField(validators=[MaxValueValidator(100)])
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.ANY)
    height_min_cm = models.PositiveIntegerField(validators=[MinValueValidator(120)])
    height_max_cm = models.PositiveIntegerField(validators=[MaxValueValidator(220)])
    excess_weight_min_kg = models.IntegerField(
        help_text="Weight above ideal body weight, lower end (may be negative)."
    )
    excess_weight_max_kg = models.IntegerField()
    temperature_c = models.DecimalField(max_digits=3, decimal_places=1)
    heart_rate = models.PositiveIntegerField()
    respiratory_rate = models.PositiveIntegerField()
    blood_pressure = models.CharField(max_length=20)
    engine_disease = models.CharField(max_length=40, validators=[validate_engine_disease])
    engine_findings = models.JSONField(
        help_text="The engine's patient fields other than age, sex, height, weight and "
        "disease: physiology, labs, extent, imaging pattern, days since onset, risk factors."
    )
    target_workup_hours = models.PositiveIntegerField(
        help_text="Simulated hours an expert needs to reach the diagnosis."
    )
    model_answer = models.TextField(help_text="The expert's reasoning, shown in the debrief.")
    model_plan = models.JSONField(
        default=dict,
        blank=True,
        help_text='The recommended plan in the engine\'s plan JSON ({"orders": [...], '
        '"adjuncts": {...}}), written from the plan\'s day 0. The debrief compares the '
        "learner's plan with it. Left empty, the engine's recommendation for the case's "
        "disease is used.",
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.slug])

    def clean(self) -> None:
        """Check that the demographic ranges make sense."""
        errors: dict[str, str | list[str]] = {}
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            errors["age_max"] = "The oldest age must not be below the youngest."
        if (self.height_min_cm or 0) > (self.height_max_cm or 0):
            errors["height_max_cm"] = "The tallest height must not be below the shortest."
        if (self.excess_weight_min_kg or 0) > (self.excess_weight_max_kg or 0):
            errors["excess_weight_max_kg"] = "The upper weight excess must not be below the lower."
        if errors:
            raise ValidationError(errors)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Validate the fields, then have the engine check the findings and the model plan.

        The admin form writes these two JSON fields from fields of its own and checks them
        there (each error beside its own field), so it leaves them out here; every other
        caller (API, import) gets the engine's refusal on the JSON field.
        """
        super().clean_fields(exclude=exclude)
        skipped = set(exclude or ())
        errors: dict[str, str | list[str]] = {}
        if "engine_findings" not in skipped:
            try:
                self.engine_patient_check()
            except (TypeError, ValueError) as error:
                errors["engine_findings"] = str(error)
        if "model_plan" not in skipped and self.model_plan:
            try:
                plan_from_json(self.model_plan)
            except PlanError as error:
                errors["model_plan"] = [problem.message for problem in error.problems]
        if errors:
            raise ValidationError(errors)

    def engine_patient_check(self) -> Patient:
        """Build the youngest, shortest variant, so the engine validates the findings."""
        if not isinstance(self.engine_findings, dict):
            raise ValueError("engine_findings must be a JSON object")
        return case_patient(
            self.engine_findings,
            age=self.age_min,
            sex=self.sex,
            height_cm=self.height_min_cm,
            disease=self.engine_disease,
        )


def case_patient(
    findings: Mapping[str, Any], *, age: int, sex: str, height_cm: int, disease: str
) -> Patient:
    """The engine patient of a case's youngest, shortest variant (a man when the case allows
    either sex), which the engine checks the findings and the model plan against."""
    return Patient.from_dict(
        {
            **findings,
            "age": age,
            "sex": "female" if sex == Case.Sex.FEMALE else "male",
            "height_cm": float(height_cm),
            "weight_kg": float(max(30, height_cm - 100)),
            "disease": disease,
        }
    )


class CaseHistoryItem(models.Model):
    """A question the learner may ask at presentation, with the patient's answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history_items")
    key = models.SlugField(max_length=60)
    question = models.CharField(max_length=200)
    answer = models.TextField()
    appropriateness = models.CharField(max_length=20, choices=Appropriateness)
    source = source_field()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="unique_history_key_per_case")
        ]

    def __str__(self) -> str:
        return self.question


class CaseExamFinding(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exam_findings")
    system = models.CharField(max_length=60)
    finding = models.TextField()
    source = source_field()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.system


class CaseResult(models.Model):
    """What one investigation shows in this case, and how appropriate ordering it is."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="results")
    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT)
    report = models.TextField(
        help_text="Findings as the radiologist or pathologist reports them, without naming "
        "the diagnosis."
    )
    image = models.FileField(
        upload_to="cases/results/",
        blank=True,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS), validate_image],
        help_text="A PNG, JPEG, GIF or WebP image (SVG is not accepted).",
    )
    image_alt = models.CharField(max_length=300, blank=True)
    appropriateness = models.CharField(max_length=20, choices=Appropriateness)
    rationale = models.TextField(help_text="Why ordering it is (or is not) appropriate here.")
    source = source_field()

    class Meta:
        ordering = ["investigation__category", "investigation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "investigation"], name="unique_result_per_case_investigation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.investigation} in {self.case}"

    def clean(self) -> None:
        if self.image and not self.image_alt:
            raise ValidationError({"image_alt": "Describe the image for screen readers."})


class CaseResultValue(models.Model):
    """A structured value; with patient_field set it is read from the attempt's patient."""

    result = models.ForeignKey(CaseResult, on_delete=models.CASCADE, related_name="values")
    name = models.CharField(max_length=80)
    patient_field = models.CharField(max_length=40, choices=PATIENT_FIELD_CHOICES, blank=True)
    value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    text_value = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    reference_low = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    reference_high = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        given = [bool(self.patient_field), self.value is not None, bool(self.text_value)]
        if sum(given) != 1:
            errors[NON_FIELD_ERRORS] = "Give exactly one of patient field, number or text value."
        backwards = reference_range_problem(self.reference_low, self.reference_high)
        if backwards:
            errors["reference_high"] = backwards
        if errors:
            raise ValidationError(errors)


def reference_range_problem(low: Decimal | None, high: Decimal | None) -> str:
    """Why a reference range cannot be shown (learners would read "5 to 0.5 · H"), or ""."""
    if low is None or high is None or low < high:
        return ""
    return f"The low end ({decimal_text(low)}) must be below the high end ({decimal_text(high)})."


def decimal_text(number: Decimal) -> str:
    """A decimal as an educator wrote it: 0.5, not 0.50 or 5E-1."""
    return format(number.normalize(), "f")


class InterpretationQuestion(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questions")
    result = models.ForeignKey(CaseResult, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=60)
    prompt = models.TextField()
    multiple = models.BooleanField(default=False, help_text="More than one option may be right.")
    source = source_field()
    topic = models.ForeignKey(
        "quizzes.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_questions",
        help_text="Answers count toward the learner's mastery of this topic on My progress, "
        "together with quiz answers.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="unique_question_key_per_case")
        ]

    def __str__(self) -> str:
        return self.prompt[:80]


class InterpretationOption(models.Model):
    question = models.ForeignKey(
        InterpretationQuestion, on_delete=models.CASCADE, related_name="options"
    )
    key = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    correct = models.BooleanField(default=False)
    explanation = models.TextField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="unique_option_key")
        ]

    def __str__(self) -> str:
        return self.text


class CaseDiagnosis(models.Model):
    """A diagnosis offered in this case: the target, one to exclude, or a distractor."""

    class Role(models.TextChoices):
        TARGET = "target", "The diagnosis"
        EXCLUDE = "exclude", "Must be excluded"
        DISTRACTOR = "distractor", "Distractor"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="diagnoses")
    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.PROTECT)
    role = models.CharField(max_length=20, choices=Role.choices)
    explanation = models.TextField()
    source = source_field()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "case diagnoses"
        constraints = [
            models.UniqueConstraint(fields=["case", "diagnosis"], name="unique_case_diagnosis")
        ]

    def __str__(self) -> str:
        return f"{self.diagnosis} ({self.get_role_display()})"


class CaseTherapy(models.Model):
    """A therapy offered in this case's plan form."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="therapies")
    therapy = models.ForeignKey(Therapy, on_delete=models.PROTECT)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "case therapies"
        constraints = [
            models.UniqueConstraint(fields=["case", "therapy"], name="unique_case_therapy")
        ]

    def __str__(self) -> str:
        return str(self.therapy)


class ManagementRule(models.Model):
    """One check of the learner's plan, from a fixed vocabulary that scoring.py interprets.

    Every kind reads the whole plan (every order wherever it stands); the steroid-course
    kinds read its glucocorticoid doses day by day. ``RULE_PARAMETERS`` says which of low,
    high and agents each kind needs; ``clean`` refuses a rule without them.
    """

    class Kind(models.TextChoices):
        AGENT_IN = "agent_in", "The plan treats with at least one of the listed agents"
        PLAN_INCLUDES = "plan_includes", "The plan includes every listed agent (any order)"
        PLAN_EXCLUDES = "plan_excludes", "The plan includes none of the listed agents"
        DOSE_PER_KG_BETWEEN = (
            "dose_per_kg_between",
            "Glucocorticoid starting dose (mg/kg/day, ideal body weight) between low-high",
        )
        DAILY_MG_AT_MOST = "daily_mg_at_most", "Glucocorticoid dose in mg/day at most high"
        INITIAL_DAYS_BETWEEN = (
            "initial_days_between",
            "Days at the full starting dose between low-high",
        )
        COURSE_DAYS_AT_LEAST = "course_days_at_least", "Steroid course lasts at least low days"
        COURSE_DAYS_AT_MOST = "course_days_at_most", "Steroid course lasts at most high days"
        TAPER_STEPS_AT_LEAST = (
            "taper_steps_at_least",
            "The dose comes down in at least low steps and never rises",
        )
        NO_ABRUPT_STOP_ABOVE_MG = (
            "no_abrupt_stop_above_mg",
            "Glucocorticoid never stopped at once from high mg/day or more",
        )
        PJP_PROPHYLAXIS_ABOVE_MG = (
            "pjp_prophylaxis_above_mg",
            "Pneumocystis prophylaxis when the dose exceeds high mg/day",
        )
        BONE_PROTECTION_COURSE_DAYS = (
            "bone_protection_course_days",
            "Bone protection when glucocorticoids last at least low days",
        )
        MONITORING_ON_STEROIDS = (
            "monitoring_on_steroids",
            "Glucose and blood-pressure monitoring on glucocorticoids",
        )

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="management_rules")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    low = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    high = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    agents = models.CharField(
        max_length=200, blank=True, help_text="Engine agent keys, comma-separated."
    )
    weight = models.PositiveIntegerField(default=1)
    explanation = models.TextField()
    source = source_field()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def agent_list(self) -> list[str]:
        return [name.strip() for name in self.agents.split(",") if name.strip()]

    def clean(self) -> None:
        errors = {}
        unknown = set(self.agent_list) - set(AGENTS)
        if unknown:
            errors["agents"] = f"Unknown engine agents: {sorted(unknown)}."
        values = {"low": self.low, "high": self.high, "agents": self.agent_list}
        for name in missing_rule_parameters(self.kind, values):
            errors.setdefault(name, f"A rule of this kind needs {RULE_PARAMETER_WORDS[name]}.")
        if not errors and self.low is not None and self.high is not None and self.low > self.high:
            errors["high"] = "High must not be below low."
        if errors:
            raise ValidationError(errors)


RULE_PARAMETERS: dict[str, tuple[str, ...]] = {
    ManagementRule.Kind.AGENT_IN: ("agents",),
    ManagementRule.Kind.PLAN_INCLUDES: ("agents",),
    ManagementRule.Kind.PLAN_EXCLUDES: ("agents",),
    ManagementRule.Kind.DOSE_PER_KG_BETWEEN: ("low", "high"),
    ManagementRule.Kind.DAILY_MG_AT_MOST: ("high",),
    ManagementRule.Kind.INITIAL_DAYS_BETWEEN: ("low", "high"),
    ManagementRule.Kind.COURSE_DAYS_AT_LEAST: ("low",),
    ManagementRule.Kind.COURSE_DAYS_AT_MOST: ("high",),
    ManagementRule.Kind.TAPER_STEPS_AT_LEAST: ("low",),
    ManagementRule.Kind.NO_ABRUPT_STOP_ABOVE_MG: ("high",),
    ManagementRule.Kind.PJP_PROPHYLAXIS_ABOVE_MG: ("high",),
    ManagementRule.Kind.BONE_PROTECTION_COURSE_DAYS: ("low",),
    ManagementRule.Kind.MONITORING_ON_STEROIDS: (),
}
"""What each rule kind reads: the debrief never meets a rule without its numbers."""
RULE_PARAMETER_WORDS = {
    "low": "a low value",
    "high": "a high value",
    "agents": "at least one engine agent",
    "kind": "a kind from the list",
}


def missing_rule_parameters(kind: str, values: Mapping[str, object]) -> list[str]:
    """The inputs a rule of ``kind`` needs but lacks (an unknown kind lacks its kind)."""
    if kind not in RULE_PARAMETERS:
        return ["kind"]
    return [name for name in RULE_PARAMETERS[kind] if values.get(name) in (None, "", [])]


class CaseParameter(models.Model):
    """A per-case override of one engine parameter, validated by the engine itself."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parameters")
    name = models.CharField(max_length=60, validators=[validate_engine_parameter])
    value = models.FloatField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "name"], name="unique_parameter_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.name} = {self.value:g}"

    def clean(self) -> None:
        try:
            Parameters().with_overrides({self.name: self.value})
        except ValueError as error:
            raise ValidationError({"value": str(error)}) from None


class CaseReference(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="references")
    source = source_field()
    explanation = models.TextField(help_text="What the learner should read it for.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.source_id


class CaseVersionQuerySet(models.QuerySet["CaseVersion"]):
    def released(self) -> CaseVersionQuerySet:
        """Versions learners play: every one but the drafts frozen for educators' previews."""
        return self.filter(preview=False)


class CaseVersion(models.Model):
    """An immutable snapshot of a case's content, frozen when it is published.

    A preview version freezes a draft for an educator's preview attempt; it is never
    offered to learners and never counts as the case's latest version.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    frozen_at = models.DateTimeField(auto_now_add=True)
    preview = models.BooleanField(default=False)

    objects = CaseVersionQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"],
                condition=models.Q(preview=False),
                name="unique_case_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {'preview of ' if self.preview else ''}v{self.number}"


class Stage(models.TextChoices):
    """The attempt's states, in the only order they can be visited."""

    PRESENTATION = "presentation", "Presentation"
    WORKUP = "workup", "Work-up"
    INTERPRETATION = "interpretation", "Interpretation"
    DIAGNOSIS = "diagnosis", "Diagnosis"
    PLAN = "plan", "Plan"
    OUTCOME = "outcome", "Outcome"
    DEBRIEF = "debrief", "Debrief"


STAGE_ORDER = list(Stage)


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def open(self) -> AttemptQuerySet:
        """Attempts still being played: the query form of ``Attempt.is_open``."""
        return self.filter(finished_at__isnull=True, abandoned_at__isnull=True)

    def counted(self) -> AttemptQuerySet:
        """Learners' attempts, without educators' previews: what progress, gradebooks,
        analytics and item statistics count."""
        return self.filter(preview=False)


class Attempt(models.Model):
    """One learner's play of one case version, on a simulated clock in hours."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_attempts"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attempts")
    case_version = models.ForeignKey(CaseVersion, on_delete=models.PROTECT, related_name="+")
    seed = models.BigIntegerField(help_text="Draws the patient variant and the engine's clocks.")
    patient = models.JSONField(help_text="The engine patient at presentation.")
    stage = models.CharField(max_length=20, choices=Stage, default=Stage.PRESENTATION)
    clock_hours = models.PositiveIntegerField(default=0)
    cost_total = models.PositiveIntegerField(default=0)
    risk_total_pct = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    decision_event = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Position in the timeline's events of the relapse, admission or "
        "non-response awaiting the learner's decision; empty when none is open.",
    )
    timeline = models.JSONField(null=True, blank=True, help_text="The learner's engine timeline.")
    counterfactual = models.JSONField(
        null=True, blank=True, help_text="The same patient and seed under the case's model plan."
    )
    cohort_comparison = models.JSONField(
        null=True,
        blank=True,
        help_text="The learner's first plan beside the model plan over a cohort of patients "
        "like this one, computed once when the attempt finished.",
    )
    score = models.FloatField(null=True, blank=True)
    score_breakdown = models.JSONField(default=dict, blank=True)
    abandoned_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the learner gave the attempt up: it leaves their cases in progress, "
        "and everything they did stays.",
    )
    preview = models.BooleanField(
        default=False,
        help_text="An educator trying the case out: never counted in progress, gradebooks, "
        "analytics or item statistics, and free to throw away.",
    )
    started_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["user", "case"]),
            # Covers /progress/'s totals and attempt list, so SQLite never reads the rows'
            # large timeline JSON to count a long history (preview too: previews are left out).
            models.Index(
                fields=[
                    *("user", "started_at", "id", "case", "stage", "score"),
                    *("finished_at", "last_activity_at", "preview"),
                ],
                name="case_attempt_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.case} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse(f"cases:{self.stage}", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Still being played: the one definition of an open case attempt (see ``open``)."""
        return self.finished_at is None and self.abandoned_at is None

    @cached_property
    def content(self) -> CaseContent:
        """The frozen case content this attempt plays, read from its version's snapshot."""
        from cases.content import CaseContent  # content.py reads these models

        return CaseContent(self.case_version.snapshot)

    def stage_reached(self, stage: str) -> bool:
        """Whether the attempt is at or past ``stage``."""
        return STAGE_ORDER.index(Stage(self.stage)) >= STAGE_ORDER.index(Stage(stage))

    @property
    def clock_day(self) -> int:
        return self.clock_hours // 24

    @property
    def revealed_until_day(self) -> int | None:
        """The last outcome day the learner has seen: the open decision's day, else the end."""
        if self.timeline is None:
            return None
        if self.decision_event is None:
            return HORIZON_DAYS - 1
        return self.timeline["events"][self.decision_event]["day"]


class HistoryAsk(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="history_asks")
    item_key = models.SlugField(max_length=60)
    appropriateness = models.CharField(max_length=20, choices=Appropriateness)
    asked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "item_key"], name="unique_history_ask")
        ]

    def __str__(self) -> str:
        return self.item_key


class TestOrder(models.Model):
    """A test the learner ordered; its result shows once the clock reaches ready_at_hours."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="test_orders")
    investigation_key = models.SlugField(max_length=60)
    ordered_at_hours = models.PositiveIntegerField()
    ready_at_hours = models.PositiveIntegerField()
    cost = models.PositiveIntegerField()
    risk_pct = models.DecimalField(max_digits=5, decimal_places=2)
    appropriateness = models.CharField(max_length=20, choices=Appropriateness)
    ordered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ordered_at_hours", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "investigation_key"], name="unique_test_order"
            )
        ]

    def __str__(self) -> str:
        return self.investigation_key


class InterpretationAnswer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question_key = models.SlugField(max_length=60)
    selected = models.JSONField(help_text="Option keys the learner chose.")
    score = models.FloatField()
    topic_slug = models.SlugField(
        max_length=120,
        blank=True,
        default="",
        help_text="The question's topic in the case version answered, kept with the answer so "
        "mastery by topic needs no case content.",
    )
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question_key"], name="unique_answer")
        ]

    def __str__(self) -> str:
        return self.question_key


class DiagnosisSubmission(models.Model):
    class Likelihood(models.TextChoices):
        UNLIKELY = "unlikely", "Unlikely"
        POSSIBLE = "possible", "Possible"
        LIKELY = "likely", "Likely"

    attempt = models.OneToOneField(
        Attempt, on_delete=models.CASCADE, related_name="diagnosis_submission"
    )
    primary_key = models.SlugField(max_length=60)
    confidence_pct = models.PositiveIntegerField(validators=[MaxValueValidator(100)])
    differential = models.JSONField(help_text="Diagnosis key to likelihood.")
    submitted_at_hours = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.primary_key} ({self.confidence_pct}%)"


class PlanSubmission(models.Model):
    """A plan the learner submitted: number 0 is the first plan, later ones are revisions."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveIntegerField()
    effective_day = models.PositiveIntegerField()
    plan = models.JSONField(help_text="The engine plan, as Plan.to_dict() gives it.")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "number"], name="unique_plan_number")
        ]

    def __str__(self) -> str:
        return f"plan {self.number} from day {self.effective_day}"


class CourseOutcome(models.Model):
    """What happened over five years in one finished attempt: under the learner's plan, or
    under the case's model plan for the same patient and seed (the debrief's counterfactual).
    Written when the attempt is scored.

    Each timeline is some 50 kB of JSON; these few columns let case analytics compare the
    outcome rates of thousands of attempts with one GROUP BY instead of reading them all.
    """

    class Course(models.TextChoices):
        LEARNER = "learner", "The learner's plan"
        RECOMMENDED = "recommended", "The case's model plan"

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="outcomes")
    course = models.CharField(max_length=12, choices=Course)
    relapses = models.PositiveSmallIntegerField()
    adverse_events = models.PositiveSmallIntegerField()
    admissions = models.PositiveSmallIntegerField()
    recovered = models.BooleanField()
    alive_at_5y = models.BooleanField()
    cumulative_1y_mg = models.PositiveIntegerField()

    class Meta:
        ordering = ["attempt", "course"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "course"], name="one_outcome_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.course}"

    @classmethod
    def from_summary(cls, attempt: Attempt, course: str, summary: dict[str, Any]) -> CourseOutcome:
        """A row from ``selectors.timeline_summary``, the numbers the debrief compares."""
        return cls(
            attempt=attempt,
            course=course,
            relapses=summary["relapses"],
            adverse_events=summary["adverse_events"],
            admissions=summary["admissions"],
            recovered=summary["recovered"],
            alive_at_5y=summary["alive_at_5y"],
            cumulative_1y_mg=summary["cumulative_1y_mg"],
        )


class CheckResult(models.Model):
    """One check of a scored attempt's breakdown, as its debrief shows it, as a row.

    Written from the breakdown when the attempt is scored, so whatever competencies and
    checks the rubric gives are kept as they are; case analytics group these rows instead
    of parsing thousands of JSON breakdowns.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="check_results")
    competency = models.SlugField(max_length=40)
    competency_label = models.CharField(max_length=120)
    competency_position = models.PositiveSmallIntegerField()
    competency_score = models.FloatField(help_text="Share of the competency earned, 0 to 1.")
    position = models.PositiveSmallIntegerField(help_text="The check's place in its competency.")
    label = models.CharField(max_length=300)
    earned = models.FloatField(help_text="Share of the check earned, 0 to 1.")
    due = models.BooleanField(default=True, help_text="False when nothing was owed.")

    class Meta:
        ordering = ["attempt", "competency_position", "position"]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.label}"

    @classmethod
    def from_breakdown(cls, attempt_id: int, breakdown: dict[str, Any]) -> list[CheckResult]:
        """The rows of one breakdown, as ``ScoreCard.to_dict`` gives it and the debrief shows."""
        return [
            cls(
                attempt_id=attempt_id,
                competency=competency["key"],
                competency_label=competency["label"],
                competency_position=competency_position,
                competency_score=competency["score"],
                position=position,
                label=check["label"][:300],
                earned=check["earned"],
                due=check.get("due", True),
            )
            for competency_position, competency in enumerate(breakdown.get("competencies", []))
            for position, check in enumerate(competency.get("checks", []))
        ]
