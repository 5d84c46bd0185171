from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.urls import register_converter


class EduSiteConfig(AppConfig):
    """The project package is also an app: it owns the user model, the site layout and seed_demo."""

    name = "edu_site"
    verbose_name = "Site and accounts"

    def ready(self) -> None:
        from edu_site.inputs import IdConverter
        from edu_site.roles import educator_group_sync_after_migrate

        post_migrate.connect(educator_group_sync_after_migrate)
        register_converter(IdConverter, "id")
