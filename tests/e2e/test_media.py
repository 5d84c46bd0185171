"""In the browser: an educator uploads a question's image in admin (an SVG is refused), and
the learner taking the quiz sees the image, served by the site."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.browsing import log_in
from tests.factories import (
    EducatorFactory,
    QuestionFactory,
    QuizFactory,
    TopicFactory,
    UserFactory,
)

SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def media_served(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SERVE_MEDIA = True
    return tmp_path


def png(tmp_path):
    path = tmp_path / "upload" / "ct-scan.png"
    path.parent.mkdir()
    Image.new("RGB", (120, 80), "gray").save(path, "PNG")
    return path


def test_an_uploaded_image_reaches_the_learner_and_an_svg_never_does(
    page, transactional_db, media_served, tmp_path_factory
):
    question = QuestionFactory.create(
        stem="What does this CT show?", topics=[TopicFactory.create()]
    )
    quiz = QuizFactory.create(questions=[question], title="Imaging")
    log_in(page, EducatorFactory().username)
    change_page = f"/admin/quizzes/question/{question.pk}/change/"

    page.goto(change_page)
    svg = tmp_path_factory.mktemp("svg") / "scan.svg"
    svg.write_text(SVG)
    page.get_by_label("Image:").set_input_files(svg)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("File extension “svg” is not allowed")).to_be_visible()

    page.get_by_label("Image:").set_input_files(png(tmp_path_factory.mktemp("png")))
    page.get_by_label("Image alt:").fill("Axial CT with peripheral consolidation")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, UserFactory().username)
    page.goto("/quizzes/")
    page.get_by_role("button", name=f"Start {quiz.title}").click()
    image = page.get_by_role("img", name="Axial CT with peripheral consolidation")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 120
