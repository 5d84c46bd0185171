"""Learner-facing sentences for model events, each tagged with the source behind the rule.

The facts come from the sources; the wording is ours. Keep sentences short, concrete and free
of hints about the true diagnosis beyond what the patient's course itself reveals: a sentence a
mimic can produce (eosinophilic pneumonia improving on steroids) must not name organizing
pneumonia. Every disease, cause and happening has its entry; a missing one raises.
"""

from __future__ import annotations

from enum import StrEnum

from .diseases import behaviour_for
from .model import Happening, Occurrence
from .parameters import Parameters
from .patient import Disease, Patient, SecondaryCause
from .sources import Source


class EventKind(StrEnum):
    SYMPTOM_CHANGE = "symptom_change"
    IMAGING_CHANGE = "imaging_change"
    LAB_RESULT = "lab_result"
    RELAPSE = "relapse"
    ADVERSE_EVENT = "adverse_event"
    HOSPITALIZATION = "hospitalization"
    DEATH = "death"
    RECOVERY = "recovery"


Narration = tuple[EventKind, str, Source]

DECISION_POINTS = frozenset(
    {
        Happening.RELAPSE,
        Happening.NON_RESPONSE,
        Happening.NO_IMPROVEMENT,
        Happening.WORSENING,
        Happening.PNEUMOCYSTIS,
        Happening.ADRENAL_INSUFFICIENCY,
    }
)
"""Happenings that call for the learner to rethink the plan: a relapse, no response to
treatment, or an admission (NEJM, SUM-MX). The case player stops the course at each."""

IMPROVEMENT_BY_THERAPY: dict[str, Narration] = {
    "glucocorticoid": (
        EventKind.SYMPTOM_CHANGE,
        "Cough and breathlessness ease and the fever settles: the steroid is taking effect.",
        Source.NEJM,
    ),
    "macrolide": (
        EventKind.SYMPTOM_CHANGE,
        "On clarithromycin the cough lessens and exercise tolerance returns.",
        Source.SUM_MX,
    ),
    "immunosuppressant": (
        EventKind.SYMPTOM_CHANGE,
        "After weeks on the immunosuppressant, breathing is finally a little easier.",
        Source.NEJM,
    ),
    "cause_removal": (
        EventKind.SYMPTOM_CHANGE,
        "With the trigger dealt with, the symptoms start to recede.",
        Source.SUM_DX,
    ),
    "antibiotic": (
        EventKind.SYMPTOM_CHANGE,
        "The fever breaks and the cough loosens on antibiotics.",
        Source.NEJM,
    ),
    "none": (
        EventKind.SYMPTOM_CHANGE,
        "Without disease-directed treatment the patient reports feeling better.",
        Source.SUM_MX,
    ),
}

FIXED_NARRATION: dict[Happening, Narration] = {
    Happening.NO_IMPROVEMENT: (
        EventKind.SYMPTOM_CHANGE,
        "Two weeks on there is still no improvement. Time to question the diagnosis or "
        "change the treatment.",
        Source.SUM_MX,
    ),
    Happening.WORSENING: (
        EventKind.HOSPITALIZATION,
        "Fever climbs and oxygen needs rise; the patient is admitted. This pneumonia is not "
        "responding to what has been given.",
        Source.NEJM,
    ),
    Happening.IMAGING_RESIDUAL: (
        EventKind.IMAGING_CHANGE,
        "The follow-up CT improves but some shadows remain, and breathing tests stay below "
        "normal: a lasting abnormality.",
        Source.GARD,
    ),
    Happening.RESECTION_CURE: (
        EventKind.RECOVERY,
        "The solitary lesion is removed surgically and pathology confirms the diagnosis; "
        "no further treatment is needed.",
        Source.NEJM,
    ),
    Happening.RESECTION_FUTILE: (
        EventKind.IMAGING_CHANGE,
        "Surgery removes one lesion, but the disease elsewhere in the lungs is untouched.",
        Source.NEJM,
    ),
    Happening.PNEUMOCYSTIS: (
        EventKind.HOSPITALIZATION,
        "New fever, dry cough and falling oxygen levels: Pneumocystis pneumonia, a risk of "
        "prednisone above 20 mg a day without prophylaxis.",
        Source.NEJM,
    ),
    Happening.ADRENAL_INSUFFICIENCY: (
        EventKind.HOSPITALIZATION,
        "Days after the prednisone stopped the patient is exhausted, dizzy on standing and "
        "vomiting, with low blood pressure and sodium: adrenal insufficiency, because weeks of "
        "high-dose steroid were stopped at once instead of tapered.",
        Source.SUM_MX,
    ),
    Happening.SERIOUS_INFECTION: (
        EventKind.HOSPITALIZATION,
        "High fever and rigors: a serious bacterial infection needing admission and "
        "intravenous antibiotics, a risk of immunosuppressive treatment.",
        Source.SUM_MX,
    ),
    Happening.CYTOPENIA: (
        EventKind.ADVERSE_EVENT,
        "A blood count shows the white cells have fallen dangerously low: marrow suppression "
        "from the immunosuppressant, which has to be stopped or reduced.",
        Source.NEJM,
    ),
    Happening.HEPATOTOXICITY: (
        EventKind.ADVERSE_EVENT,
        "Liver enzymes climb to several times normal: liver injury from azathioprine.",
        Source.NEJM,
    ),
    Happening.HEMORRHAGIC_CYSTITIS: (
        EventKind.ADVERSE_EVENT,
        "Blood in the urine: haemorrhagic cystitis, a bladder harm of cyclophosphamide.",
        Source.NEJM,
    ),
    Happening.MYOPATHY: (
        EventKind.ADVERSE_EVENT,
        "Climbing stairs has become hard because the thigh muscles are weak: steroid myopathy.",
        Source.SUM_MX,
    ),
    Happening.FRACTURE: (
        EventKind.ADVERSE_EVENT,
        "A vertebral fracture after a minor strain points to steroid-induced osteoporosis.",
        Source.SUM_MX,
    ),
    Happening.AVASCULAR_NECROSIS: (
        EventKind.ADVERSE_EVENT,
        "Deep hip pain turns out to be avascular necrosis of the femoral head, a harm of "
        "long steroid courses.",
        Source.SUM_MX,
    ),
    Happening.DEATH_BACKGROUND: (
        EventKind.DEATH,
        "The patient dies of an unrelated illness.",
        Source.NEJM,
    ),
    Happening.DEATH_PNEUMOCYSTIS: (
        EventKind.DEATH,
        "Despite treatment the Pneumocystis pneumonia is fatal.",
        Source.NEJM,
    ),
}

MONITORED_HARMS: dict[Happening, tuple[Narration, Narration]] = {
    Happening.HYPERGLYCEMIA: (
        (
            EventKind.LAB_RESULT,
            "Routine glucose checks show steroid-induced hyperglycaemia, caught early.",
            Source.SUM_MX,
        ),
        (
            EventKind.ADVERSE_EVENT,
            "Thirst and frequent urination: steroid-induced diabetes that nobody was checking for.",
            Source.SUM_MX,
        ),
    ),
    Happening.HYPERTENSION: (
        (
            EventKind.LAB_RESULT,
            "Blood-pressure checks pick up steroid-related hypertension, now treated.",
            Source.SUM_MX,
        ),
        (
            EventKind.ADVERSE_EVENT,
            "Headaches lead to a blood-pressure reading that is far too high; it had not "
            "been monitored on steroids.",
            Source.SUM_MX,
        ),
    ),
}

DEATH_FROM_DISEASE: dict[Disease, str | None] = {
    Disease.TYPICAL_COP: None,
    Disease.MILD_COP: None,
    Disease.FOCAL_OP: None,
    Disease.CICATRICIAL_OP: None,
    Disease.SECONDARY_OP: None,
    Disease.CHRONIC_EOSINOPHILIC_PNEUMONIA: None,
    Disease.HYPERSENSITIVITY_PNEUMONITIS: None,
    Disease.FULMINANT_OP: (
        "Respiratory failure progresses despite ventilation and the patient dies, weeks after "
        "the admission."
    ),
    Disease.COMMUNITY_ACQUIRED_PNEUMONIA: (
        "High fever, falling blood pressure and failing organs: the patient dies of sepsis."
    ),
    Disease.INVASIVE_MUCINOUS_ADENOCARCINOMA: (
        "The opacities keep spreading whatever is given, and the patient dies of the disease in "
        "the lungs."
    ),
    Disease.LYMPHOMA: (
        "The opacities keep growing whatever is given, and the patient dies of the disease in "
        "the lungs."
    ),
}
"""The death each disease itself causes; None for a disease that does not kill by itself
(deaths then come from other causes). A disease missing from the table raises. Each says how
the patient dies without naming the disease: the outcome page comes before the debrief, which
is where the diagnosis is revealed (NEJM: respiratory failure kills in fulminant OP)."""
DEATH_FROM_CAUSE: dict[SecondaryCause, str | None] = {
    SecondaryCause.DRUG: None,
    SecondaryCause.INFECTION: None,
    SecondaryCause.CONNECTIVE_TISSUE_DISEASE: (
        "The patient dies of the illness behind the lung disease, which kept progressing; "
        "when lung inflammation of this kind has a cause, deaths mostly come from that cause."
    ),
    SecondaryCause.RADIATION: None,
}
"""The death the illness behind a secondary OP causes (None: the cause is no illness)."""
TRIGGER_REMOVED = " The trigger was removed, so this is the disease's own course."
CAUSE_GONE_ON_RELAPSE: dict[SecondaryCause, str] = {
    SecondaryCause.DRUG: TRIGGER_REMOVED,
    SecondaryCause.INFECTION: TRIGGER_REMOVED,
    SecondaryCause.CONNECTIVE_TISSUE_DISEASE: TRIGGER_REMOVED,
    SecondaryCause.RADIATION: " No trigger is still acting, so this is the disease's own course.",
}
"""What a relapse sentence adds about a secondary OP's cause once it no longer acts: removed by
the plan, or (radiotherapy) over before the patient presented. Neither names the cause, so the
sentence gives away nothing the debrief should reveal."""


CLEARING: tuple[Narration, Narration] = (
    (
        EventKind.IMAGING_CHANGE,
        "The follow-up CT shows the opacities have cleared.",
        Source.NEJM,
    ),
    (
        EventKind.RECOVERY,
        "Symptoms gone and the CT clear: a complete recovery, the usual outcome for most "
        "patients with this disease.",
        Source.SUM_DX,
    ),
)


def narrate(occurrence: Occurrence, patient: Patient, params: Parameters) -> tuple[Narration, ...]:
    """Kind, sentence and source of each learner event one model event produces."""
    if occurrence.happening is Happening.IMAGING_CLEARED:
        return CLEARING
    if occurrence.happening is Happening.NON_RESPONSE:
        return (_non_response(params),)
    return (_narrate_one(occurrence, patient, params),)


def _non_response(params: Parameters) -> Narration:
    hours = params.non_response_assessment_days * 24
    return (
        EventKind.SYMPTOM_CHANGE,
        f"After {hours:.0f} hours of a full steroid dose there is no sign of improvement. "
        "One management summary says to rethink the diagnosis or treat the disease as "
        "refractory at this point; the NEJM review says improvement usually starts within "
        "24 to 72 hours. Decide whether to wait or to act.",
        Source.SUM_MX,
    )


def disease_death_text(disease: Disease) -> str | None:
    """The sentence for a death the disease itself causes; a disease without an entry raises."""
    try:
        return DEATH_FROM_DISEASE[disease]
    except KeyError:
        raise ValueError(f"no death narration is defined for disease {disease!r}") from None


def cause_death_text(cause: SecondaryCause) -> str | None:
    try:
        return DEATH_FROM_CAUSE[cause]
    except KeyError:
        raise ValueError(f"no death narration is defined for cause {cause!r}") from None


def _narrate_one(occurrence: Occurrence, patient: Patient, params: Parameters) -> Narration:
    happening = occurrence.happening
    if happening is Happening.IMPROVEMENT:
        return IMPROVEMENT_BY_THERAPY[occurrence.therapy]
    if happening is Happening.RELAPSE:
        return _relapse(occurrence, patient, params)
    if happening in (Happening.DEATH_DISEASE, Happening.DEATH_UNDERLYING):
        return EventKind.DEATH, _death_text(happening, patient), Source.NEJM
    if happening in MONITORED_HARMS:
        caught, missed = MONITORED_HARMS[happening]
        return caught if occurrence.therapy == "monitored" else missed
    return FIXED_NARRATION[happening]


def _death_text(happening: Happening, patient: Patient) -> str:
    """The patient's own cause of death; a cause the patient does not have is an error."""
    if happening is Happening.DEATH_DISEASE:
        text = disease_death_text(patient.disease)
    else:
        text = (
            None if patient.secondary_cause is None else cause_death_text(patient.secondary_cause)
        )
    if text is None:
        raise ValueError(f"{patient.disease} cannot cause {happening}")
    return text


def _cause_gone(patient: Patient) -> str:
    """The relapse sentence's note on a cause that no longer acts; empty without a cause."""
    if patient.secondary_cause is None:
        return TRIGGER_REMOVED if behaviour_for(patient).removable_cause is not None else ""
    try:
        return CAUSE_GONE_ON_RELAPSE[patient.secondary_cause]
    except KeyError:
        raise ValueError(
            f"no relapse narration is defined for cause {patient.secondary_cause!r}"
        ) from None


def _relapse(occurrence: Occurrence, patient: Patient, params: Parameters) -> Narration:
    if occurrence.cause_present:
        return (
            EventKind.RELAPSE,
            "The symptoms and opacities come back while their trigger is still present; as "
            "long as it remains, the disease tends to recur.",
            Source.SUM_DX,
        )
    cause = _cause_gone(patient)
    dose = occurrence.steroid_mg
    if occurrence.days_off_treatment is not None:
        since = how_long(occurrence.days_off_treatment)
        return (
            EventKind.RELAPSE,
            f"{since} after treatment stopped the cough returns and CT shows new patches: a "
            f"relapse, most likely when treatment ends early or stops abruptly.{cause}",
            Source.MSD,
        )
    if dose == 0:
        return (
            EventKind.RELAPSE,
            f"The cough returns and CT shows new patches: a relapse.{cause}",
            Source.NEJM,
        )
    if dose <= params.low_dose_threshold_mg:
        return (
            EventKind.RELAPSE,
            f"On {dose:.0f} mg of prednisone a day the breathlessness returns and new opacities "
            f"appear: a relapse, typical once the dose falls to 15 mg or less.{cause}",
            Source.NEJM,
        )
    return (
        EventKind.RELAPSE,
        f"Despite {dose:.0f} mg of prednisone a day the breathlessness returns and new "
        f"opacities appear: a relapse.{cause}",
        Source.NEJM,
    )


def how_long(days: float) -> str:
    """A duration in the unit a clinician would say it in: days, weeks or months."""
    whole_days = max(1, round(days))
    if whole_days < 14:
        return f"{whole_days} day{'s' if whole_days > 1 else ''}"
    if whole_days < 91:
        return f"{round(whole_days / 7)} weeks"
    months = round(whole_days / 30.4)
    return f"{months} months" if months < 24 else f"{whole_days / 365:.1f} years"


def presentation(patient: Patient) -> list[Narration]:
    """Events on day 0: the presenting labs, and admission itself for fulminant disease only
    (an outpatient's day 0 is not an admission); the player shows results with the tests
    the learner ordered, so it leaves the labs out of the course."""
    labs = (
        EventKind.LAB_RESULT,
        f"Bloods at presentation: CRP {patient.crp_mg_dl:.1f} mg/dL, "
        f"ESR {patient.esr_mm_h:.0f} mm/h, "
        f"leukocytes {patient.leukocytes_per_ul:.0f}/µL, eosinophils "
        f"{patient.eosinophils_per_ul:.0f}/µL. Inflammatory markers are often raised but do not "
        "make the diagnosis.",
        Source.NEJM,
    )
    if not behaviour_for(patient).admitted_at_presentation:
        return [labs]
    admission = (
        EventKind.HOSPITALIZATION,
        f"Breathlessness has escalated within days; SpO2 is {patient.spo2_pct:.0f}% and the "
        "patient needs high-flow oxygen in hospital.",
        Source.NEJM,
    )
    return [admission, labs]
