"""The browsable API documentation, served from the sidecar package on this site."""

import re
from http import HTTPStatus

import pytest

pytestmark = pytest.mark.django_db


def test_the_browsable_docs_load_only_from_this_site(client):
    page = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert page.status_code == HTTPStatus.OK
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert any("drf_spectacular_sidecar/swagger-ui-dist/" in asset for asset in assets)
    assert all(asset.startswith("/") and not asset.startswith("//") for asset in assets)
    assert "/api/schema/" in script.text
