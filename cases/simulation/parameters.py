"""Every number the outcome model uses, each with its default, source and reason.

A field's metadata holds ``source`` (a citation key) and ``reason`` (one line). Where the
sources give no number, the reason says so and names the calibration row of the clinical
facts digest (§15) that the value was chosen to meet. Rates are hazards per day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import Field, dataclass, field, fields, replace
from typing import Any

from .sources import Source


def _param(default: float, source: Source, reason: str) -> Any:
    return field(default=default, metadata={"source": source, "reason": reason})


NOT_SOURCED = "not in the sources; chosen to meet §15 "
OURS = "not in the sources: ours, chosen to meet §16 "


@dataclass(frozen=True)
class Parameters:
    """Model constants; a case overrides any of them with :meth:`with_overrides`."""

    # --- response to treatment -------------------------------------------------------------
    steroid_response_rate_per_day: float = _param(
        0.5,
        Source.NEJM,
        "Improvement hazard at full glucocorticoid potency; NEJM: begins in 24-72 h, rarely "
        "> 10 days. Rate " + NOT_SOURCED + "rows 1-2 (by day 3, by day 10).",
    )
    full_potency_prednisone_mg: float = _param(
        20.0,
        Source.NEJM,
        "Prednisone-equivalent mg/day the 48-hour non-response check counts as an adequate "
        "dose; NEJM: <= 20 mg/day treats relapse as well as higher doses.",
    )
    initial_half_potency_mg_per_kg: float = _param(
        0.3,
        Source.NEJM,
        "Prednisone mg/kg (ideal body weight) giving half the full response hazard for the "
        "first episode; with the exponent the effect saturates inside NEJM's 0.5-1 mg/kg. "
        "Value " + OURS + "rows 1-3 (0.5 = 0.75 = 1 mg/kg; 0.25 mg/kg and 5-10 mg/day fall short).",
    )
    relapse_half_potency_mg: float = _param(
        7.5,
        Source.NEJM,
        "Prednisone mg/day giving half the full response hazard when treating a relapse; NEJM: "
        "<= 20 mg/day works as well as higher doses for relapse. Value " + OURS + "row 4.",
    )
    potency_exponent: float = _param(
        4.0,
        Source.NEJM,
        "Steepness of both dose-response curves (Hill exponent); " + OURS + "rows 1-4.",
    )
    fulminant_oral_response_factor: float = _param(
        0.1,
        Source.NEJM,
        "Oral steroids act weakly in fulminant OP, which needs IV pulses (NEJM); factor "
        + NOT_SOURCED
        + "row 'fulminant OP, no IV pulse'.",
    )
    pulse_response_rate_per_day: float = _param(
        0.6,
        Source.NEJM,
        "Improvement hazard of fulminant OP during IV methylprednisolone pulses; "
        + NOT_SOURCED
        + "row 'fulminant OP, no IV pulse'.",
    )
    cicatricial_response_factor: float = _param(
        0.3,
        Source.NEJM,
        "Cicatricial OP is more recalcitrant (NEJM); factor not in the sources, no §15 row.",
    )
    macrolide_response_rate_per_day: float = _param(
        0.25,
        Source.SUM_MX,
        "Improvement hazard on clarithromycin in a responder; "
        + NOT_SOURCED
        + "row 'treatment failure needing steroids'.",
    )
    macrolide_non_mild_factor: float = _param(
        0.4,
        Source.NEJM,
        "Clarithromycin response multiplier outside SUM-MX's mild criteria; NEJM: macrolides "
        "are less effective than glucocorticoids. Value " + OURS + "row 13.",
    )
    macrolide_course_days: float = _param(
        91.0,
        Source.SUM_MX,
        "Length of the clarithromycin course for mild COP (SUM-MX: 3 months; NEJM: 3-6 months "
        "or longer); a remission reached on a shorter course relapses more once it stops.",
    )
    short_macrolide_relapse_factor: float = _param(
        1.0,
        Source.NEJM,
        "Extra relapse hazard, once the macrolide stops, of a remission reached on it, per unit "
        "of the share of macrolide_course_days not given (a 2-week course: 0.85); NEJM: "
        "relapse when treatment is stopped too quickly, close monitoring on macrolide "
        "withdrawal; MSD: recurrence follows the length of treatment. Value not in the "
        "sources: ours, chosen so that a course stopped at two weeks relapses at least 1.5 "
        "times as often as the 3-month course, the margin §15 asks of prednisone stopped "
        "before 3 months.",
    )
    macrolide_nonresponder_fraction: float = _param(
        0.12,
        Source.SUM_MX,
        "Clarithromycin is ineffective in about 12 % of mild COP (SUM-MX).",
    )
    immunosuppressant_response_rate_per_day: float = _param(
        0.03,
        Source.NEJM,
        "Slow improvement on azathioprine, mycophenolate or cyclophosphamide (rescue agents, "
        "NEJM); rate not in the sources, no §15 row.",
    )
    cause_removal_response_rate_per_day: float = _param(
        0.05,
        Source.SUM_DX,
        "Secondary OP improves once its cause is removed (SUM-DX: treating the cause is "
        "essential); no source reports how fast withdrawal alone works. Rate not in the "
        "sources: ours, chosen so that withdrawal alone is slower than steroids (about half "
        "improved by the two-week check, where SUM-MX would start them) and §16 row 16 holds.",
    )
    cause_removal_non_mild_factor: float = _param(
        0.4,
        Source.NEJM,
        "Multiplier of the improvement on removal of the cause alone outside SUM-MX's mild "
        "criteria (FVC > 80 %, FEV1 > 70 %, no respiratory insufficiency); NEJM lets severity "
        "decide whether and how to treat and prefers glucocorticoids for symptomatic patients "
        "with impaired breathing, GARD: mild cases may settle, most need therapy. Value not in "
        "the sources: ours, chosen so that with impaired breathing about three patients in four "
        "are not better at SUM-MX's two-week check on withdrawal alone (half in mild disease), "
        "the same size as macrolide_non_mild_factor.",
    )
    antibiotic_response_rate_per_day: float = _param(
        0.3,
        Source.NEJM,
        "Community-acquired pneumonia responds to antibiotics (NEJM, the main mimic); rate "
        + OURS
        + "row 14 (>= 85 % better by day 10).",
    )
    spontaneous_prior_probability: float = _param(
        0.05,
        Source.NEJM,
        "Chance that COP resolves on its own before CRP, lymphocytes or mildness are known; "
        "NEJM: < 10 %. Value " + NOT_SOURCED + "row 'observation only'.",
    )
    crp_threshold_mg_dl: float = _param(
        3.79, Source.SUM_MX, "CRP <= 3.79 mg/dL predicts spontaneous resolution (SUM-MX)."
    )
    crp_low_likelihood_ratio: float = _param(
        11.9,
        Source.SUM_MX,
        "Odds multiplier for CRP at or under the threshold: sensitivity 73.9 % / (1 - "
        "specificity 93.8 %) (SUM-MX).",
    )
    crp_high_likelihood_ratio: float = _param(
        0.278,
        Source.SUM_MX,
        "Odds multiplier for CRP above the threshold: (1 - 73.9 %) / 93.8 % (SUM-MX).",
    )
    lymphocytosis_threshold_pct: float = _param(
        21.0, Source.SUM_MX, "BAL lymphocytes > 21 % favour spontaneous resolution (SUM-MX)."
    )
    lymphocytosis_odds_ratio: float = _param(
        1.5,
        Source.SUM_MX,
        "Odds multiplier for BAL lymphocytes above the threshold; SUM-MX names the factor "
        "without a size. Value " + NOT_SOURCED + "row 'observation only'.",
    )
    mild_spontaneous_odds_ratio: float = _param(
        3.0,
        Source.NEJM,
        "Spontaneous improvement is mainly in mild disease (NEJM, SUM-MX); odds multiplier "
        + NOT_SOURCED
        + "row 'observation only'.",
    )
    spontaneous_response_rate_per_day: float = _param(
        0.2,
        Source.SUM_MX,
        "Untreated improvement hazard in a self-limiting case; SUM-MX expects relief within "
        "2 weeks if observation is to succeed. Rate not in the sources.",
    )
    failure_assessment_day: float = _param(
        14.0,
        Source.SUM_MX,
        "Day by which a patient not yet improved counts as a treatment failure; SUM-MX's "
        "two-week checkpoint for observation, applied to every plan.",
    )
    non_response_assessment_days: float = _param(
        2.0,
        Source.SUM_MX,
        "Days of adequate glucocorticoid (prednisone-equivalent at or above "
        "full_potency_prednisone_mg) without improvement after which the learner is asked to "
        "reconsider the diagnosis or treat as refractory; SUM-MX: 48 h.",
    )
    # --- relapse ---------------------------------------------------------------------------
    relapse_rate_per_day: float = _param(
        0.00021,
        Source.NEJM,
        "Relapse hazard in remission at prednisone <= 15 mg/day with no risk factor; "
        + NOT_SOURCED
        + "rows 'relapse within 1 year' and 'clarithromycin relapse'.",
    )
    low_dose_threshold_mg: float = _param(
        15.0, Source.NEJM, "Most relapses occur at prednisone <= 15 mg/day (NEJM)."
    )
    relapse_off_treatment_factor: float = _param(
        2.5,
        Source.NEJM,
        "Stopping altogether raises relapse above low-dose levels (NEJM, MSD: shorter "
        "treatment, more relapse); only a remission that had a glucocorticoid, macrolide or "
        "immunosuppressant to lose carries it. Factor " + NOT_SOURCED + "row 'prednisone "
        "stopped early'.",
    )
    relapse_maintenance_factor: float = _param(
        0.1,
        Source.NEJM,
        "Relapse hazard multiplier above 15 mg/day or on a macrolide; "
        + NOT_SOURCED
        + "row 'share of relapses at <= 15 mg/day'.",
    )
    immunosuppressant_relapse_factor: float = _param(
        0.8,
        Source.NEJM,
        "Relapse hazard multiplier on azathioprine, mycophenolate or cyclophosphamide; NEJM: "
        "their usefulness is unknown. Value " + OURS + "row 11 (relapse lowered by at most a "
        "third).",
    )
    taper_rebound_factor: float = _param(
        1.0,
        Source.NEJM,
        "Extra relapse hazard after a dose reduction, per unit of fractional fall (1 for a "
        "stop), for taper_rebound_days; NEJM, MSD: relapse when tapered or stopped too "
        "quickly. Value " + OURS + "rows 6-7.",
    )
    taper_rebound_days: float = _param(
        28.0,
        Source.NEJM,
        "How long a dose reduction keeps raising the relapse hazard; " + OURS + "rows 6-7.",
    )
    relapse_window_days: float = _param(
        200.0,
        Source.NEJM,
        "Days after remission, counted from the later of remission and the day suppressive "
        "treatment ended (prednisone fell to <= 15 mg/day or stopped, a macrolide stopped), "
        "during which relapse runs at full rate; NEJM: relapses come mostly within the first "
        "year, at low dose or after stopping, and on macrolide withdrawal. Value "
        + OURS
        + "rows 6 and 8 (a year at full dose then a stop still relapses).",
    )
    steroid_rebound_factor: float = _param(
        3.0,
        Source.SUM_MX,
        "Remissions induced by glucocorticoids relapse more on withdrawal; SUM-MX: 54.5 % vs "
        "10 % after clarithromycin. Factor " + NOT_SOURCED + "row 'clarithromycin relapse'.",
    )
    first_year_days: float = _param(
        365.0, Source.NEJM, "The one-year mark of the relapse and recovery statistics (NEJM)."
    )
    relapse_late_factor: float = _param(
        0.05,
        Source.NEJM,
        "Relapse hazard multiplier once relapse_window_days have passed; not in the sources, "
        "chosen so late relapse stays uncommon (NEJM).",
    )
    delayed_treatment_days: float = _param(
        60.0, Source.NEJM, "Treatment started > 2 months after onset is a relapse factor (NEJM)."
    )
    delayed_treatment_hazard_ratio: float = _param(
        1.8, Source.NEJM, "Relapse factor (NEJM); size " + NOT_SOURCED + "row 'delayed'."
    )
    severe_multifocal_hazard_ratio: float = _param(
        1.5, Source.NEJM, "Relapse factor (NEJM); size " + NOT_SOURCED + "row 'relapse 1 y'."
    )
    traction_bronchiectasis_hazard_ratio: float = _param(
        1.8, Source.NEJM, "Relapse factor (NEJM); size not in the sources, no §15 row."
    )
    low_dlco_hazard_ratio: float = _param(
        1.8, Source.NEJM, "Relapse factor, DLCO < 50 % (NEJM); size " + NOT_SOURCED + "row 'DLCO'."
    )
    cholestasis_hazard_ratio: float = _param(
        1.8,
        Source.SUM_MX,
        "Relapse factor, GGT > 124 and ALP > 190 IU/L (NEJM, SUM-MX); size "
        + NOT_SOURCED
        + "row 'cholestasis'.",
    )
    hypoxemia_hazard_ratio: float = _param(
        1.3, Source.NEJM, "Relapse factor, PaO2 < 70 mm Hg (NEJM); size not in the sources."
    )
    histology_hazard_ratio: float = _param(
        1.8,
        Source.NEJM,
        "Relapse factor, intra-alveolar fibrin or background scarring (NEJM); size not in "
        "the sources, no §15 row.",
    )
    relapse_risk_ceiling: float = _param(
        2.7,
        Source.SUM_MX,
        "Ceiling on the combined hazard ratio of the patient's named relapse factors (delayed "
        "treatment, severity, traction bronchiectasis, DLCO, cholestasis, hypoxaemia, "
        "histology), which otherwise multiply: the sources name the factors without saying how "
        "they combine, and the highest relapse figure they give is about 58 % (SUM-MX; SUM-DX "
        "13-58 %). Value not in the sources: ours, chosen so that no combination of factors "
        "relapses in more than that within five years on the standard plan (about 55 %); it "
        "is severity with one more factor, the patients of the §15 risk-factor rows.",
    )
    persistent_cause_relapse_factor: float = _param(
        3.0,
        Source.SUM_DX,
        "Secondary OP relapses more while its cause remains (SUM-DX); factor not in the "
        "sources, no §15 row.",
    )
    # --- imaging and recovery --------------------------------------------------------------
    imaging_resolution_rate_per_day: float = _param(
        0.04,
        Source.NEJM,
        "Hazard of radiologic clearing once symptoms improve; NEJM: within 3 months. Rate "
        + NOT_SOURCED
        + "row 'radiologic resolution by 3 months'.",
    )
    residual_probability_airspace: float = _param(
        0.22,
        Source.SUM_DX,
        "Chance of lasting abnormality with an airspace pattern; SUM-DX: 65-80 % recover "
        "completely, GARD: a third do not. Value " + NOT_SOURCED + "row 'complete recovery'.",
    )
    residual_probability_reticular: float = _param(
        0.6,
        Source.MSD,
        "Recovery is less common with linear or reticular opacities (MSD, NEJM); value not "
        "in the sources, no §15 row.",
    )
    residual_probability_cicatricial: float = _param(
        0.8,
        Source.NEJM,
        "Cicatricial OP is recalcitrant and may progress to fibrosis (NEJM); value not in "
        "the sources, no §15 row.",
    )
    # --- death -----------------------------------------------------------------------------
    background_death_rate_per_day: float = _param(
        -math.log(0.983) / 1825,
        Source.SUM_MX,
        "Deaths mostly unrelated to COP; matches SUM-MX's 98.3 % five-year survival.",
    )
    fulminant_death_rate_per_day: float = _param(
        0.02,
        Source.NEJM,
        "Respiratory-failure death hazard while fulminant OP is uncontrolled (NEJM: death "
        "within 30-50 days); rate " + NOT_SOURCED + "row 'fulminant OP'.",
    )
    uncontrolled_cause_death_factor: float = _param(
        2.0,
        Source.NEJM,
        "Multiplier of secondary_op_death_rate_per_day while the illness behind a secondary OP "
        "is left untreated (a connective-tissue disease given no immunosuppressant); NEJM: "
        "deaths in secondary OP come from the underlying illness; SUM-DX: treating the cause is "
        "essential. Value not in the sources: ours, chosen so that leaving the illness "
        "untreated (steroids alone, observation) doubles the deaths from it against the "
        "recommended plan, a difference a 200-patient cohort shows (§16's rule: a wrong plan "
        "must not look as good as the recommended one).",
    )
    secondary_op_death_rate_per_day: float = _param(
        3e-5,
        Source.NEJM,
        "Extra deaths in secondary OP from an underlying illness (connective-tissue disease; "
        "NEJM); a drug or a treated infection is no such illness. Rate " + OURS + "row 17.",
    )
    pneumonia_worsening_rate_per_day: float = _param(
        0.3,
        Source.NEJM,
        "Community-acquired pneumonia without antibiotics worsens to admission (most do before "
        "they resolve or kill); rate " + OURS + "row 15.",
    )
    pneumonia_death_rate_per_day: float = _param(
        0.025,
        Source.NEJM,
        "Death hazard of untreated community-acquired pneumonia while it is active; with the "
        "resolution rate, about one in five untreated patients dies, within weeks. Rate "
        + OURS
        + "row 15.",
    )
    pneumonia_resolution_rate_per_day: float = _param(
        0.1,
        Source.NEJM,
        "Hazard that an untreated pneumonia resolves on its own; an untreated pneumonia "
        "either kills within weeks or resolves. Rate " + OURS + "row 15.",
    )
    antibiotic_course_days: float = _param(
        5.0,
        Source.NEJM,
        "Days of antibiotics after which a pneumonia counts as treated: it no longer kills or "
        "worsens and keeps resolving after the course ends. Value " + OURS + "row 14.",
    )
    malignancy_death_rate_per_day: float = _param(
        0.0008,
        Source.NEJM,
        "Death hazard of untreated mucinous adenocarcinoma or lymphoma mistaken for OP (NEJM "
        "lists them as mimics); rate not in the sources, no §15 row.",
    )
    # --- harms of treatment ----------------------------------------------------------------
    pneumocystis_threshold_mg: float = _param(
        20.0, Source.NEJM, "Pneumocystis prophylaxis is advised above 20 mg/day prednisone (NEJM)."
    )
    pneumocystis_rate_per_day: float = _param(
        4e-4,
        Source.NEJM,
        "Pneumocystis hazard above the threshold without prophylaxis; " + NOT_SOURCED + "row "
        "'Pneumocystis' (> 0 without prophylaxis).",
    )
    pneumocystis_prophylaxis_factor: float = _param(
        0.02,
        Source.NEJM,
        "Residual Pneumocystis hazard with prophylaxis; " + NOT_SOURCED + "row 'Pneumocystis' "
        "(near 0 with prophylaxis).",
    )
    pneumocystis_case_fatality: float = _param(
        0.1, Source.NEJM, "Share of Pneumocystis infections that are fatal; not in the sources."
    )
    hyperglycemia_rate_per_10mg_day: float = _param(
        3e-4,
        Source.SUM_MX,
        "Glucose intolerance is a steroid harm (SUM-MX); hazard per 10 mg/day not in the sources.",
    )
    hypertension_rate_per_10mg_day: float = _param(
        2e-4,
        Source.SUM_MX,
        "Hypertension is a steroid harm (SUM-MX); hazard per 10 mg/day not in the sources.",
    )
    myopathy_rate_per_10mg_day: float = _param(
        5e-5,
        Source.SUM_MX,
        "Myopathy is a steroid harm (SUM-MX); hazard per 10 mg/day not in the sources.",
    )
    fracture_rate_per_gram_day: float = _param(
        2e-5,
        Source.SUM_MX,
        "Osteoporotic fracture hazard per gram of cumulative prednisone (SUM-MX names "
        "osteoporosis); size not in the sources.",
    )
    avascular_necrosis_rate_per_gram_day: float = _param(
        5e-6,
        Source.SUM_MX,
        "Avascular necrosis hazard per gram of cumulative prednisone (SUM-MX); size not in "
        "the sources.",
    )
    steroid_exposure_memory_days: float = _param(
        365.0,
        Source.SUM_MX,
        "Time constant over which past prednisone stops counting towards fracture and "
        "avascular-necrosis risk (an exponentially fading cumulative dose); harms are "
        "dose-driven. Value " + OURS + "row 10.",
    )
    serious_infection_rate_per_10mg_day: float = _param(
        4e-5,
        Source.SUM_MX,
        "Serious (non-Pneumocystis) infection hazard per 10 mg/day prednisone; infection is a "
        "steroid harm. Rate " + OURS + "row 5.",
    )
    adrenal_suppression_mg: float = _param(
        20.0,
        Source.SUM_MX,
        "Prednisone-equivalent mg/day that suppresses the adrenal axis when held for "
        "adrenal_suppression_days (SUM-MX lists adrenal insufficiency; the threshold is "
        "§16 row 9).",
    )
    adrenal_suppression_days: float = _param(
        21.0,
        Source.SUM_MX,
        "Unbroken days at adrenal_suppression_mg or more that suppress the axis (§16 row 9).",
    )
    adrenal_recovery_days: float = _param(
        28.0,
        Source.SUM_MX,
        "Days below adrenal_suppression_mg after which the axis has recovered enough to stop; "
        "a taper that spends this long lower down is safe. Value " + OURS + "rows 8-9.",
    )
    adrenal_replacement_mg: float = _param(
        5.0,
        Source.SUM_MX,
        "Prednisone mg/day below which a suppressed axis must work on its own; " + OURS + "row 9.",
    )
    adrenal_insufficiency_probability: float = _param(
        0.3,
        Source.SUM_MX,
        "Chance of adrenal insufficiency when a suppressed axis loses its steroid at once; "
        + OURS
        + "rows 8-9.",
    )
    azathioprine_harm_rate_per_day: float = _param(
        3e-4,
        Source.NEJM,
        "Hazard of each serious azathioprine harm (marrow suppression, liver injury) while on "
        "it; NEJM: toxic effects. Rate " + OURS + "row 11.",
    )
    mycophenolate_harm_rate_per_day: float = _param(
        1.5e-4,
        Source.NEJM,
        "Hazard of each serious mycophenolate harm (marrow suppression, serious infection); "
        "rate " + OURS + "row 11.",
    )
    cyclophosphamide_harm_rate_per_day: float = _param(
        8e-4,
        Source.NEJM,
        "Hazard of each serious cyclophosphamide harm (marrow suppression, bladder bleeding, "
        "serious infection), the most toxic agent; NEJM: toxic effects. Rate " + OURS + "row 11.",
    )
    bone_protection_factor: float = _param(
        0.5,
        Source.SUM_MX,
        "Fracture hazard multiplier with bone protection (SUM-MX advises it); size not in "
        "the sources.",
    )

    @classmethod
    def describe(cls) -> list[tuple[str, float, Source, str]]:
        """(name, default, source, reason) for every parameter, for docs and admin forms."""
        return [
            (spec.name, float(spec.default), spec.metadata["source"], spec.metadata["reason"])
            for spec in fields(cls)
            if isinstance(spec.default, float)
        ]

    def with_overrides(self, overrides: Mapping[str, Any]) -> Parameters:
        """A copy with some values replaced; unknown names and non-numbers raise ValueError."""
        known = {spec.name: spec for spec in fields(self)}
        for name, value in overrides.items():
            if name not in known:
                raise ValueError(f"unknown parameter {name!r}; allowed: {sorted(known)}")
            _check_value(known[name], value)
        return replace(self, **{name: float(value) for name, value in overrides.items()})

    def overrides(self) -> dict[str, float]:
        """The values that differ from the defaults, which is all a stored timeline needs."""
        return {
            spec.name: getattr(self, spec.name)
            for spec in fields(self)
            if getattr(self, spec.name) != spec.default
        }


PROBABILITY_NAMES = frozenset(
    {
        "macrolide_nonresponder_fraction",
        "spontaneous_prior_probability",
        "residual_probability_airspace",
        "residual_probability_reticular",
        "residual_probability_cicatricial",
        "pneumocystis_case_fatality",
        "adrenal_insufficiency_probability",
    }
)


def _check_value(spec: Field[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"parameter {spec.name} must be a finite number, not {value!r}")
    high = 1.0 if spec.name in PROBABILITY_NAMES else math.inf
    if not 0.0 <= value <= high:
        raise ValueError(f"parameter {spec.name} must be between 0 and {high}, not {value!r}")
