import re
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

SECTION_PAGES = ["cases:list", "quizzes:list", "progress", "classes:list"]


@pytest.mark.parametrize("page", SECTION_PAGES)
def test_every_section_page_opens_for_a_learner(learner_client, page):
    assert learner_client.get(reverse(page)).status_code == HTTPStatus.OK


@pytest.mark.parametrize("page", SECTION_PAGES)
def test_section_pages_ask_visitors_to_log_in(client, page):
    response = client.get(reverse(page))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_home_is_open_to_visitors_and_offers_sign_up(client):
    page = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("signup")}"' in page
    assert f'href="{reverse("admin:index")}"' not in page


def test_learners_see_no_admin_link(learner_client):
    page = learner_client.get(reverse("home")).content.decode()

    for name in SECTION_PAGES:
        assert f'href="{reverse(name)}"' in page
    assert f'href="{reverse("admin:index")}"' not in page


def test_educators_see_the_admin_link(educator_client):
    page = educator_client.get(reverse("home")).content.decode()

    assert f'href="{reverse("admin:index")}"' in page


def test_admin_opens_for_educators(educator_client):
    assert educator_client.get(reverse("admin:index")).status_code == HTTPStatus.OK


def test_admin_sends_learners_to_the_admin_login(learner_client):
    response = learner_client.get(reverse("admin:index"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("admin:login"))


def test_current_section_is_marked_for_screen_readers(learner_client):
    page = learner_client.get(reverse("quizzes:list")).content.decode()

    assert f'href="{reverse("quizzes:list")}" aria-current="page"' in page


def test_layout_has_landmarks_and_a_skip_link(client):
    page = client.get(reverse("home")).content.decode()

    assert 'href="#main"' in page
    assert '<main id="main"' in page
    assert '<nav aria-label="Main">' in page
    assert "<footer" in page


def test_htmx_comes_from_this_site_and_every_htmx_request_carries_the_csrf_token(client):
    page = client.get(reverse("home")).content.decode()

    assert 'src="/static/vendor/htmx.min.js"' in page
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert "https://" not in page.split("<body")[0]


def test_every_page_links_a_favicon_that_the_site_serves(client):
    page = client.get(reverse("home")).content.decode()

    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon is not None
    assert finders.find(icon.group(1).removeprefix(settings.STATIC_URL))
