"""Question banks in and out: Moodle XML and GIFT files as Moodle writes them."""

import base64
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from quizzes import bank, scoring
from quizzes.exchange import ExchangeError
from quizzes.models import Question, Topic
from tests.conftest import shipped_bank_load

pytestmark = pytest.mark.django_db

PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5Er"
    "kJggg=="
)
REF = "References: King &amp; Lee, N Engl J Med 2022; GARD: Cryptogenic organizing pneumonia (2020)"

MOODLE_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category><text>$course$/top/Diagnosis/Imaging</text></category>
    <info format="moodle_auto_format"><text>Imaging questions</text></info>
    <idnumber></idnumber>
  </question>
<!-- question: 101  -->
  <question type="multichoice">
    <name><text>CT pattern</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>A 60-year-old has the CT shown.
        <img src="@@PLUGINFILE@@/ct.png" alt="Patchy consolidation" width="1" height="1"></p>
        <p>Which pattern is this?</p>]]></text>
      <file name="ct.png" path="/" encoding="base64">{base64.b64encode(PIXEL).decode()}</file>
    </questiontext>
    <generalfeedback format="html">
      <text><![CDATA[<p>Patchy <b>peripheral</b> consolidation is typical.</p><p>{REF}</p>]]></text>
    </generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>ct-pattern-1</idnumber>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <correctfeedback format="html">
      <text>Your answer is correct.</text>
    </correctfeedback>
    <partiallycorrectfeedback format="html">
      <text>Your answer is partially correct.</text>
    </partiallycorrectfeedback>
    <incorrectfeedback format="html">
      <text>Your answer is incorrect.</text>
    </incorrectfeedback>
    <answer fraction="100" format="html">
      <text><![CDATA[<p>Organizing pneumonia</p>]]></text>
      <feedback format="html"><text>Right: the classic pattern.</text></feedback>
    </answer>
    <answer fraction="0" format="html">
      <text>Miliary nodules</text>
      <feedback format="html"><text>Those are tiny diffuse nodules.</text></feedback>
    </answer>
    <answer fraction="0" format="html">
      <text>Honeycombing</text>
      <feedback format="html"><text>That is fibrosis.</text></feedback>
    </answer>
  </question>
  <question type="category">
    <category><text>$course$/top/Management/Glucocorticoids</text></category>
  </question>
  <question type="multichoice">
    <name><text>Steroid effects</text></name>
    <questiontext format="html"><text>Which are effects of long steroids?</text></questiontext>
    <generalfeedback format="html"><text>{REF}</text></generalfeedback>
    <idnumber>steroids-2</idnumber>
    <single>false</single>
    <answer fraction="50"><text>Osteoporosis</text><feedback><text>Yes.</text></feedback></answer>
    <answer fraction="50"><text>Hyperglycaemia</text><feedback><text>Yes.</text></feedback></answer>
    <answer fraction="-50"><text>Hair loss</text><feedback><text>No.</text></feedback></answer>
    <answer fraction="-50"><text>Hearing loss</text><feedback><text>No.</text></feedback></answer>
  </question>
  <question type="multichoice">
    <name><text>Weighted</text></name>
    <questiontext format="html"><text>Which two drugs?</text></questiontext>
    <generalfeedback format="html"><text>{REF}</text></generalfeedback>
    <single>false</single>
    <answer fraction="70"><text>Prednisone</text><feedback><text>Yes.</text></feedback></answer>
    <answer fraction="30"><text>Azithromycin</text><feedback><text>Maybe.</text></feedback></answer>
    <answer fraction="0"><text>Aspirin</text><feedback><text>No.</text></feedback></answer>
  </question>
  <question type="truefalse">
    <name><text>Relapse</text></name>
    <questiontext format="html">
      <text>Relapse is common when steroids are tapered.</text>
    </questiontext>
    <generalfeedback format="html"><text>{REF}</text></generalfeedback>
    <defaultgrade>1.0000000</defaultgrade>
    <penalty>1.0000000</penalty>
    <hidden>0</hidden>
    <idnumber>relapse-3</idnumber>
    <answer fraction="100" format="moodle_auto_format">
      <text>true</text>
      <feedback format="html"><text>Right: relapses follow tapering.</text></feedback>
    </answer>
    <answer fraction="0" format="moodle_auto_format">
      <text>false</text>
      <feedback format="html"><text>They are common.</text></feedback>
    </answer>
  </question>
  <question type="essay">
    <name><text>Discuss</text></name>
    <questiontext format="html"><text>Discuss COP.</text></questiontext>
  </question>
  <question type="multichoice">
    <name><text>No key</text></name>
    <questiontext format="html"><text>Which is right?</text></questiontext>
    <generalfeedback format="html"><text>{REF}</text></generalfeedback>
    <single>true</single>
    <answer fraction="0"><text>A</text><feedback><text>No.</text></feedback></answer>
    <answer fraction="0"><text>B</text><feedback><text>No.</text></feedback></answer>
    <answer fraction="0"><text>C</text><feedback><text>No.</text></feedback></answer>
  </question>
</quiz>
""".encode()

GIFT = """// A GIFT bank as a teacher writes it
$CATEGORY: $course$/top/Basics/Epidemiology

// [id:gift-age]
::Typical age::What is the typical age at onset of COP? {
  =Fifth or sixth decade#Right: most patients are 50 to 60.
  ~Childhood#Rare in children.
  ~Over 90#Not typical.
  ####Most patients are middle-aged.\\nReferences: King & Lee, N Engl J Med 2022
}

::Causes::Which can cause secondary OP? {
  ~%50%Amiodarone#Yes, a drug cause.
  ~%50%Radiation#Yes.
  ~%-100%Smoking#No\\: not a cause.
  ####References: GARD: Cryptogenic organizing pneumonia (2020)
}

::Smokers::Most COP patients smoke.{FALSE#Most have never smoked.#Right: most never smoked.
####References: King & Lee, N Engl J Med 2022}

::Name it::Name the pattern. {=organizing pneumonia}
"""


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def topic_path(question: Question) -> list[str]:
    return [str(topic) for topic in question.topics.all()]


def marks(question: Question, *ticked: str) -> float:
    choices = list(question.choices.all())
    return scoring.answer_fraction(
        kind=question.kind,
        correct_ids=[c.pk for c in choices if c.is_correct],
        all_ids=[c.pk for c in choices],
        chosen_ids=[c.pk for c in choices if c.text in ticked],
    )


def test_a_moodle_file_imports_its_three_types_as_drafts_with_topics_and_images():
    report = bank.questions_import(data=MOODLE_XML, file_format=None, dry_run=False)

    assert [name for name, _, _ in report.imported] == [
        "CT pattern",
        "Steroid effects",
        "Weighted",
        "Relapse",
    ]
    ct = Question.objects.get(family="ct-pattern-1")
    assert (ct.kind, ct.status) == ("single", "draft")
    assert ct.stem == "A 60-year-old has the CT shown.\nWhich pattern is this?"
    assert ct.explanation == "Patchy <b>peripheral</b> consolidation is typical."
    assert ct.reference_list() == [
        "King & Lee, N Engl J Med 2022",
        "GARD: Cryptogenic organizing pneumonia (2020)",
    ]
    assert topic_path(ct) == ["Diagnosis > Imaging"]
    assert str(Topic.objects.get(name="Imaging")) == "Diagnosis > Imaging"
    assert ct.image.read() == PIXEL
    assert ct.image_alt == "Patchy consolidation"
    key = ct.choices.get(is_correct=True)
    assert (key.text, key.explanation) == ("Organizing pneumonia", "Right: the classic pattern.")
    assert ct.choices.get(text="Honeycombing").explanation == "That is fibrosis."


def test_moodle_fractions_become_our_partial_credit_and_penalties():
    report = bank.questions_import(data=MOODLE_XML, file_format="moodle-xml", dry_run=False)

    steroids = Question.objects.get(family="steroids-2")
    assert steroids.kind == "multiple"
    assert topic_path(steroids) == ["Management > Glucocorticoids"]
    assert marks(steroids, "Osteoporosis", "Hyperglycaemia") == 1
    assert marks(steroids, "Osteoporosis") == 0.5
    assert marks(steroids, "Osteoporosis", "Hyperglycaemia", "Hair loss") == 0.5
    assert marks(steroids, "Osteoporosis", "Hair loss", "Hearing loss") == 0
    notes = {name: notes for name, _, notes in report.imported}
    assert notes["Steroid effects"] == []
    assert "weights the right options unequally" in notes["Weighted"][0]
    assert "penalties for wrong options differ" in notes["Weighted"][1]


def test_moodle_true_false_keeps_the_key_and_both_feedbacks():
    bank.questions_import(data=MOODLE_XML, file_format=None, dry_run=False)

    relapse = Question.objects.get(family="relapse-3")
    options = [(c.text, c.is_correct, c.explanation) for c in relapse.choices.all()]
    assert relapse.kind == "true_false"
    assert options == [
        ("True", True, "Right: relapses follow tapering."),
        ("False", False, "They are common."),
    ]


def test_other_types_are_skipped_and_a_question_without_a_key_is_refused_by_name():
    report = bank.questions_import(data=MOODLE_XML, file_format=None, dry_run=False)

    assert [(s.name, s.reason) for s in report.skipped] == [
        ("Discuss", "essay questions are not supported (only multiple choice and true/false).")
    ]
    assert report.refused == [
        (
            "No key",
            ["A single-best-answer question has exactly one correct option; this one has 0."],
        )
    ]
    assert Question.objects.count() == 4
    assert "refused: No key: A single-best-answer question" in "\n".join(report.lines())


def test_importing_the_same_file_again_adds_nothing():
    bank.questions_import(data=MOODLE_XML, file_format=None, dry_run=False)
    bank.questions_import(data=GIFT.encode(), file_format=None, dry_run=False)
    counts = (Question.objects.count(), Topic.objects.count())

    again = bank.questions_import(data=MOODLE_XML, file_format=None, dry_run=False)
    gift_again = bank.questions_import(data=GIFT.encode(), file_format="gift", dry_run=False)

    assert (Question.objects.count(), Topic.objects.count()) == counts
    assert again.imported == gift_again.imported == []
    assert all("Already in the question #" in s.reason for s in again.skipped[1:])


def test_a_dry_run_reports_and_saves_nothing():
    report = bank.questions_import(data=MOODLE_XML, file_format=None, dry_run=True)

    assert len(report.imported) == 4
    assert report.lines()[0] == "would import 4, skipped 1, refused 1"
    assert not Question.objects.exists()
    assert not Topic.objects.exists()


def test_a_gift_file_imports_choices_weights_true_false_and_categories():
    report = bank.questions_import(data=GIFT.encode(), file_format=None, dry_run=False)

    assert [name for name, _, _ in report.imported] == ["Typical age", "Causes", "Smokers"]
    assert [(s.name, s.reason) for s in report.skipped] == [
        ("Name it", "Short-answer questions are not supported.")
    ]
    age = Question.objects.get(family="gift-age")
    assert (age.kind, topic_path(age)) == ("single", ["Basics > Epidemiology"])
    assert age.explanation == "Most patients are middle-aged."
    assert age.reference_list() == ["King & Lee, N Engl J Med 2022"]
    assert age.choices.get(is_correct=True).explanation == "Right: most patients are 50 to 60."
    causes = Question.objects.get(stem="Which can cause secondary OP?")
    assert causes.kind == "multiple"
    assert causes.family.startswith("sha1-")
    assert causes.choices.get(text="Smoking").explanation == "No: not a cause."
    assert marks(causes, "Amiodarone") == 0.5
    assert marks(causes, "Amiodarone", "Radiation", "Smoking") == 0
    smokers = Question.objects.get(kind="true_false")
    assert [(c.text, c.is_correct, c.explanation) for c in smokers.choices.all()] == [
        ("True", False, "Most have never smoked."),
        ("False", True, "Right: most never smoked."),
    ]


def bank_snapshot() -> dict[str, tuple]:
    return {
        question.family: (
            question.kind,
            question.stem,
            question.explanation,
            tuple(question.reference_list()),
            tuple(sorted(str(topic) for topic in question.topics.all())),
            tuple((c.text, c.is_correct, c.explanation) for c in question.choices.all()),
            question.image_alt,
            question.image.read() if question.image else b"",
        )
        for question in Question.objects.exclude(status=Question.Status.RETIRED).prefetch_related(
            "choices", "topics"
        )
    }


@pytest.mark.parametrize("file_format", ["moodle-xml", "gift"])
def test_exporting_the_shipped_bank_and_importing_it_gives_it_back(file_format):
    shipped_bank_load()
    with_image = Question.objects.get(family="op-q1", status=Question.Status.READY)
    if file_format == "moodle-xml":
        with_image.image.save("pattern.png", ContentFile(PIXEL), save=False)
        with_image.image_alt = "A chest CT, patchy consolidation"
        with_image.save()
    before = bank_snapshot()
    exported = bank.questions_export(file_format=file_format)
    _empty_the_bank()

    report = bank.questions_import(data=exported, file_format=file_format, dry_run=False)

    assert (len(report.imported), report.skipped, report.refused) == (len(before), [], [])
    assert bank_snapshot() == before


def _empty_the_bank() -> None:
    from quizzes.models import Choice, Quiz

    Quiz.objects.all().delete()
    Choice.objects.all().delete()
    Question.objects.filter(previous_version__isnull=False).delete()
    Question.objects.all().delete()
    Topic.objects.filter(parent__isnull=False).delete()
    Topic.objects.all().delete()


def test_an_export_can_be_limited_to_a_topic_and_its_subtopics():
    shipped_bank_load()
    diagnosis = Topic.objects.get(slug="diagnosis")
    current = Question.objects.exclude(status=Question.Status.RETIRED)
    expected = current.filter(topics__parent=diagnosis).distinct().count()

    out = io.StringIO()
    call_command("questions_export", "--format", "gift", "--topic", "diagnosis", stdout=out)

    assert out.getvalue().count("// [id:") == expected > 0


def test_the_import_command_prints_the_report(tmp_path):
    path = tmp_path / "bank.xml"
    path.write_bytes(MOODLE_XML)
    out = io.StringIO()

    call_command("questions_import", str(path), "--dry-run", stdout=out)

    assert out.getvalue().splitlines()[0] == "would import 4, skipped 1, refused 1"
    assert not Question.objects.exists()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="truefalse"><name><text>&lol3;</text></name></question></quiz>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="truefalse"><name><text>&secret;</text></name></question></quiz>"""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BILLION_LAUGHS, "declares a DTD or entities"),
        (EXTERNAL_ENTITY, "declares a DTD or entities"),
        (b"<?xml version='1.0'?><quiz><question type='truefalse'>", "not well-formed XML"),
        (b"<?xml version='1.0'?><html><body/></html>", "not <quiz>"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not text in UTF-8"),
        (b"Just some notes about pneumonia.\nNothing else.", "No GIFT questions were found"),
        (b"<quiz>" + b" " * bank.IMPORT_MAX_BYTES + b"</quiz>", "the limit is 5 MB"),
    ],
    ids=["billion-laughs", "external-entity", "malformed", "not-moodle", "binary", "prose", "big"],
)
def test_a_hostile_or_wrong_file_is_refused_and_imports_nothing(data, message):
    with pytest.raises(ExchangeError, match=message):
        bank.questions_import(data=data, file_format=None, dry_run=False)

    assert not Question.objects.exists()
    assert not Topic.objects.exists()


def test_the_import_command_refuses_a_hostile_file_with_the_message(tmp_path):
    path = tmp_path / "lol.xml"
    path.write_bytes(BILLION_LAUGHS)

    with pytest.raises(CommandError, match="billion-laughs"):
        call_command("questions_import", str(path))
