"""Shipped content says what its sources say: a percentage cited to a source is one it reports.

Every case file (fixtures/cases/) and the question bank (fixtures/5?_*.json) teach figures with
the source in brackets after them, "dry cough in 71% (NEJM)". A figure moved to the wrong
source, or one no source gives, is the commonest way a citation goes wrong, and percentages are
the figures that are never worked out for a patient (doses and days often are), so every
percentage in the clause before a bracket of source labels must be one those sources report.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from cases.simulation.sources import Source

FIXTURES = settings.BASE_DIR / "fixtures"
SHIPPED_FILES = sorted([*FIXTURES.glob("cases/*.json"), *FIXTURES.glob("5?_*.json")])

REPORTED_PERCENTAGES: dict[Source, frozenset[str]] = {
    Source.NEJM: frozenset(
        # 52% men, 54% never smoked, 46% smokers, under 15% still smoking; registries 5% and
        # 10%; cough 71%, dyspnea 62%, fever 44%, flu-like 10-15%, hemoptysis under 5%;
        # crackles 60%, clubbing under 3%, normal exam under 5%; lung volumes normal in up to
        # 25%; reversed halo under 5%; spontaneous improvement under 10%; relapse under 25%;
        # DLCO under 50% of predicted; death under 10%; 5-year survival over 90%.
        {"3", "5", "10", "15", "25", "44", "46", "50", "52", "54", "60", "62", "71", "90"}
    ),
    # Crackles up to 60%, consolidation in 90%, FEV1/FVC under 70%, recurrence up to 25%.
    Source.MSD: frozenset({"25", "60", "70", "90"}),
    Source.GARD: frozenset(),  # GARD gives shares in words only: two-thirds, a third
    # Effusion 10-30%, complete recovery 65-80%, relapse 13-58%.
    Source.SUM_DX: frozenset({"10", "30", "65", "80", "13", "58"}),
    # CRP sensitivity 73.9%, specificity 93.8%; lymphocytes over 21%; FVC over 80%, FEV1 over
    # 70%; relapse 10% against 54.5%, failure about 12%; relapse about 58%, 68% on treatment;
    # 5-year survival 98.3%.
    Source.SUM_MX: frozenset(
        {"73.9", "93.8", "21", "80", "70", "10", "54.5", "12", "58", "68", "98.3"}
    ),
}
"""The percentages each source reports, read from the five source documents (the clinical
digest tags each figure with its source). A new figure cited to a source joins its set only
after it has been found in that source."""

ALIASES = {
    "King & Lee": Source.NEJM,
    "MSD Manual": Source.MSD,
    "2025 management summary": Source.SUM_MX,
    "Clinical summary: management of COP 2025": Source.SUM_MX,
    "2025 COP vs secondary OP summary": Source.SUM_DX,
    "Clinical summary: COP vs secondary OP 2025": Source.SUM_DX,
    **{source.value: source for source in Source},
}
"""The ways shipped text names a source in brackets."""

_NAME = "|".join(re.escape(name) for name in sorted(ALIASES, key=len, reverse=True))
CITED_CLAUSE = re.compile(
    r"(?P<clause>(?:[^.;:()]|\.(?=\d))*)"
    rf"\((?P<names>(?:{_NAME})(?:\s*(?:,|;|and)\s*(?:{_NAME}))*)\)"
)
"""A clause (back to the last full stop, semicolon, colon or bracket; a decimal point does not
end it) followed by a bracket that holds nothing but source names."""
PERCENTAGE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?:\s*(?:-|to)\s*(\d+(?:\.\d+)?))?\s*%")


def misattributed(text: str) -> list[str]:
    """Each percentage in `text` cited to sources none of which reports it, with its clause."""
    found = []
    for cited in CITED_CLAUSE.finditer(text):
        # A source the clause itself names ("under 50% in King & Lee, and ... (SUM-MX)") counts.
        names = re.findall(_NAME, cited["clause"] + " " + cited["names"])
        reported = set().union(*(REPORTED_PERCENTAGES[ALIASES[name]] for name in names))
        for figure in PERCENTAGE.finditer(cited["clause"]):
            if {value for value in figure.groups() if value} - reported:
                found.append(f"{figure.group(0)} ({cited['names']}) in: {cited['clause'].strip()}")
    return found


def strings(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)
    elif isinstance(data, str):
        yield data


def shipped_texts() -> Iterator[tuple[str, str]]:
    for path in SHIPPED_FILES:
        for text in strings(json.loads(path.read_bytes())):
            yield path.name, text


def test_a_percentage_moved_to_a_source_that_does_not_report_it_is_found():
    assert misattributed("Effusions occur in 10-30% (NEJM).") == [
        "10-30% (NEJM) in: Effusions occur in 10-30%"
    ]
    assert misattributed("Effusions occur in 10-30% (Clinical summary: management of COP 2025).")
    assert not misattributed("Under 50% is a factor for King & Lee, and 80% is a cut-off (SUM-MX).")
    assert not misattributed("Effusions occur in 10-30% (SUM-DX); rare in King & Lee.")
    assert not misattributed("A CRP of 3.79 mg/dL predicted it (sensitivity 73.9%; SUM-MX).")
    assert misattributed("Relapse in about 58% (NEJM, MSD).")
    assert not misattributed("Her FVC is 67%, and she is breathless (GARD: mild cases may settle).")


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda path: path.name)
def test_every_percentage_cited_in_shipped_content_is_one_its_source_reports(path: Path):
    found = [
        problem
        for text in strings(json.loads(path.read_bytes()))
        for problem in misattributed(text)
    ]

    assert found == []


def test_the_shipped_content_cites_percentages_for_the_check_to_read():
    cited = [
        figure
        for _, text in shipped_texts()
        for clause in CITED_CLAUSE.finditer(text)
        for figure in PERCENTAGE.finditer(clause["clause"])
    ]

    assert len(cited) >= 60
