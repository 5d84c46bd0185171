"""The named relapse risk factors: what counts as one, and how far they can raise relapse."""

from dataclasses import replace

from cases.simulation import get_plan, get_profile, simulate

SEEDS = range(300)


def relapses(patient, plan_name="prednisone-standard"):
    plan = get_plan(plan_name)
    return [
        [event.day for event in simulate(patient, plan, seed).events if event.kind == "relapse"]
        for seed in SEEDS
    ]


def test_a_raised_ggt_alone_or_a_raised_alp_alone_is_not_cholestasis():
    """SUM-MX flags repeated relapse with GGT above 124 IU/L and ALP above 190 IU/L, both;
    one raised enzyme alone changes no patient's course (same seeds, same clocks)."""
    patient = replace(get_profile("typical-cop").sample(3), ggt_iu_l=40.0, alp_iu_l=90.0)
    ggt_only = replace(patient, ggt_iu_l=200.0)
    alp_only = replace(patient, alp_iu_l=260.0)
    both = replace(patient, ggt_iu_l=200.0, alp_iu_l=260.0)

    assert not ggt_only.cholestasis
    assert not alp_only.cholestasis
    assert both.cholestasis
    assert relapses(ggt_only) == relapses(patient) == relapses(alp_only)
    assert sum(map(bool, relapses(both))) > sum(map(bool, relapses(patient)))
