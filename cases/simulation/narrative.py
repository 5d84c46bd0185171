"""Learner-facing sentences for model events, each tagged with the source behind the rule.

The facts come from the sources; the wording is ours. Keep sentences short, concrete and free
of hints about the true diagnosis beyond what the patient's course itself reveals.
"""

from __future__ import annotations

from enum import StrEnum

from .model import Happening, Occurrence
from .parameters import Parameters
from .patient import Disease, Patient
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
    }
)
"""Happenings that call for the learner to rethink the plan: a relapse, no response to
treatment, or an admission (NEJM, SUM-MX). The case player stops the course at each."""

IMPROVEMENT_BY_THERAPY: dict[str, Narration] = {
    "glucocorticoid": (
        EventKind.SYMPTOM_CHANGE,
        "Cough and breathlessness ease and the fever settles: the steroid is taking effect, "
        "as it usually does within a few days in organizing pneumonia.",
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
        "Without any treatment the patient reports feeling better; a minority of mild cases "
        "settle on their own.",
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
        "normal: a lasting abnormality, as seen in about a third of patients.",
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
        "The patient dies of an unrelated illness; most deaths after COP are not caused by it.",
        Source.NEJM,
    ),
    Happening.DEATH_PNEUMOCYSTIS: (
        EventKind.DEATH,
        "Despite treatment the Pneumocystis pneumonia is fatal.",
        Source.NEJM,
    ),
    Happening.DEATH_UNDERLYING: (
        EventKind.DEATH,
        "The patient dies of the illness behind the organizing pneumonia; deaths are more "
        "common in secondary forms for this reason.",
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

DEATH_FROM_DISEASE: dict[Disease, str] = {
    Disease.FULMINANT_OP: (
        "Respiratory failure progresses despite ventilation and the patient dies; this is how "
        "fulminant organizing pneumonia kills, usually within weeks of admission."
    ),
    Disease.COMMUNITY_ACQUIRED_PNEUMONIA: (
        "The untreated bacterial pneumonia overwhelms the patient, who dies of sepsis."
    ),
}
MALIGNANCY_DEATH = (
    "The lesions kept growing because they were never organizing pneumonia; the patient dies "
    "of the tumour."
)


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
    return (_narrate_one(occurrence, patient),)


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


def _narrate_one(occurrence: Occurrence, patient: Patient) -> Narration:
    happening = occurrence.happening
    if happening is Happening.IMPROVEMENT:
        return IMPROVEMENT_BY_THERAPY[occurrence.therapy]
    if happening is Happening.RELAPSE:
        return _relapse(occurrence, patient)
    if happening is Happening.DEATH_DISEASE:
        text = DEATH_FROM_DISEASE.get(patient.disease, MALIGNANCY_DEATH)
        return EventKind.DEATH, text, Source.NEJM
    if happening in MONITORED_HARMS:
        caught, missed = MONITORED_HARMS[happening]
        return caught if occurrence.therapy == "monitored" else missed
    return FIXED_NARRATION[happening]


def _relapse(occurrence: Occurrence, patient: Patient) -> Narration:
    if patient.disease is Disease.SECONDARY_OP or (
        patient.disease is Disease.HYPERSENSITIVITY_PNEUMONITIS
    ):
        return (
            EventKind.RELAPSE,
            "The symptoms and opacities come back. While its cause is still present, secondary "
            "organizing pneumonia tends to recur.",
            Source.SUM_DX,
        )
    if occurrence.steroid_mg == 0:
        return (
            EventKind.RELAPSE,
            "Weeks after stopping treatment the cough returns and CT shows new patches: a "
            "relapse, most likely when treatment ends early.",
            Source.MSD,
        )
    return (
        EventKind.RELAPSE,
        f"On {occurrence.steroid_mg:.0f} mg of prednisone a day the breathlessness returns and "
        "new opacities appear: a relapse, typical once the dose falls to 15 mg or less.",
        Source.NEJM,
    )


def presentation(patient: Patient) -> list[Narration]:
    """Events on day 0: the admission labs, and admission itself for fulminant disease."""
    labs = (
        EventKind.LAB_RESULT,
        f"Admission bloods: CRP {patient.crp_mg_dl:.1f} mg/dL, ESR {patient.esr_mm_h:.0f} mm/h, "
        f"leukocytes {patient.leukocytes_per_ul:.0f}/µL, eosinophils "
        f"{patient.eosinophils_per_ul:.0f}/µL. Inflammatory markers are often raised but do not "
        "make the diagnosis.",
        Source.NEJM,
    )
    if patient.disease is not Disease.FULMINANT_OP:
        return [labs]
    admission = (
        EventKind.HOSPITALIZATION,
        f"Breathlessness has escalated within days; SpO2 is {patient.spo2_pct:.0f}% and the "
        "patient needs high-flow oxygen in hospital.",
        Source.NEJM,
    )
    return [admission, labs]
