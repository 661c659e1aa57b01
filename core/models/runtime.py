"""Rows the runtime writes about itself (used to prove background work really runs)."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """Written by the ``core.ping`` task: which process ran it, and when."""

    token = models.CharField(max_length=64, unique=True)
    worker_pid = models.IntegerField()
    queue = models.CharField(max_length=40)
    ran_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.token} ({self.queue}, pid {self.worker_pid})"
