"""Factories for tests. Each app's factories live here, grouped by app."""

import factory
from django.conf import settings

from edu_site.roles import educator_grant

TEST_PASSWORD = "a-long-Test-passphrase-91"


class UserFactory(factory.django.DjangoModelFactory):
    """A learner: everyone who signs up."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"learner{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)


class EducatorFactory(UserFactory):
    """A staff member of the Educators group, as seed_demo and admins make them."""

    username = factory.Sequence(lambda n: f"educator{n}")

    @factory.post_generation
    def educator_role(user, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            educator_grant(user)
