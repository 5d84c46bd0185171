"""Shared builders for engine tests; none of them touches the database."""

import pytest

from cases.simulation import Patient, get_profile


@pytest.fixture
def typical_patient() -> Patient:
    return get_profile("typical-cop").sample(7)
