"""The outcome model: competing hazards sampled event by event against pre-drawn clocks.

Every random quantity a patient will ever need is drawn up front from the seed
(:class:`RandomDraws`), independently of the plan. Each hazard owns an Exp(1) "clock"; the
clock fires when the hazard integrated over time reaches it. Within a treatment segment every
hazard has the form ``level + amp * exp(-t / tau)`` (constant for most; the fading cumulative
dose behind bone harms gives the exponential part), so the firing time is found in closed form
or by a short bisection and the run jumps from event to event. Because the clocks do not depend
on the plan, two plans given to the same patient and seed differ only where the plans make
hazards differ (common random numbers), and a run is identical to another up to the first day
their schedules differ, which is what makes plan revisions and counterfactual debriefs honest.

Disease-specific behaviour comes from the tables in :mod:`diseases` and agent harms from
:data:`AGENT_HARMS`; this module holds the mechanisms only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .agents import AGENTS, Action
from .diseases import DiseaseBehaviour, behaviour_for, cause_behaviour, disease_behaviour
from .parameters import Parameters
from .patient import ImagingPattern, Patient
from .schedule import Segment

MAX_EPISODES = 12
"""Relapses beyond this many are not simulated (far beyond anything the sources describe)."""
BISECTION_STEPS = 40
"""Halvings when a fading hazard fires inside a segment: far below a minute of precision."""


class Phase(StrEnum):
    ACTIVE = "active"
    IMPROVED = "improved"
    """Symptoms better, imaging not yet clear."""
    CLEARED = "cleared"
    """In remission with clear imaging and no lasting abnormality."""
    RESIDUAL = "residual"
    """In remission with lasting symptoms, function loss or shadows (GARD's third)."""
    CURED = "cured"
    """The disease was removed (resection) and cannot relapse."""
    DEAD = "dead"


REMISSION = frozenset({Phase.IMPROVED, Phase.CLEARED, Phase.RESIDUAL})


class Happening(StrEnum):
    """What the model decided; the timeline turns each into a sentence for the learner."""

    IMPROVEMENT = "improvement"
    NO_IMPROVEMENT = "no_improvement"
    """Not improved by the failure assessment day, whatever the treatment."""
    NON_RESPONSE = "non_response"
    """Still active after the assessment period of adequate glucocorticoid (SUM-MX: 48 h)."""
    WORSENING = "worsening"
    IMAGING_CLEARED = "imaging_cleared"
    IMAGING_RESIDUAL = "imaging_residual"
    RELAPSE = "relapse"
    RESECTION_CURE = "resection_cure"
    RESECTION_FUTILE = "resection_futile"
    PNEUMOCYSTIS = "pneumocystis"
    HYPERGLYCEMIA = "hyperglycemia"
    HYPERTENSION = "hypertension"
    MYOPATHY = "myopathy"
    FRACTURE = "fracture"
    AVASCULAR_NECROSIS = "avascular_necrosis"
    ADRENAL_INSUFFICIENCY = "adrenal_insufficiency"
    SERIOUS_INFECTION = "serious_infection"
    CYTOPENIA = "cytopenia"
    HEPATOTOXICITY = "hepatotoxicity"
    HEMORRHAGIC_CYSTITIS = "hemorrhagic_cystitis"
    DEATH_BACKGROUND = "death_background"
    DEATH_DISEASE = "death_disease"
    DEATH_PNEUMOCYSTIS = "death_pneumocystis"
    DEATH_UNDERLYING = "death_underlying"


DOSE_HARMS = {
    Happening.HYPERGLYCEMIA: "hyperglycemia_rate_per_10mg_day",
    Happening.HYPERTENSION: "hypertension_rate_per_10mg_day",
    Happening.MYOPATHY: "myopathy_rate_per_10mg_day",
    Happening.SERIOUS_INFECTION: "serious_infection_rate_per_10mg_day",
}
"""Steroid harms whose hazard follows today's prednisone-equivalent dose."""
CUMULATIVE_HARMS = {
    Happening.FRACTURE: "fracture_rate_per_gram_day",
    Happening.AVASCULAR_NECROSIS: "avascular_necrosis_rate_per_gram_day",
}
"""Steroid harms whose hazard follows the fading cumulative dose (grams)."""
STEROID_HARMS = frozenset(
    {*DOSE_HARMS, *CUMULATIVE_HARMS, Happening.PNEUMOCYSTIS, Happening.ADRENAL_INSUFFICIENCY}
) - {Happening.SERIOUS_INFECTION}
"""The glucocorticoid harms SUM-MX lists for monitoring, with Pneumocystis (NEJM)."""
AGENT_HARMS: dict[str, tuple[tuple[Happening, str], ...]] = {
    "prednisone": (),
    "methylprednisolone_pulse": (),
    "clarithromycin": (),
    "azathioprine": (
        (Happening.CYTOPENIA, "azathioprine_harm_rate_per_day"),
        (Happening.HEPATOTOXICITY, "azathioprine_harm_rate_per_day"),
    ),
    "mycophenolate": (
        (Happening.CYTOPENIA, "mycophenolate_harm_rate_per_day"),
        (Happening.SERIOUS_INFECTION, "mycophenolate_harm_rate_per_day"),
    ),
    "cyclophosphamide": (
        (Happening.CYTOPENIA, "cyclophosphamide_harm_rate_per_day"),
        (Happening.HEMORRHAGIC_CYSTITIS, "cyclophosphamide_harm_rate_per_day"),
        (Happening.SERIOUS_INFECTION, "cyclophosphamide_harm_rate_per_day"),
    ),
    "antibiotics": (),
    "stop_culprit": (),
    "surgical_resection": (),
    "observation": (),
}
"""Serious harms each agent brings while it is given (glucocorticoid harms are dose-driven and
counted separately); every agent of the catalog has a row, even when it is empty."""
SERIOUS_ADVERSE = frozenset(
    {
        Happening.SERIOUS_INFECTION,
        Happening.CYTOPENIA,
        Happening.HEPATOTOXICITY,
        Happening.HEMORRHAGIC_CYSTITIS,
    }
)
"""Harms of non-steroid agents and serious infections other than Pneumocystis."""


def agent_harms(agent: str) -> tuple[tuple[Happening, str], ...]:
    """The harm table row of ``agent``; an agent without one is a ValueError."""
    try:
        return AGENT_HARMS[agent]
    except KeyError:
        raise ValueError(f"no harms are defined for agent {agent!r}") from None


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A model event at a continuous time (days since presentation).

    ``therapy`` names what brought an improvement about ("none" when spontaneous) or, for a
    harm, whether a monitoring adjunct caught it ("monitored"). ``days_off_treatment`` is how
    long disease-directed treatment had been stopped (None while it is given or if it never
    was); ``cause_present`` whether a secondary OP's cause was still there.
    """

    time: float
    happening: Happening
    steroid_mg: float
    therapy: str = ""
    days_off_treatment: float | None = None
    cause_present: bool = False


@dataclass(frozen=True)
class Course:
    """The raw outcome of one run: occurrences in time order and every phase change.

    ``prednisone_mg`` is the prednisone-equivalent given up to death or the end of year five.
    """

    occurrences: tuple[Occurrence, ...]
    phases: tuple[tuple[float, Phase], ...]
    prednisone_mg: float = 0.0

    @property
    def death_time(self) -> float | None:
        final_time, final_phase = self.phases[-1]
        return final_time if final_phase is Phase.DEAD else None

    def phase_at(self, time: float) -> Phase:
        current = self.phases[0][1]
        for change_time, phase in self.phases:
            if change_time > time:
                break
            current = phase
        return current

    def first(self, happening: Happening) -> Occurrence | None:
        return next((o for o in self.occurrences if o.happening is happening), None)


# Layout of the pre-drawn random numbers. Uniforms decide latent classes; exponentials are
# hazard clocks. Per-episode clocks get one slot per possible episode.
UNIFORM_NAMES = (
    "self_limiting",
    "macrolide_nonresponse",
    "residual",
    "pneumocystis_fatal",
    "adrenal",
)
SINGLE_CLOCKS = (
    "death_background",
    "death_disease",
    "death_underlying",
    "worsening",
    "pneumocystis",
    *DOSE_HARMS,
    *CUMULATIVE_HARMS,
    Happening.CYTOPENIA,
    Happening.HEPATOTOXICITY,
    Happening.HEMORRHAGIC_CYSTITIS,
)
EPISODE_CLOCKS = ("response", "relapse", "imaging")
EXPONENTIAL_COUNT = len(SINGLE_CLOCKS) + len(EPISODE_CLOCKS) * MAX_EPISODES


@dataclass(frozen=True)
class RandomDraws:
    """All of one patient's randomness, drawn from the seed before any plan is seen."""

    uniforms: tuple[float, ...]
    exponentials: tuple[float, ...]

    @classmethod
    def from_seed(cls, seed: int) -> RandomDraws:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"seed must be a whole number of at least 0, not {seed!r}")
        rng = np.random.default_rng(seed)
        return cls(
            uniforms=tuple(rng.random(len(UNIFORM_NAMES)).tolist()),
            exponentials=tuple(rng.standard_exponential(EXPONENTIAL_COUNT).tolist()),
        )

    def uniform(self, name: str) -> float:
        return self.uniforms[UNIFORM_NAMES.index(name)]

    def clock(self, name: str, episode: int = 0) -> float:
        if name in EPISODE_CLOCKS:
            offset = len(SINGLE_CLOCKS) + EPISODE_CLOCKS.index(name) * MAX_EPISODES
            return self.exponentials[offset + episode]
        return self.exponentials[SINGLE_CLOCKS.index(name)]


def self_limiting_probability(patient: Patient, params: Parameters) -> float:
    """Chance this patient's OP would resolve untreated (Bayes odds from SUM-MX's markers)."""
    if not behaviour_for(patient).self_limiting:
        return 0.0
    prior = params.spontaneous_prior_probability
    odds = prior / (1.0 - prior) if prior < 1.0 else math.inf
    low_crp = patient.crp_mg_dl <= params.crp_threshold_mg_dl
    odds *= params.crp_low_likelihood_ratio if low_crp else params.crp_high_likelihood_ratio
    if patient.bal_lymphocytes_pct > params.lymphocytosis_threshold_pct:
        odds *= params.lymphocytosis_odds_ratio
    if patient.meets_mild_criteria:
        odds *= params.mild_spontaneous_odds_ratio
    return 1.0 if math.isinf(odds) else odds / (1.0 + odds)


def residual_probability(patient: Patient, params: Parameters) -> float:
    """Chance of a lasting abnormality after remission, by disease and imaging pattern."""
    behaviour = behaviour_for(patient)
    if not behaviour.lasting_abnormality:
        return 0.0
    if behaviour.residual_parameter is not None:
        return float(getattr(params, behaviour.residual_parameter))
    if patient.imaging_pattern is ImagingPattern.RETICULAR:
        return params.residual_probability_reticular
    return params.residual_probability_airspace


def hill(value: float, half: float, exponent: float) -> float:
    """Saturating dose-response: 0 at 0, one half at ``half``, towards 1 above it."""
    if value <= 0.0:
        return 0.0
    ratio = float(min(value / half, 1e6) ** exponent)
    return ratio / (1.0 + ratio)


def static_relapse_hazard_ratio(patient: Patient, params: Parameters) -> float:
    """Product of the hazard ratios for the named risk factors known at presentation (NEJM)."""
    ratio = 1.0
    for present, hazard_ratio in (
        (patient.severe_multifocal, params.severe_multifocal_hazard_ratio),
        (patient.traction_bronchiectasis, params.traction_bronchiectasis_hazard_ratio),
        (patient.low_dlco, params.low_dlco_hazard_ratio),
        (patient.cholestasis, params.cholestasis_hazard_ratio),
        (patient.hypoxemic, params.hypoxemia_hazard_ratio),
        (patient.fibrin_or_scarring_on_histology, params.histology_hazard_ratio),
    ):
        if present:
            ratio *= hazard_ratio
    return ratio


def model_breakpoints(params: Parameters) -> tuple[int, int]:
    """Days on which hazards change for reasons other than the plan (kept as segment edges)."""
    return round(params.failure_assessment_day), round(params.first_year_days)


def run_course(
    patient: Patient, segments: list[Segment], draws: RandomDraws, params: Parameters
) -> Course:
    """Sample one patient's five years under a compiled schedule."""
    return _Run(patient, segments, draws, params).run()


Hazard = tuple[str, float, float]
"""(clock name, level, amp): the hazard ``t`` days from now is ``level + amp * exp(-t/tau)``."""


class _Run:
    """Mutable state of one run; discarded once :meth:`run` returns its :class:`Course`."""

    def __init__(
        self, patient: Patient, segments: list[Segment], draws: RandomDraws, params: Parameters
    ) -> None:
        self.patient = patient
        self.segments = segments
        self.draws = draws
        self.params = params
        self.ideal_weight = patient.ideal_body_weight_kg
        self.behaviour: DiseaseBehaviour = behaviour_for(patient)
        cause = cause_behaviour(patient)
        self.underlying_death_parameter = None if cause is None else cause.death_rate_parameter
        self.self_limiting = draws.uniform("self_limiting") < self_limiting_probability(
            patient, params
        )
        self.macrolide_responder = (
            draws.uniform("macrolide_nonresponse") >= params.macrolide_nonresponder_fraction
        )
        self.has_residual = draws.uniform("residual") < residual_probability(patient, params)
        self.static_hazard_ratio = static_relapse_hazard_ratio(patient, params)
        self.remaining = {name: draws.clock(name) for name in SINGLE_CLOCKS}
        self.remaining["response"] = draws.clock("response", 0)
        self.tau = params.steroid_exposure_memory_days
        self.episode = 0
        self.phase = Phase.ACTIVE
        self.phases: list[tuple[float, Phase]] = [(0.0, Phase.ACTIVE)]
        self.occurrences: list[Occurrence] = []
        self.ever_improved = False
        self.op_treatment_in_episode = False
        """Whether a glucocorticoid, a macrolide or an immunosuppressant has been given in this
        episode: only then can a remission lose its treatment (and relapse on withdrawal)."""
        self.cause_removed = False
        self.first_treatment_day: int | None = None
        self.treatment_ended_at: float | None = None
        self.adequate_steroid_since: float | None = None
        """Start of the unbroken stretch of adequate glucocorticoid in this active episode."""
        self.non_response_recorded = False
        self.episode_hazard_ratio = 1.0
        self.remission_start = 0.0
        self.low_dose_since: float | None = None
        """Start of the current stretch without suppressive treatment (prednisone <= 15 mg/day
        or off, no macrolide); None while it is given."""
        self.macrolide_since: float | None = None
        """Start of the macrolide course now given; None while none is."""
        self.macrolide_shortfall = 0.0
        """Share of the macrolide course not given when the macrolide last stopped."""
        self.macrolide_remission = False
        """Whether the current remission was reached on the macrolide."""
        self.rebound_level = 0.0
        self.rebound_until = -math.inf
        self.previous_steroid_mg = 0.0
        self.high_dose_since: float | None = None
        self.suppressive_stretch_ended: float | None = None
        """When the last stretch long enough to suppress the adrenal axis came to an end."""
        self.adrenal_recorded = False
        self.antibiotic_days = 0.0
        self.cumulative_mg = 0.0
        self.exposure_mg = 0.0
        """Fading cumulative prednisone (mg) at the start of the current segment."""
        self.failure_day, self.first_year_day = model_breakpoints(params)
        # Rates looked up once per run: the hazard loop below is the engine's hot path.
        self.dose_harm_rates = [
            (str(happening), getattr(params, name) / 10.0) for happening, name in DOSE_HARMS.items()
        ]
        self.cumulative_harm_rates = [
            (str(happening), getattr(params, name), happening is Happening.FRACTURE)
            for happening, name in CUMULATIVE_HARMS.items()
        ]
        self.agent_harm_rates = {
            agent: [
                (str(happening), getattr(params, name)) for happening, name in agent_harms(agent)
            ]
            for agent in AGENTS
        }

    def run(self) -> Course:
        for segment in self.segments:
            self._enter(segment)
            time = float(segment.start)
            while self.phase is not Phase.DEAD and time < segment.end:
                time = self._advance(segment, time)
            stop = min(float(segment.end), time)
            self.cumulative_mg += segment.steroid_mg * (stop - segment.start)
            self.exposure_mg = self._exposure(segment, stop)
            if segment.antibiotic:
                self.antibiotic_days += segment.end - segment.start
            self.previous_steroid_mg = segment.steroid_mg
            if self.phase is Phase.DEAD:
                break
        return Course(tuple(self.occurrences), tuple(self.phases), self.cumulative_mg)

    # --- bookkeeping at segment boundaries ------------------------------------------------
    def _enter(self, segment: Segment) -> None:
        if _treats_op(segment) and self.phase is not Phase.DEAD:
            self.op_treatment_in_episode = True
        if self.first_treatment_day is None and segment.disease_directed:
            self.first_treatment_day = segment.start
        if segment.disease_directed:
            self.treatment_ended_at = None
        elif self.first_treatment_day is not None and self.treatment_ended_at is None:
            self.treatment_ended_at = float(segment.start)
        cause = self.behaviour.removable_cause
        if cause is not None and self._action_active(segment, cause):
            self.cause_removed = True
        if segment.resection and self.phase is not Phase.CURED:
            self._resect(segment)
        self._track_dose_change(segment)
        self._track_macrolide_course(segment)
        self._track_adrenal_axis(segment)
        if not self._adequate_steroid(segment):
            self.adequate_steroid_since = None
        elif self.adequate_steroid_since is None:
            self.adequate_steroid_since = float(segment.start)
        if (
            segment.start == self.failure_day
            and not self.ever_improved
            and self.phase is Phase.ACTIVE
        ):
            self._record(segment.start, Happening.NO_IMPROVEMENT, segment)

    def _track_dose_change(self, segment: Segment) -> None:
        """A fall in dose raises relapse for a while, more the steeper the fall (NEJM, MSD),
        and the relapse window opens when suppressive treatment ends (NEJM: relapse at
        <= 15 mg/day or off; relapse on withdrawal of a macrolide)."""
        before, now = self.previous_steroid_mg, segment.steroid_mg
        if now < before:
            fall = (before - now) / before
            if segment.start >= self.rebound_until:
                self.rebound_level = 0.0
            self.rebound_level = max(self.rebound_level, fall)
            self.rebound_until = segment.start + self.params.taper_rebound_days
        suppressed = now > self.params.low_dose_threshold_mg or segment.macrolide
        if suppressed:
            self.low_dose_since = None
        elif self.low_dose_since is None:
            self.low_dose_since = float(segment.start)

    def _track_macrolide_course(self, segment: Segment) -> None:
        """How much of the macrolide course was left out when it stopped: a course cut short
        relapses more (NEJM: treatment stopped too quickly; SUM-MX: 3 months)."""
        if segment.macrolide:
            if self.macrolide_since is None:
                self.macrolide_since = float(segment.start)
                self.macrolide_shortfall = 0.0
        elif self.macrolide_since is not None:
            given = segment.start - self.macrolide_since
            self.macrolide_shortfall = max(0.0, 1.0 - given / self.params.macrolide_course_days)
            self.macrolide_since = None

    def _track_adrenal_axis(self, segment: Segment) -> None:
        """Weeks at >= 20 mg/day suppress the axis; losing the steroid at once then brings
        adrenal insufficiency in some patients, while a taper gives the axis time (SUM-MX)."""
        params = self.params
        dose = segment.steroid_mg
        if dose >= params.adrenal_suppression_mg:
            if self.high_dose_since is None:
                self.high_dose_since = float(segment.start)
            return
        if self.high_dose_since is not None:
            if segment.start - self.high_dose_since >= params.adrenal_suppression_days:
                self.suppressive_stretch_ended = float(segment.start)
            self.high_dose_since = None
        ended = self.suppressive_stretch_ended
        if (
            dose < params.adrenal_replacement_mg
            and ended is not None
            and segment.start - ended < params.adrenal_recovery_days
            and not self.adrenal_recorded
            and self.phase is not Phase.DEAD
        ):
            self.adrenal_recorded = True
            if self.draws.uniform("adrenal") < params.adrenal_insufficiency_probability:
                self._record(segment.start, Happening.ADRENAL_INSUFFICIENCY, segment)

    def _resect(self, segment: Segment) -> None:
        if self.behaviour.cured_by is Action.RESECTION:
            self._record(segment.start, Happening.RESECTION_CURE, segment)
            self._set_phase(segment.start, Phase.CURED)
        else:
            self._record(segment.start, Happening.RESECTION_FUTILE, segment)

    def _adequate_steroid(self, segment: Segment) -> bool:
        """A glucocorticoid dose at full potency: what SUM-MX's 48-hour check presumes."""
        return segment.steroid_mg >= self.params.full_potency_prednisone_mg

    @staticmethod
    def _action_active(segment: Segment, action: Action) -> bool:
        return {
            Action.REMOVE_CULPRIT: segment.culprit_removed,
            Action.ANTIBIOTIC: segment.antibiotic,
            Action.IMMUNOSUPPRESSANT: segment.immunosuppressant,
        }.get(action, False)

    def _infection_treated(self, segment: Segment) -> bool:
        """On antibiotics, or after a full course: the pneumonia no longer kills or worsens."""
        return segment.antibiotic or self.antibiotic_days >= self.params.antibiotic_course_days

    # --- one event-to-event step ----------------------------------------------------------
    def _advance(self, segment: Segment, time: float) -> float:
        """Fire the earliest clock before the segment ends or the hazards change, else run
        the clocks down to that moment."""
        hazards = self._hazards(segment, time)
        span = min(float(segment.end), self._next_change(time)) - time
        soonest_name, soonest_wait = None, span
        remaining, tau = self.remaining, self.tau
        for name, level, amp in hazards:
            if amp == 0.0:
                wait = remaining[name] / level
            else:
                wait = _time_to_fire(remaining[name], level, amp, tau, soonest_wait)
            if wait < soonest_wait:
                soonest_name, soonest_wait = name, wait
        for name, level, amp in hazards:
            if amp == 0.0:
                remaining[name] -= level * soonest_wait
            else:
                remaining[name] -= _integral(level, amp, tau, soonest_wait)
        event_time = time + soonest_wait
        self._assess_response(time, event_time, segment)
        if soonest_name is not None:
            self._fire(soonest_name, event_time, segment)
        return event_time

    def _next_change(self, time: float) -> float:
        """The next moment within a segment at which a relapse hazard changes on its own."""
        changes = [self.rebound_until, self._relapse_window_end()]
        return min((change for change in changes if change > time), default=math.inf)

    def _relapse_window_end(self) -> float:
        if self.low_dose_since is None:
            return math.inf
        return max(self.low_dose_since, self.remission_start) + self.params.relapse_window_days

    def _assess_response(self, start: float, end: float, segment: Segment) -> None:
        """Record a non-response if the assessment falls in [start, end), before any event.

        The assessment changes no hazard and draws nothing, so it cannot move any other
        event: calibration and common random numbers are untouched.
        """
        if (
            self.phase is not Phase.ACTIVE
            or self.adequate_steroid_since is None
            or self.non_response_recorded
        ):
            return
        due = self.adequate_steroid_since + self.params.non_response_assessment_days
        if start <= due < end:
            self.non_response_recorded = True
            self._record(due, Happening.NON_RESPONSE, segment)

    def _hazards(self, segment: Segment, time: float) -> list[Hazard]:
        """Every clock that is running, with its hazard from ``time`` on."""
        params = self.params
        hazards: list[Hazard] = [("death_background", params.background_death_rate_per_day, 0.0)]
        if self.underlying_death_parameter is not None:
            rate = getattr(params, self.underlying_death_parameter)
            if self._cause_persists():
                rate *= params.uncontrolled_cause_death_factor
            hazards.append(("death_underlying", rate, 0.0))
        if self.phase is Phase.ACTIVE:
            hazards.extend(self._active_disease_hazards(segment))
        elif self.phase in REMISSION:
            hazards.extend(self._remission_hazards(segment, time))
        hazards.extend(self._treatment_harm_hazards(segment, time))
        return [hazard for hazard in hazards if hazard[1] > 0.0 or hazard[2] != 0.0]

    def _active_disease_hazards(self, segment: Segment) -> list[Hazard]:
        hazards: list[Hazard] = [
            ("response", sum(self._response_components(segment).values()), 0.0)
        ]
        behaviour = self.behaviour
        treated = behaviour.cured_by is Action.ANTIBIOTIC and self._infection_treated(segment)
        if behaviour.death_rate_parameter and not treated:
            rate = getattr(self.params, behaviour.death_rate_parameter)
            hazards.append(("death_disease", rate, 0.0))
        if behaviour.worsens_untreated and not treated:
            hazards.append(("worsening", self.params.pneumonia_worsening_rate_per_day, 0.0))
        return hazards

    def _steroid_potency(self, segment: Segment) -> float:
        """Share of the full glucocorticoid effect at this dose: by mg/kg of ideal weight for
        the first episode (saturating inside 0.5-1 mg/kg, NEJM), by mg/day for a relapse
        (<= 20 mg/day treats it as well as more, NEJM)."""
        params = self.params
        if self.episode == 0:
            return hill(
                segment.steroid_mg / self.ideal_weight,
                params.initial_half_potency_mg_per_kg,
                params.potency_exponent,
            )
        return hill(segment.steroid_mg, params.relapse_half_potency_mg, params.potency_exponent)

    def _response_components(self, segment: Segment) -> dict[str, float]:
        """Improvement hazard contributed by each therapy now in force."""
        params, behaviour = self.params, self.behaviour
        slowing = params.cicatricial_response_factor if behaviour.recalcitrant else 1.0
        components: dict[str, float] = {}
        if behaviour.steroid_responsive and segment.steroid_mg > 0:
            potency = self._steroid_potency(segment)
            if behaviour.needs_pulse:
                components["glucocorticoid"] = (
                    params.pulse_response_rate_per_day
                    if segment.pulse
                    else params.steroid_response_rate_per_day
                    * potency
                    * params.fulminant_oral_response_factor
                )
            else:
                components["glucocorticoid"] = (
                    params.steroid_response_rate_per_day * potency * slowing
                )
        if segment.macrolide and behaviour.macrolide_responsive and self.macrolide_responder:
            mildness = 1.0 if self.patient.meets_mild_criteria else params.macrolide_non_mild_factor
            components["macrolide"] = params.macrolide_response_rate_per_day * slowing * mildness
        if segment.immunosuppressant and behaviour.immunosuppressant_responsive:
            components["immunosuppressant"] = params.immunosuppressant_response_rate_per_day
        if self.cause_removed:
            severity = (
                1.0 if self.patient.meets_mild_criteria else params.cause_removal_non_mild_factor
            )
            components["cause_removal"] = params.cause_removal_response_rate_per_day * severity
        if behaviour.cured_by is Action.ANTIBIOTIC and self._infection_treated(segment):
            components["antibiotic"] = params.antibiotic_response_rate_per_day
        elif behaviour.resolution_rate_parameter is not None:
            components["none"] = getattr(params, behaviour.resolution_rate_parameter)
        if self.self_limiting:
            components["none"] = params.spontaneous_response_rate_per_day
        return components

    def _remission_hazards(self, segment: Segment, time: float) -> list[Hazard]:
        hazards: list[Hazard] = []
        if self.phase is Phase.IMPROVED:
            hazards.append(("imaging", self.params.imaging_resolution_rate_per_day, 0.0))
        if self.behaviour.relapses and self.episode + 1 < MAX_EPISODES:
            hazards.append(("relapse", self._relapse_rate(segment, time), 0.0))
        return hazards

    def _relapse_rate(self, segment: Segment, time: float) -> float:
        """NEJM: relapse comes when the dose falls to <= 15 mg/day or stops, and when it falls
        fast; mostly in the months after that; more while a secondary cause remains.

        The rise for stopping treatment belongs to a remission that had treatment to lose: one
        reached with none (spontaneous, or once a drug or an exposure was removed) relapses at
        the base rate, since NEJM ties relapse to the taper and the stop, not to remission."""
        params = self.params
        if segment.steroid_mg > params.low_dose_threshold_mg or segment.macrolide:
            dose_factor = params.relapse_maintenance_factor
        elif segment.steroid_mg > 0 or not self.op_treatment_in_episode:
            dose_factor = 1.0
        else:
            dose_factor = params.relapse_off_treatment_factor
        if segment.immunosuppressant:
            dose_factor *= params.immunosuppressant_relapse_factor
        if self.macrolide_remission and not segment.macrolide:
            dose_factor *= 1.0 + params.short_macrolide_relapse_factor * self.macrolide_shortfall
        if time < self.rebound_until:
            dose_factor *= 1.0 + params.taper_rebound_factor * self.rebound_level
        if self._cause_persists():
            timing_factor = params.persistent_cause_relapse_factor
        elif time >= self._relapse_window_end():
            timing_factor = params.relapse_late_factor
        else:
            timing_factor = 1.0
        return params.relapse_rate_per_day * dose_factor * timing_factor * self.episode_hazard_ratio

    def _cause_persists(self) -> bool:
        """Whether a secondary OP's cause is still acting: not removed, and removable at all."""
        return self.behaviour.removable_cause is not None and not self.cause_removed

    def _exposure(self, segment: Segment, time: float) -> float:
        """Fading cumulative prednisone (mg) at ``time`` within ``segment``."""
        steady = segment.steroid_mg * self.tau
        return steady + (self.exposure_mg - steady) * math.exp(-(time - segment.start) / self.tau)

    def _treatment_harm_hazards(self, segment: Segment, time: float) -> list[Hazard]:
        params = self.params
        dose = segment.steroid_mg
        hazards: list[Hazard] = []
        if dose > params.pneumocystis_threshold_mg:
            protection = (
                params.pneumocystis_prophylaxis_factor if segment.pneumocystis_prophylaxis else 1.0
            )
            hazards.append(("pneumocystis", params.pneumocystis_rate_per_day * protection, 0.0))
        if dose > 0.0:
            hazards.extend((name, rate * dose, 0.0) for name, rate in self.dose_harm_rates)
        steady_g = dose * self.tau / 1000.0
        excess_g = self._exposure(segment, time) / 1000.0 - steady_g
        if steady_g > 0.0 or excess_g != 0.0:
            for name, rate, is_fracture in self.cumulative_harm_rates:
                if is_fracture and segment.bone_protection:
                    rate *= params.bone_protection_factor
                hazards.append((name, rate * steady_g, rate * excess_g))
        extra = [
            (name, rate, 0.0)
            for agent in sorted(segment.agents)
            for name, rate in self.agent_harm_rates[agent]
        ]
        return _merged(hazards, extra) if extra else hazards

    # --- what each clock does when it fires -----------------------------------------------
    def _fire(self, name: str, time: float, segment: Segment) -> None:
        self.remaining[name] = math.inf
        if name == "response":
            self._improve(time, segment)
        elif name == "relapse":
            self._relapse(time, segment)
        elif name == "imaging":
            self._clear_imaging(time, segment)
        elif name == "worsening":
            self._record(time, Happening.WORSENING, segment)
        elif name == "pneumocystis":
            self._record(time, Happening.PNEUMOCYSTIS, segment)
            if self.draws.uniform("pneumocystis_fatal") < self.params.pneumocystis_case_fatality:
                self._die(time, Happening.DEATH_PNEUMOCYSTIS, segment)
        elif name.startswith("death_"):
            self._die(time, Happening(name), segment)
        else:
            monitored = (name == Happening.HYPERGLYCEMIA and segment.glucose_monitoring) or (
                name == Happening.HYPERTENSION and segment.blood_pressure_monitoring
            )
            self._record(time, Happening(name), segment, "monitored" if monitored else "")

    def _improve(self, time: float, segment: Segment) -> None:
        components = self._response_components(segment)
        therapy = max(components, key=components.__getitem__)
        steroid_induced = "glucocorticoid" in components
        self.macrolide_remission = therapy == "macrolide"
        self.ever_improved = True
        self.remission_start = time
        self._record(time, Happening.IMPROVEMENT, segment, therapy)
        self._set_phase(time, Phase.IMPROVED)
        risk = self.static_hazard_ratio
        if self._treatment_was_delayed():
            risk *= self.params.delayed_treatment_hazard_ratio
        rebound = self.params.steroid_rebound_factor if steroid_induced else 1.0
        self.episode_hazard_ratio = min(risk, self.params.relapse_risk_ceiling) * rebound
        self.remaining["relapse"] = self.draws.clock("relapse", self.episode)
        self.remaining["imaging"] = self.draws.clock("imaging", self.episode)

    def _treatment_was_delayed(self) -> bool:
        if self.first_treatment_day is None:
            return False
        onset_to_treatment = self.patient.days_since_onset + self.first_treatment_day
        return onset_to_treatment > self.params.delayed_treatment_days

    def _relapse(self, time: float, segment: Segment) -> None:
        self.episode += 1
        if self.behaviour.relapses_as is not None:
            self.behaviour = disease_behaviour(self.behaviour.relapses_as)
        self._record(time, Happening.RELAPSE, segment)
        self._set_phase(time, Phase.ACTIVE)
        self.op_treatment_in_episode = _treats_op(segment)
        self.macrolide_remission = False
        self.non_response_recorded = False
        self.adequate_steroid_since = time if self._adequate_steroid(segment) else None
        self.remaining["imaging"] = math.inf
        self.remaining["response"] = self.draws.clock("response", self.episode)

    def _clear_imaging(self, time: float, segment: Segment) -> None:
        if self.has_residual:
            self._record(time, Happening.IMAGING_RESIDUAL, segment)
            self._set_phase(time, Phase.RESIDUAL)
        else:
            self._record(time, Happening.IMAGING_CLEARED, segment)
            self._set_phase(time, Phase.CLEARED)

    def _die(self, time: float, happening: Happening, segment: Segment) -> None:
        self._record(time, happening, segment)
        self._set_phase(time, Phase.DEAD)

    def _record(
        self, time: float, happening: Happening, segment: Segment, therapy: str = ""
    ) -> None:
        off = None if self.treatment_ended_at is None else time - self.treatment_ended_at
        cause_present = self._cause_persists()
        self.occurrences.append(
            Occurrence(time, happening, segment.steroid_mg, therapy, off, cause_present)
        )

    def _set_phase(self, time: float, phase: Phase) -> None:
        self.phase = phase
        self.phases.append((time, phase))


def _treats_op(segment: Segment) -> bool:
    """Whether anything that acts on organizing pneumonia itself is given in ``segment``."""
    return segment.steroid_mg > 0 or segment.macrolide or segment.immunosuppressant


def _merged(hazards: list[Hazard], extra: list[Hazard]) -> list[Hazard]:
    """One entry per clock: hazards that drive the same clock (a serious infection from the
    steroid dose and from an immunosuppressant) add up."""
    totals: dict[str, tuple[float, float]] = {}
    for name, level, amp in (*hazards, *extra):
        old_level, old_amp = totals.get(name, (0.0, 0.0))
        totals[name] = (old_level + level, old_amp + amp)
    return [(name, level, amp) for name, (level, amp) in totals.items()]


def _integral(level: float, amp: float, tau: float, wait: float) -> float:
    """Integrated hazard ``level + amp * exp(-t/tau)`` over ``wait`` days."""
    if amp == 0.0:
        return level * wait
    return level * wait + amp * tau * -math.expm1(-wait / tau)


def _time_to_fire(remaining: float, level: float, amp: float, tau: float, span: float) -> float:
    """Days until the integrated hazard reaches ``remaining``, or inf if not within ``span``."""
    if amp == 0.0:
        wait = remaining / level if level > 0.0 else math.inf
        return wait if wait < span else math.inf
    if _integral(level, amp, tau, span) < remaining:
        return math.inf
    low, high = 0.0, span
    for _ in range(BISECTION_STEPS):
        middle = 0.5 * (low + high)
        if _integral(level, amp, tau, middle) < remaining:
            low = middle
        else:
            high = middle
    return high
