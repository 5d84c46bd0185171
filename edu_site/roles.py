"""The two roles: learners (everyone who signs up) and educators.

Educators are staff members of the "Educators" group. The group may author every
model of the content apps, and may only view the models that hold learners' records,
so that no educator edits a learner's answers by accident.
"""

from __future__ import annotations

from django.apps import AppConfig, apps
from django.contrib.auth.models import AnonymousUser, Group, Permission

from edu_site.models import User

EDUCATORS_GROUP = "Educators"
CONTENT_APPS = ("cases", "quizzes")


def is_educator(user: User | AnonymousUser) -> bool:
    """The one test of the educator role: staff who may view learners' records.

    Educators get the view permission on learner records from their group; a superuser has
    every permission. Pages, the API and templates (``user.is_educator``) all ask this.
    """
    return bool(user.is_active and user.is_staff and user.has_perm("quizzes.view_attempt"))


def educator_permissions() -> list[Permission]:
    """Every permission on authoring models; view-only on learner records.

    A content app lists its learner-record models in its AppConfig as
    `learner_record_models` (lower-case model names).
    """
    permissions = Permission.objects.filter(content_type__app_label__in=CONTENT_APPS)
    record_models = {
        (label, model)
        for label in CONTENT_APPS
        for model in getattr(apps.get_app_config(label), "learner_record_models", ())
    }
    return [
        permission
        for permission in permissions.select_related("content_type")
        if (permission.content_type.app_label, permission.content_type.model) not in record_models
        or permission.codename.startswith("view_")
    ]


def educator_group_sync() -> Group:
    group, _ = Group.objects.get_or_create(name=EDUCATORS_GROUP)
    group.permissions.set(educator_permissions())
    return group


def educator_group_sync_after_migrate(app_config: AppConfig, **kwargs: object) -> None:
    """Keep the group's permissions in step with the content models after every migrate.

    Django creates an app's permissions in its own post_migrate receiver, which runs
    before this one, so the content apps' permissions exist when this runs for them.
    """
    if app_config.label in CONTENT_APPS:
        educator_group_sync()


def educator_grant(user: User) -> None:
    """Make a user an educator: staff access to admin plus the group's permissions."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(educator_group_sync())
