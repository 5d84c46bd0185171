"""Uploaded images: only real PNG, JPEG, GIF or WebP files within the size limit are kept,
and they are served where the deployment says."""

import io
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from edu_site.images import validate_image
from edu_site.settings import media_storage_from_env
from tests.factories import QuestionFactory

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_a_real_png_is_accepted():
    validate_image(upload("ct.png", png_bytes()))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("scan.svg", SVG),
        ("scan.png", SVG),
        ("scan.png", b"<html><script>alert(1)</script></html>"),
        ("scan.png", png_bytes()[:60]),
        ("scan.png", b""),
    ],
    ids=["svg", "svg-named-png", "html-named-png", "truncated-png", "empty"],
)
def test_anything_that_is_not_a_raster_image_is_refused(name, content):
    with pytest.raises(ValidationError, match="not an image we can show"):
        validate_image(upload(name, content))


def test_an_image_over_the_size_limit_is_refused(settings):
    settings.MAX_IMAGE_BYTES = 1_000

    with pytest.raises(ValidationError, match="at most"):
        validate_image(upload("big.png", png_bytes((400, 400)) + b"\0" * 2_000))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "message"), [("x.svg", "extension"), ("x.png", "not an image")])
def test_a_question_with_an_svg_image_does_not_validate(name, message):
    question = QuestionFactory.create()
    question.image = upload(name, SVG)

    with pytest.raises(ValidationError, match=message):
        question.full_clean()


@pytest.mark.django_db
def test_uploaded_images_are_served_when_this_process_serves_media(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SERVE_MEDIA = True
    question = QuestionFactory.create(image=upload("ct.png", png_bytes()))

    response = client.get(question.image.url)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_behind_a_proxy_django_leaves_media_to_it(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SERVE_MEDIA = False
    question = QuestionFactory.create(image=upload("ct.png", png_bytes()))

    assert client.get(question.image.url).status_code == HTTPStatus.NOT_FOUND


def test_naming_a_bucket_keeps_uploads_in_an_s3_compatible_store(monkeypatch):
    monkeypatch.setenv("S3_BUCKET", "op-media")
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://127.0.0.1:9000")

    storage = media_storage_from_env()

    assert storage == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "op-media",
            "file_overwrite": False,
            "querystring_auth": True,
            "endpoint_url": "http://127.0.0.1:9000",
        },
    }


def test_without_a_bucket_uploads_stay_on_local_disk(monkeypatch):
    monkeypatch.delenv("S3_BUCKET", raising=False)
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)

    assert media_storage_from_env() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
