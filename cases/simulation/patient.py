"""The simulated patient: demographics, diagnosis, findings at presentation and risk factors."""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, fields
from enum import StrEnum
from typing import Any, Literal, TypeVar

CM_PER_INCH = 2.54
DEVINE_BASE_HEIGHT_CM = 60 * CM_PER_INCH
DEVINE_KG_PER_INCH = 2.3
DEVINE_BASE_KG = {"male": 50.0, "female": 45.5}


EnumT = TypeVar("EnumT", bound=StrEnum)


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Disease(StrEnum):
    """What the patient really has; the learner may believe something else."""

    TYPICAL_COP = "typical_cop"
    MILD_COP = "mild_cop"
    FULMINANT_OP = "fulminant_op"
    FOCAL_OP = "focal_op"
    CICATRICIAL_OP = "cicatricial_op"
    SECONDARY_OP = "secondary_op"
    COMMUNITY_ACQUIRED_PNEUMONIA = "community_acquired_pneumonia"
    CHRONIC_EOSINOPHILIC_PNEUMONIA = "chronic_eosinophilic_pneumonia"
    HYPERSENSITIVITY_PNEUMONITIS = "hypersensitivity_pneumonitis"
    INVASIVE_MUCINOUS_ADENOCARCINOMA = "invasive_mucinous_adenocarcinoma"
    LYMPHOMA = "lymphoma"


class SecondaryCause(StrEnum):
    """The identifiable cause of a secondary organizing pneumonia."""

    DRUG = "drug"
    CONNECTIVE_TISSUE_DISEASE = "connective_tissue_disease"
    INFECTION = "infection"
    RADIATION = "radiation"
    """Radiotherapy for breast cancer (NEJM Table 1, GARD): a finished course, nothing to stop."""


class Extent(StrEnum):
    FOCAL = "focal"
    MULTIFOCAL = "multifocal"


class ImagingPattern(StrEnum):
    CONSOLIDATION = "consolidation"
    GROUND_GLASS = "ground_glass"
    NODULAR = "nodular"
    RETICULAR = "reticular"


AIRSPACE_PATTERNS = frozenset(
    {ImagingPattern.CONSOLIDATION, ImagingPattern.GROUND_GLASS, ImagingPattern.NODULAR}
)

# Thresholds that define the named relapse risk factors and the "mild disease" criteria.
# They are definitions quoted from the sources, not tunable model parameters.
DLCO_LOW_PCT = 50.0  # NEJM: DLCO < 50 % predicted
PAO2_LOW_MMHG = 70.0  # NEJM: hypoxemia, PaO2 < 70 mm Hg
GGT_CHOLESTASIS_IU_L = 124.0  # SUM-MX: GGT > 124 IU/L and ALP > 190 IU/L, both
ALP_CHOLESTASIS_IU_L = 190.0  # SUM-MX
MILD_FVC_PCT = 80.0  # SUM-MX: FVC > 80 %
MILD_FEV1_PCT = 70.0  # SUM-MX: FEV1 > 70 %
# "Respiratory insufficiency" is not given a number in the sources; PaO2 < 60 mm Hg is the
# conventional definition of hypoxemic respiratory failure and is used here.
RESPIRATORY_INSUFFICIENCY_PAO2_MMHG = 60.0


CULPRIT_MAX_LENGTH = 120


@dataclass(frozen=True)
class Finding:
    """How an author writes one of the patient's findings at presentation.

    ``kind`` says what is written: a number (``low`` to ``high`` in ``unit``), a whole
    number, one of ``choices``, a yes/no flag, or free text. The ranges are the engine's
    input limits (what it accepts), not reference ranges: the sources give no bounds for
    them, so they are ours, wide enough for any patient a case could describe.
    """

    name: str
    label: str
    kind: Literal["number", "integer", "choice", "flag", "text"]
    help: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()


FINDINGS: tuple[Finding, ...] = (
    Finding(
        "extent",
        "Extent",
        "choice",
        "One area of disease, or several (NEJM: multifocal opacities are a relapse factor).",
        choices=tuple(member.value for member in Extent),
    ),
    Finding(
        "imaging_pattern",
        "Imaging pattern",
        "choice",
        "The dominant CT pattern; consolidation, ground glass and nodules are airspace patterns, "
        "reticular is the fibrosing one.",
        choices=tuple(member.value for member in ImagingPattern),
    ),
    Finding("fvc_pct", "FVC", "number", "Forced vital capacity.", "% predicted", 0.0, 1000.0),
    Finding(
        "fev1_pct", "FEV1", "number", "Forced expiratory volume in 1 s.", "% predicted", 0.0, 1000.0
    ),
    Finding(
        "dlco_pct",
        "DLCO",
        "number",
        f"Diffusing capacity; below {DLCO_LOW_PCT:g} % is a relapse factor (NEJM).",
        "% predicted",
        0.0,
        1000.0,
    ),
    Finding(
        "spo2_pct", "SpO2", "number", "Oxygen saturation at rest, on room air.", "%", 50.0, 100.0
    ),
    Finding(
        "pao2_mmhg",
        "PaO2",
        "number",
        f"Arterial oxygen; below {PAO2_LOW_MMHG:g} mm Hg is a relapse factor (NEJM), below "
        f"{RESPIRATORY_INSUFFICIENCY_PAO2_MMHG:g} respiratory insufficiency.",
        "mm Hg",
        0.0,
        1000.0,
    ),
    Finding("crp_mg_dl", "CRP", "number", "C-reactive protein.", "mg/dL", 0.0, 1000.0),
    Finding("esr_mm_h", "ESR", "number", "Erythrocyte sedimentation rate.", "mm/h", 0.0, 1000.0),
    Finding(
        "leukocytes_per_ul",
        "Leukocytes",
        "number",
        "White cells in blood.",
        "per µL",
        0.0,
        500000.0,
    ),
    Finding(
        "eosinophils_per_ul",
        "Eosinophils",
        "number",
        "Eosinophils in blood.",
        "per µL",
        0.0,
        100000.0,
    ),
    Finding(
        "ggt_iu_l",
        "GGT",
        "number",
        f"Gamma-GT; above {GGT_CHOLESTASIS_IU_L:g} IU/L together with an ALP above "
        f"{ALP_CHOLESTASIS_IU_L:g} IU/L counts as cholestasis, a relapse factor (SUM-MX).",
        "IU/L",
        0.0,
        10000.0,
    ),
    Finding(
        "alp_iu_l",
        "ALP",
        "number",
        f"Alkaline phosphatase; above {ALP_CHOLESTASIS_IU_L:g} IU/L together with a GGT above "
        f"{GGT_CHOLESTASIS_IU_L:g} IU/L counts as cholestasis (SUM-MX).",
        "IU/L",
        0.0,
        10000.0,
    ),
    Finding(
        "bal_lymphocytes_pct",
        "BAL lymphocytes",
        "number",
        "Share of lavage cells.",
        "% of cells",
        0.0,
        100.0,
    ),
    Finding(
        "days_since_onset",
        "Days since onset",
        "integer",
        "Days from the first symptom to presentation; the work-up adds to it, and a long delay "
        "raises the risk of relapse (NEJM).",
        "days",
        0,
        3650,
    ),
    Finding(
        "secondary_cause",
        "Secondary cause",
        "choice",
        "Only for a secondary organizing pneumonia, and then required: what causes it.",
        choices=tuple(member.value for member in SecondaryCause),
    ),
    Finding(
        "culprit",
        "Named culprit",
        "text",
        "The cause by name, as the case tells it (the drug, the disease, the organism); only "
        "with a secondary cause. The engine does not read it.",
        high=CULPRIT_MAX_LENGTH,
    ),
    Finding(
        "traction_bronchiectasis",
        "Traction bronchiectasis",
        "flag",
        "Seen on CT; a relapse factor (NEJM).",
    ),
    Finding(
        "fibrin_or_scarring_on_histology",
        "Fibrin or scarring on histology",
        "flag",
        "Intra-alveolar fibrin or background scarring on biopsy; a relapse factor (NEJM).",
    ),
)
"""Every finding an author writes, in the order a form shows them: the one description the
admin form, its help text and docs/authoring.md take their units and ranges from."""
FINDING_BY_NAME = {finding.name: finding for finding in FINDINGS}


def ideal_body_weight_kg(height_cm: float, sex: Sex) -> float:
    """Devine formula: 50 kg (men) or 45.5 kg (women) plus 2.3 kg per inch above five feet.

    NEJM doses prednisone per kilogram of *ideal* body weight so that obese patients are
    not overdosed. Below five feet the same slope is applied downwards.
    """
    inches_above_five_feet = (height_cm - DEVINE_BASE_HEIGHT_CM) / CM_PER_INCH
    return DEVINE_BASE_KG[Sex(sex).value] + DEVINE_KG_PER_INCH * inches_above_five_feet


@dataclass(frozen=True)
class Patient:
    """One patient at presentation (simulation day 0).

    Laboratory units: CRP mg/dL, ESR mm/h, leukocytes and eosinophils per microlitre,
    GGT and ALP IU/L, BAL lymphocytes % of cells. Physiology in % predicted, SpO2 %, PaO2 mm Hg.
    """

    age: int
    sex: Sex
    height_cm: float
    weight_kg: float
    disease: Disease
    extent: Extent
    imaging_pattern: ImagingPattern
    fvc_pct: float
    fev1_pct: float
    dlco_pct: float
    spo2_pct: float
    pao2_mmhg: float
    crp_mg_dl: float
    esr_mm_h: float
    leukocytes_per_ul: float
    eosinophils_per_ul: float
    ggt_iu_l: float
    alp_iu_l: float
    bal_lymphocytes_pct: float
    days_since_onset: int
    secondary_cause: SecondaryCause | None = None
    culprit: str = ""
    """The secondary cause by name (amiodarone, rheumatoid arthritis); shown, never modelled."""
    traction_bronchiectasis: bool = False
    fibrin_or_scarring_on_histology: bool = False

    def __post_init__(self) -> None:
        for name, enum in (
            ("sex", Sex),
            ("disease", Disease),
            ("extent", Extent),
            ("imaging_pattern", ImagingPattern),
        ):
            object.__setattr__(self, name, _enum_value(enum, name, getattr(self, name)))
        if self.secondary_cause is not None:
            cause = _enum_value(SecondaryCause, "secondary_cause", self.secondary_cause)
            object.__setattr__(self, "secondary_cause", cause)
        _check_range("age", self.age, 16, 100)
        _check_range("height_cm", self.height_cm, 120.0, 220.0)
        _check_range("weight_kg", self.weight_kg, 30.0, 250.0)
        for finding in FINDINGS:
            if finding.low is not None and finding.high is not None and finding.kind != "text":
                _check_range(finding.name, getattr(self, finding.name), finding.low, finding.high)
        needs_cause = self.disease is Disease.SECONDARY_OP
        if needs_cause != (self.secondary_cause is not None):
            raise ValueError(
                "secondary_cause must be one of "
                f"{[cause.value for cause in SecondaryCause]} when disease is secondary_op, "
                "and None for every other disease"
            )
        if self.culprit and self.secondary_cause is None:
            raise ValueError("culprit names a secondary cause, so it needs one")
        if len(self.culprit) > CULPRIT_MAX_LENGTH:
            raise ValueError(f"culprit must be at most {CULPRIT_MAX_LENGTH} characters")

    @property
    def ideal_body_weight_kg(self) -> float:
        return ideal_body_weight_kg(self.height_cm, self.sex)

    @property
    def cholestasis(self) -> bool:
        """SUM-MX's marker of repeated relapse: a raised GGT *and* a raised ALP, not either."""
        return self.ggt_iu_l > GGT_CHOLESTASIS_IU_L and self.alp_iu_l > ALP_CHOLESTASIS_IU_L

    @property
    def low_dlco(self) -> bool:
        return self.dlco_pct < DLCO_LOW_PCT

    @property
    def hypoxemic(self) -> bool:
        return self.pao2_mmhg < PAO2_LOW_MMHG

    @property
    def meets_mild_criteria(self) -> bool:
        """SUM-MX's criteria for the clarithromycin option: preserved spirometry, no failure."""
        return (
            self.fvc_pct > MILD_FVC_PCT
            and self.fev1_pct > MILD_FEV1_PCT
            and self.pao2_mmhg >= RESPIRATORY_INSUFFICIENCY_PAO2_MMHG
        )

    @property
    def severe_multifocal(self) -> bool:
        """NEJM's 'severe disease, including multifocal opacities' relapse factor."""
        return self.extent is Extent.MULTIFOCAL and not self.meets_mild_criteria

    @property
    def airspace_pattern(self) -> bool:
        return self.imaging_pattern in AIRSPACE_PATTERNS

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Patient:
        known = {field.name for field in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown patient fields {sorted(unknown)}; allowed: {sorted(known)}")
        missing = {f.name for f in fields(cls) if f.default is MISSING} - set(data)
        if missing:
            raise ValueError(f"missing patient fields {sorted(missing)}")
        return cls(**data)


def _enum_value(enum: type[EnumT], name: str, value: object) -> EnumT:
    try:
        return enum(str(value))
    except ValueError:
        allowed = [member.value for member in enum]
        raise ValueError(f"{name} must be one of {allowed}, not {value!r}") from None


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, not {value}")
