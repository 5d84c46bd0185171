"""How each true diagnosis reacts to each kind of treatment: one row per disease.

These are qualitative rules (does it respond, does it relapse, what kills), each tied to the
source that states it; the sizes of the effects live in :class:`Parameters`. Every disease the
engine knows has a row here, in :data:`CAUSES` when it has a cause, in the narrative tables and
in the recommendation table; :func:`behaviour_for` raises for a disease without one, and a test
loops over every :class:`Disease` so nothing falls back silently.
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
    relapses_as: Disease | None = None
    """A relapse behaves like this disease instead: a relapse of fulminant OP behaves like
    typical COP, since NEJM finds relapse adds no mortality."""
    self_limiting: bool = False
    """May resolve without treatment (COP, NEJM and SUM-MX)."""
    resolution_rate_parameter: str | None = None
    """Parameters field with the hazard of resolving untreated whatever the patient's markers
    (an untreated pneumonia either kills within weeks or resolves, §16 row 15)."""
    worsens_untreated: bool = False
    """Progresses to admission without its specific treatment (pneumonia, NEJM)."""
    death_rate_parameter: str | None = None
    """Parameters field with the death hazard while the disease is active."""
    progressive: bool = False
    """Symptoms climb while it is active (a pneumonia, a tumour, fulminant OP)."""
    lasting_abnormality: bool = True
    """Remission may leave a lasting abnormality (OP does in about a third, GARD)."""
    residual_parameter: str | None = None
    """Parameters field with the chance of a lasting abnormality; None: by imaging pattern."""
    silent: bool = False
    """Often found without symptoms: focal OP (NEJM)."""
    admitted_at_presentation: bool = False
    """Presents in hospital on high-flow oxygen: fulminant OP (NEJM)."""
    resectable_when_focal: bool = False
    """A solitary lesion is cured by resection: a focal adenocarcinoma (NEJM differential)."""


@dataclass(frozen=True)
class CauseBehaviour:
    """What removes a secondary OP's cause, and whether the cause itself can kill."""

    removed_by: Action | None
    """The order that removes the cause; None when the cause is already over when the patient
    presents (a finished course of radiotherapy): no order removes it, and, being over, it
    does not keep the disease relapsing the way a drug still taken does."""
    death_rate_parameter: str | None
    """Parameters field with the death hazard of the illness behind the OP (NEJM: deaths in
    secondary OP come from the underlying illness); None when the cause is no illness of its
    own, as with a drug once stopped (§16 row 17)."""


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
    progressive=True,
    lasting_abnormality=False,
)

BEHAVIOURS: dict[Disease, DiseaseBehaviour] = {
    Disease.TYPICAL_COP: _OP,
    Disease.MILD_COP: _OP,
    Disease.FOCAL_OP: replace(_OP, cured_by=Action.RESECTION, silent=True),
    Disease.CICATRICIAL_OP: replace(
        _OP,
        recalcitrant=True,
        self_limiting=False,
        residual_parameter="residual_probability_cicatricial",
    ),
    Disease.FULMINANT_OP: replace(
        _OP,
        needs_pulse=True,
        macrolide_responsive=False,
        self_limiting=False,
        relapses_as=Disease.TYPICAL_COP,
        death_rate_parameter="fulminant_death_rate_per_day",
        progressive=True,
        admitted_at_presentation=True,
    ),
    Disease.SECONDARY_OP: replace(_OP, self_limiting=False),
    Disease.COMMUNITY_ACQUIRED_PNEUMONIA: DiseaseBehaviour(
        steroid_responsive=False,
        cured_by=Action.ANTIBIOTIC,
        relapses=False,
        resolution_rate_parameter="pneumonia_resolution_rate_per_day",
        worsens_untreated=True,
        death_rate_parameter="pneumonia_death_rate_per_day",
        progressive=True,
        lasting_abnormality=False,
    ),
    Disease.CHRONIC_EOSINOPHILIC_PNEUMONIA: DiseaseBehaviour(steroid_responsive=True),
    Disease.HYPERSENSITIVITY_PNEUMONITIS: DiseaseBehaviour(
        steroid_responsive=True, removable_cause=Action.REMOVE_CULPRIT
    ),
    Disease.INVASIVE_MUCINOUS_ADENOCARCINOMA: replace(_MALIGNANCY, resectable_when_focal=True),
    Disease.LYMPHOMA: _MALIGNANCY,
}

CAUSES: dict[SecondaryCause, CauseBehaviour] = {
    SecondaryCause.DRUG: CauseBehaviour(Action.REMOVE_CULPRIT, None),
    SecondaryCause.INFECTION: CauseBehaviour(Action.ANTIBIOTIC, None),
    SecondaryCause.CONNECTIVE_TISSUE_DISEASE: CauseBehaviour(
        Action.IMMUNOSUPPRESSANT, "secondary_op_death_rate_per_day"
    ),
    SecondaryCause.RADIATION: CauseBehaviour(None, None),
}
"""Radiation: NEJM Table 1 and GARD name radiotherapy for breast cancer as a cause of secondary
OP and say nothing more about it, so its OP behaves as the secondary-OP row (steroid-responsive,
relapsing, not self-limiting, with the same §15 rates) with no cause to remove, and no deaths
from the cause: the sources give no death rate for the treated cancer behind it. Both choices
are ours, made so that the §15 rows and §16 rows 7 and 21 hold for it."""


def disease_behaviour(disease: Disease) -> DiseaseBehaviour:
    """The row for ``disease``; a disease without one is a ValueError, never a fallback."""
    try:
        return BEHAVIOURS[disease]
    except KeyError:
        raise ValueError(f"no behaviour is defined for disease {disease!r}") from None


def cause_behaviour(patient: Patient) -> CauseBehaviour | None:
    if patient.secondary_cause is None:
        return None
    try:
        return CAUSES[patient.secondary_cause]
    except KeyError:
        raise ValueError(f"no behaviour is defined for cause {patient.secondary_cause!r}") from None


def behaviour_for(patient: Patient) -> DiseaseBehaviour:
    """The behaviour of the patient's true disease, completed with its cause or extent."""
    behaviour = disease_behaviour(patient.disease)
    cause = cause_behaviour(patient)
    if cause is not None:
        behaviour = replace(behaviour, removable_cause=cause.removed_by)
    if behaviour.resectable_when_focal and patient.extent is Extent.FOCAL:
        behaviour = replace(behaviour, cured_by=Action.RESECTION)
    return behaviour
