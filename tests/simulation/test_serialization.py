import json

from cases.simulation import (
    AGENTS,
    EventKind,
    Parameters,
    Patient,
    Plan,
    Timeline,
    get_plan,
    get_profile,
    patient_outcome,
    revise,
    simulate,
)


def test_timeline_survives_a_json_round_trip():
    timeline = revise(
        simulate(get_profile("typical-cop").sample(2), get_plan("prednisone-standard"), 4),
        90,
        get_plan("prednisone-short"),
    )
    assert Timeline.from_dict(json.loads(json.dumps(timeline.to_dict()))) == timeline


def test_plan_survives_a_json_round_trip():
    plan = get_plan("methylprednisolone-pulse")
    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


def test_patient_survives_a_json_round_trip():
    patient = get_profile("fulminant-op").sample(8)
    assert Patient.from_dict(json.loads(json.dumps(patient.to_dict()))) == patient


def test_parameter_overrides_are_stored_with_the_timeline_and_reused_on_revision():
    params = Parameters().with_overrides({"relapse_rate_per_day": 0.01})
    timeline = simulate(get_profile("typical-cop").sample(2), get_plan("observation"), 4, params)
    assert timeline.to_dict()["parameter_overrides"] == {"relapse_rate_per_day": 0.01}
    assert revise(timeline, 10, get_plan("observation")).parameters == params


def test_a_higher_relapse_rate_override_makes_relapse_more_common():
    patient = get_profile("typical-cop").sample(2)
    busy = Parameters().with_overrides({"relapse_rate_per_day": 0.01})

    def relapses(params):
        return sum(
            any(
                e.kind == "relapse"
                for e in simulate(patient, get_plan("prednisone-short"), s, params).events
            )
            for s in range(30)
        )

    assert relapses(busy) > relapses(Parameters())


def test_every_parameter_documents_its_source_and_reason():
    for name, _default, source, reason in Parameters.describe():
        assert source.value in {"NEJM", "MSD", "GARD", "SUM-DX", "SUM-MX"}, name
        assert len(reason) > 20, name


def test_every_dosed_agent_exposes_range_unit_cap_and_equivalence_for_forms():
    for agent in AGENTS.values():
        for unit, allowed in agent.dose_ranges.items():
            assert unit.value in {"mg/kg/day", "mg/day"}
            assert 0 <= allowed.minimum <= allowed.maximum
        if agent.takes_dose:
            assert agent.daily_cap_mg is not None
        assert agent.prednisone_equivalence >= 0


def test_every_event_cites_one_of_the_five_sources():
    for name in ("fulminant-op", "typical-cop"):
        timeline = simulate(get_profile(name).sample(1), get_plan("prednisone-standard-no-pjp"), 3)
        assert {e.source for e in timeline.events} <= {"NEJM", "MSD", "GARD", "SUM-DX", "SUM-MX"}


def test_a_patient_outcome_tells_what_the_full_timeline_shows(typical_patient):
    """The public outcome callers count over cohorts is the same run as the timeline."""
    plan = get_plan("prednisone-short")
    for seed in range(30):
        outcome = patient_outcome(typical_patient, plan, seed)
        events = simulate(typical_patient, plan, seed).events
        assert outcome.relapsed == any(e.kind is EventKind.RELAPSE for e in events)
        assert (outcome.death_day is None) == all(e.kind is not EventKind.DEATH for e in events)
        assert 0 <= outcome.active_disease_days <= 1825
