from http import HTTPStatus

import pytest
from django.urls import path

from edu_site.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("secret internals: database password is hunter2")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]


def test_missing_page_uses_the_site_layout(learner_client):
    response = learner_client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    page = response.content.decode()
    assert "Page not found" in page
    assert '<nav aria-label="Main">' in page


def test_server_error_shows_a_friendly_page_and_no_stack_trace(client, settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client.raise_request_exception = False

    response = client.get("/broken/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "Traceback" not in page
    assert "hunter2" not in page
