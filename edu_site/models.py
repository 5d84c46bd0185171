from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """The site's user.

    A project-owned user model from the first migration, so that fields such as a
    cohort or a display name can be added later without rewriting every foreign key.
    """

    @property
    def is_educator(self) -> bool:
        """Educators author content in admin and see cohort statistics (roles.is_educator)."""
        from edu_site.roles import is_educator  # roles.py reads the auth models at import

        return is_educator(self)


class ShippedFixture(models.Model):
    """A fixture file from fixtures/ that seed_demo has loaded, with its digest.

    seed_demo loads a file again only when its content changed, so running it on every
    `make run` never overwrites what an educator edited in admin since.
    """

    name = models.CharField(max_length=200, unique=True)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name
