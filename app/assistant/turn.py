"""One reply's work: who asks, in which conversation, at which moment and in which zone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col

from app.models import Conversation, Task
from app.tasks.dates import LocalNow
from app.tasks.queries import tasks_of


@dataclass(frozen=True)
class Turn:
    db: Session
    user_id: uuid.UUID
    conversation: Conversation
    now: datetime  # the instant, for what the task services stamp
    local: LocalNow  # the user's today and time of day, for what "today" and "overdue" mean

    def tasks_by_ids(self, ids: list[str]) -> list[Task]:
        """The user's live tasks among these ids, in the given order."""
        wanted = [uuid.UUID(i) for i in ids]
        statement = tasks_of(self.user_id).where(col(Task.id).in_(wanted))
        found = {task.id: task for task in self.db.scalars(statement)}
        return [found[i] for i in wanted if i in found]
