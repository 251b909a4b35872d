"""The reports app's Celery tasks, for autodiscovery (which imports tasks.py only): the
summary PDFs' rendering, in reports.summary_tasks."""

from reports import summary_tasks  # noqa: F401
