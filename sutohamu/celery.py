"""Celery application: finds each app's tasks.py; configuration comes from Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutohamu.settings")

app = Celery("sutohamu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
