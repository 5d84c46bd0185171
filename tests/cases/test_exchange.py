"""The exchange format: a case travels as one JSON file and comes back the same."""

import base64
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from cases.exchange import (
    FORMAT,
    ImportRefused,
    case_duplicate,
    case_export,
    case_export_json,
    case_import,
    schema_problems,
)
from cases.models import (
    Case,
    CaseExamFinding,
    CaseHistoryItem,
    CaseParameter,
    CaseReference,
    CaseVersion,
    Investigation,
    ManagementRule,
    Reference,
    Therapy,
)
from quizzes.models import Topic
from tests.factories import (
    CaseFactory,
    CaseResultFactory,
    InterpretationQuestionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_export_then_import_then_export_gives_the_same_file(shipped_case, tmp_path):
    first = case_export_json(shipped_case)
    copy = case_import(first, slug="cough-copy")

    again = json.loads(case_export_json(copy))
    again["case"]["slug"] = "cough-after-antibiotics"

    assert json.dumps(again, indent=2, ensure_ascii=False) + "\n" == first


def test_the_exported_file_holds_everything_and_validates_against_the_schema(shipped_case):
    data = case_export(shipped_case)

    assert schema_problems(data) == []
    assert data["format"] == FORMAT
    assert len(data["results"]) == 16
    assert sum(len(result["questions"]) for result in data["results"]) == 6
    assert {entry["key"] for entry in data["references"]} == {
        "NEJM",
        "SUM-DX",
        "SUM-MX",
        "GARD",
        "MSD",
    }
    assert len(data["catalog"]["investigations"]) == 16


def test_importing_into_a_site_without_the_catalog_creates_its_entries(shipped_case):
    data = case_export(shipped_case)
    CaseVersion.objects.all().delete()
    Case.objects.all().delete()
    Investigation.objects.filter(key="hrct-chest").delete()
    Reference.objects.filter(key="GARD").delete()

    case = case_import(data)

    assert case.status == Case.Status.DRAFT
    assert Investigation.objects.filter(key="hrct-chest").exists()
    assert Reference.objects.get(key="GARD").citation.startswith("GARD")


def test_an_import_leaves_existing_catalog_entries_as_they_are(shipped_case):
    data = case_export(shipped_case)
    data["catalog"]["therapies"][0]["name"] = "Renamed by another school"

    case_import(data, slug="copy")

    assert not Therapy.objects.filter(name="Renamed by another school").exists()


def test_publish_makes_version_one(shipped_case):
    case = case_import(case_export(shipped_case), slug="copy", publish=True)

    assert case.status == Case.Status.PUBLISHED
    assert list(case.versions.values_list("number", flat=True)) == [1]


def test_an_image_travels_embedded_and_comes_back_the_same(shipped_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = case_export(shipped_case)
    data["results"][0]["image"] = {
        "media_type": "image/png",
        "data": base64.b64encode(png_bytes()).decode(),
    }
    data["results"][0]["image_alt"] = "A white square."

    case = case_import(data, slug="with-image")

    exported = case_export(case)["results"][0]
    assert exported["image"] == data["results"][0]["image"]


def test_a_refused_file_lists_every_problem_and_creates_nothing(shipped_case):
    data = case_export(shipped_case)
    data["results"][0]["values"][0]["reference_low"] = 500
    [ct] = [result for result in data["results"] if result["investigation"] == "hrct-chest"]
    ct["questions"][0]["options"] = []
    data["history"][0]["source"] = "nowhere"
    count = Case.objects.count()

    with pytest.raises(ImportRefused) as refused:
        case_import(data, slug="broken")

    rows = [(p.row, p.field) for p in refused.value.problems]
    assert ("History item 'onset'", "source") in rows
    assert ("Question 'ct-features'", "options") in rows
    assert ("Result 'arterial-blood-gas' value 'PaO2'", "reference_high") in rows
    assert Case.objects.count() == count
    assert not Case.objects.filter(slug="broken").exists()


def embedded(data: bytes, media_type: str = "image/png") -> dict[str, str]:
    return {"media_type": media_type, "data": base64.b64encode(data).decode()}


def with_image(data: dict, image: dict[str, str], investigation: str = "hrct-chest") -> dict:
    [result] = [r for r in data["results"] if r["investigation"] == investigation]
    result["image"] = image
    result["image_alt"] = "The scan."
    return result


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()]


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("image", "field", "message"),
    [
        (embedded(b"<html>not a scan</html>"), "image", "This file is not an image we can show"),
        (embedded(SVG), "image", "(SVG is not accepted)"),
        (embedded(SVG, "image/svg+xml"), "media_type", "'image/svg+xml' is not one of"),
        (embedded(png_bytes() * 2), "image", "images may be at most"),
    ],
    ids=["not-an-image", "svg-named-png", "svg", "too-large"],
)
def test_a_bad_embedded_image_is_refused_with_its_reason_and_nothing_is_stored(
    shipped_case, settings, tmp_path, image, field, message
):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_IMAGE_BYTES = len(png_bytes()) + 1
    data = case_export(shipped_case)
    with_image(data, image)
    data["catalog"]["topics"].append({"slug": "new-topic", "name": "A topic new to this site"})
    cases, references = Case.objects.count(), Reference.objects.count()

    with pytest.raises(ImportRefused) as refused:
        case_import(data, slug="with-bad-image")

    [problem] = [p for p in refused.value.problems if p.field == field]
    assert message in problem.message
    assert (Case.objects.count(), Reference.objects.count()) == (cases, references)
    assert not Topic.objects.filter(slug="new-topic").exists()
    assert stored_files(tmp_path) == []


def test_a_refused_file_leaves_no_image_behind(shipped_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = case_export(shipped_case)
    with_image(data, embedded(png_bytes()))
    data["therapies"] = []

    with pytest.raises(ImportRefused, match="Offer at least one therapy"):
        case_import(data, slug="no-therapy")

    assert stored_files(tmp_path) == []


def test_the_rows_under_a_refused_row_are_checked_too(shipped_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = case_export(shipped_case)
    result = with_image(data, embedded(b"not an image"))
    result["questions"][0]["options"][0]["text"] = ""
    [crp] = [r for r in data["results"] if r["investigation"] == "crp-esr"]
    crp["image"] = {"media_type": "image/png", "data": "not base64!"}
    crp["image_alt"] = "The table."
    crp["values"][0]["reference_low"] = 1000

    with pytest.raises(ImportRefused) as refused:
        case_import(data, slug="broken")

    rows = [(p.row, p.field) for p in refused.value.problems]
    question = result["questions"][0]["key"]
    assert ("Result 'hrct-chest'", "image") in rows
    assert (f"Question '{question}' option 1", "text") in rows
    assert ("Result 'crp-esr'", "image") in rows
    assert (f"Result 'crp-esr' value '{crp['values'][0]['name']}'", "reference_high") in rows


def test_a_taken_slug_still_lists_the_problems_of_every_row(shipped_case):
    data = case_export(shipped_case)
    data["history"][0]["question"] = ""

    with pytest.raises(ImportRefused) as refused:
        case_import(data)

    rows = [(p.row, p.field) for p in refused.value.problems]
    assert rows[0] == ("Case", "slug")
    assert (f"History item '{data['history'][0]['key']}'", "question") in rows


def test_a_file_that_fails_the_schema_is_refused_with_its_places(shipped_case):
    data = case_export(shipped_case)
    data["results"][0]["appropriateness"] = "essential"
    del data["history"][1]["answer"]

    with pytest.raises(ImportRefused) as refused:
        case_import(data, slug="broken")

    problems = [(p.row, p.field, p.message) for p in refused.value.problems]
    assert problems == [
        ("history[1]", "required", "'answer' is a required property"),
        (
            "results[0]",
            "appropriateness",
            "'essential' is not one of ['critical', "
            "'recommended', 'neutral', 'unnecessary', 'harmful']",
        ),
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "moodle-xml"}, "Unknown format 'moodle-xml'"),
        ({"format_version": 2}, "Unknown format version 2"),
    ],
)
def test_an_unknown_format_or_version_is_refused(shipped_case, change, message):
    data = {**case_export(shipped_case), **change}

    with pytest.raises(ImportRefused, match=message):
        case_import(data, slug="other")


def test_a_file_that_is_not_json_is_refused():
    with pytest.raises(ImportRefused, match="It is not JSON"):
        case_import(b"<case/>")


def test_an_existing_slug_is_refused_without_replace(shipped_case):
    with pytest.raises(ImportRefused, match="A case with the slug 'cough-after-antibiotics'"):
        case_import(case_export(shipped_case))


def test_duplicate_makes_a_new_draft_with_every_row(shipped_case):
    copy = case_duplicate(case=shipped_case, slug="cough-variant")

    assert (copy.status, copy.version, copy.title) == (
        Case.Status.DRAFT,
        1,
        "The pneumonia that antibiotics did not touch (copy)",
    )
    for related in ("results", "questions", "history_items", "diagnoses", "management_rules"):
        assert getattr(copy, related).count() == getattr(shipped_case, related).count()


def test_a_case_reference_is_owned_by_the_copy_under_its_own_key(shipped_case):
    label = Reference.objects.create(key="drug-label", citation="A drug's label", case=shipped_case)
    shipped_case.results.filter(investigation__key="hrct-chest").update(source=label)

    copy = case_duplicate(case=shipped_case, slug="variant")

    own = Reference.objects.get(case=copy)
    assert own.key == "variant-drug-label"
    assert copy.results.get(investigation__key="hrct-chest").source_id == "variant-drug-label"
    assert case_export(copy)["results"] == case_export(shipped_case)["results"]


def test_the_commands_export_and_import_a_file(shipped_case, tmp_path, capsys):
    path = tmp_path / "case.json"
    call_command("case_export", "cough-after-antibiotics", "--output", str(path))

    call_command("case_import", str(path), "--slug", "from-file", "--publish")

    assert Case.objects.get(slug="from-file").status == Case.Status.PUBLISHED


def test_the_import_command_lists_every_problem_and_exits_non_zero(shipped_case, tmp_path, capsys):
    data = case_export(shipped_case)
    data["therapies"] = []
    data["diagnoses"] = []
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))

    with pytest.raises(CommandError, match="nothing imported, 3 problems"):
        call_command("case_import", str(path), "--slug", "x")

    errors = capsys.readouterr().err
    assert "- Diagnoses, role:" in errors
    assert "- Therapies, therapy:" in errors
    assert "- Case, model plan: It uses prednisone" in errors
    assert not Case.objects.filter(slug="x").exists()


def export_queries(case: Case) -> int:
    with CaptureQueriesContext(connection) as queries:
        case_export(case)
    return len(queries)


def grow(case: Case, rows: int) -> None:
    """``rows`` more of every kind of row a case holds, citing a reference of its own."""
    own = Reference.objects.create(key=f"{case.slug}-label", citation="A label", case=case)
    start = case.history_items.count()
    for n in range(start, start + rows):
        CaseHistoryItem.objects.create(
            case=case,
            key=f"h{n}",
            question="Q?",
            answer="A.",
            appropriateness="neutral",
            source=own,
        )
        CaseExamFinding.objects.create(case=case, system=f"S{n}", finding="F.", source=own)
        result = CaseResultFactory(
            case=case, source=own, values=[{"name": "CRP", "value": 8, "unit": "mg/dL"}] * 2
        )
        InterpretationQuestionFactory(result=result, topic=TopicFactory(), source=own)
        ManagementRule.objects.create(
            case=case, kind="course_days_at_least", low=90, weight=1, explanation="E.", source=own
        )
        CaseParameter.objects.create(case=case, name=f"p{n}", value=1.0, reason="R.")
        CaseReference.objects.create(case=case, source=own, explanation="Read it.")


def test_exporting_a_case_costs_the_same_queries_whatever_its_size():
    small, large = CaseFactory(), CaseFactory()
    grow(small, rows=1)
    grow(large, rows=6)

    assert export_queries(large) == export_queries(small)
