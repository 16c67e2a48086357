"""Taskwise's own tables, mapped as they are (`managed = False`: Alembic owns the schema)."""

from __future__ import annotations

from django.db import models


class User(models.Model):
    id = models.UUIDField(primary_key=True)
    email = models.CharField(max_length=320, unique=True)
    name = models.CharField(max_length=100, null=True)
    timezone = models.CharField(max_length=64)
    theme = models.CharField(max_length=8)

    class Meta:
        managed = False
        db_table = "users"

    def __str__(self) -> str:
        return self.email


class UserSession(models.Model):
    id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True)
    last_seen_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "sessions"


class Tag(models.Model):
    id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    name = models.CharField(max_length=32)

    class Meta:
        managed = False
        db_table = "tags"

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        COMPLETED = "completed"

    id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    description = models.TextField(null=True)
    priority = models.CharField(max_length=8)
    due_date = models.DateField(null=True)
    due_time = models.TimeField(null=True)
    estimated_hours = models.IntegerField(null=True)
    recurrence = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=Status.choices)
    completed_at = models.DateTimeField(null=True)
    version = models.IntegerField()
    deleted_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    tags = models.ManyToManyField(Tag, through="TaskTag", related_name="tasks")

    class Meta:
        managed = False
        db_table = "tasks"

    def __str__(self) -> str:
        return self.title


class TaskTag(models.Model):
    pk = models.CompositePrimaryKey("task_id", "tag_id")
    task = models.ForeignKey(Task, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        managed = False
        db_table = "task_tags"
