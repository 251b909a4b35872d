"""The one table of the bare endpoint: a row per simulated client."""

from django.db import models


class Row(models.Model):
    client = models.PositiveIntegerField(unique=True)
    text = models.CharField(max_length=200)
    count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"row {self.client}"
