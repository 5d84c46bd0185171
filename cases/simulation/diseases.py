"""How each true diagnosis reacts to each kind of treatment.

These are qualitative rules (does it respond, does it relapse, what kills), each tied to the
source that states it. The sizes of the effects live in :class:`Parameters`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .agents import Action
from .patient import Disease, Extent, Patient, SecondaryCause


@dataclass(frozen=True)
class DiseaseBehaviour:
    steroid_responsive: bool
    """Glucocorticoids start improvement (all OP forms and eosinophilic pneumonia, NEJM)."""
    needs_pulse: bool = False
    """Only IV pulses act fully: fulminant OP (NEJM)."""
    recalcitrant: bool = False
    """Slow, partial response: cicatricial OP (NEJM)."""
    macrolide_responsive: bool = False
    """Clarithromycin works in most patients with OP (SUM-MX)."""
    immunosuppressant_responsive: bool = False
    """Rescue agents act in OP and in the connective-tissue disease behind it (NEJM)."""
    cured_by: Action | None = None
    """Treatment that removes the disease outright (antibiotics for pneumonia, resection)."""
    removable_cause: Action | None = None
    """Order that removes the cause of a secondary OP (SUM-DX)."""
    relapses: bool = True
    self_limiting: bool = False
    """May resolve without treatment (COP, NEJM and SUM-MX)."""
    worsens_untreated: bool = False
    """Progresses to admission without its specific treatment (pneumonia, NEJM)."""
    death_rate_parameter: str | None = None
    """Parameters field with the death hazard while the disease is active."""


_OP = DiseaseBehaviour(
    steroid_responsive=True,
    macrolide_responsive=True,
    immunosuppressant_responsive=True,
    self_limiting=True,
)
_MALIGNANCY = DiseaseBehaviour(
    steroid_responsive=False,
    relapses=False,
    death_rate_parameter="malignancy_death_rate_per_day",
)

BEHAVIOURS: dict[Disease, DiseaseBehaviour] = {
    Disease.TYPICAL_COP: _OP,
    Disease.MILD_COP: _OP,
    Disease.FOCAL_OP: replace(_OP, cured_by=Action.RESECTION),
    Disease.CICATRICIAL_OP: replace(_OP, recalcitrant=True, self_limiting=False),
    Disease.FULMINANT_OP: replace(
        _OP,
        needs_pulse=True,
        macrolide_responsive=False,
        self_limiting=False,
        death_rate_parameter="fulminant_death_rate_per_day",
    ),
    Disease.SECONDARY_OP: replace(_OP, self_limiting=False),
    Disease.COMMUNITY_ACQUIRED_PNEUMONIA: DiseaseBehaviour(
        steroid_responsive=False,
        cured_by=Action.ANTIBIOTIC,
        relapses=False,
        worsens_untreated=True,
        death_rate_parameter="pneumonia_death_rate_per_day",
    ),
    Disease.CHRONIC_EOSINOPHILIC_PNEUMONIA: DiseaseBehaviour(steroid_responsive=True),
    Disease.HYPERSENSITIVITY_PNEUMONITIS: DiseaseBehaviour(
        steroid_responsive=True, removable_cause=Action.REMOVE_CULPRIT
    ),
    Disease.INVASIVE_MUCINOUS_ADENOCARCINOMA: _MALIGNANCY,
    Disease.LYMPHOMA: _MALIGNANCY,
}

CAUSE_REMOVED_BY: dict[SecondaryCause, Action] = {
    SecondaryCause.DRUG: Action.REMOVE_CULPRIT,
    SecondaryCause.INFECTION: Action.ANTIBIOTIC,
    SecondaryCause.CONNECTIVE_TISSUE_DISEASE: Action.IMMUNOSUPPRESSANT,
}


def behaviour_for(patient: Patient) -> DiseaseBehaviour:
    """The behaviour of the patient's true disease, completed with its cause or extent."""
    behaviour = BEHAVIOURS[patient.disease]
    if patient.secondary_cause is not None:
        behaviour = replace(behaviour, removable_cause=CAUSE_REMOVED_BY[patient.secondary_cause])
    if (
        patient.disease is Disease.INVASIVE_MUCINOUS_ADENOCARCINOMA
        and patient.extent is Extent.FOCAL
    ):
        behaviour = replace(behaviour, cured_by=Action.RESECTION)
    return behaviour
