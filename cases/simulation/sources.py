"""Citation keys for the five source documents every rule and sentence is tagged with."""

from enum import StrEnum


class Source(StrEnum):
    NEJM = "NEJM"
    MSD = "MSD"
    GARD = "GARD"
    SUM_DX = "SUM-DX"
    SUM_MX = "SUM-MX"


CITATIONS: dict[Source, str] = {
    Source.NEJM: "King & Lee, N Engl J Med 2022",
    Source.MSD: "MSD Manual Professional: Cryptogenic Organizing Pneumonia (2025)",
    Source.GARD: "GARD: Cryptogenic organizing pneumonia (2020)",
    Source.SUM_DX: "Clinical summary: COP vs secondary OP (2025)",
    Source.SUM_MX: "Clinical summary: management of COP (2025)",
}
