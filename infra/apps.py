from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class InfraConfig(AppConfig):
    name = "infra"
    verbose_name = "Infrastructure"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="infra.config.triggers")
        from celery.signals import task_prerun

        task_prerun.connect(_refresh_before_task, dispatch_uid="infra.config.task_prerun", weak=False)


def _install_triggers(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from infra.config import install_triggers

    install_triggers(using)


def _refresh_before_task(**kwargs: Any) -> None:
    """A Celery task is a request of its own: it sees the configuration as of its start."""
    from infra.config import cache

    cache.refresh()
