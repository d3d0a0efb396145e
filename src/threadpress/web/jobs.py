"""Adding a thread from the web app: a background job whose stage the browser can follow.

A job reads its input (fetches a URL, or parses an uploaded file or pasted text), resolves replies
and stores the thread, in its own thread with its own archive connection. Its state is a small dict
(`stage`, `error`, `thread_id`) that the job page shows and its JSON twin serves.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import ThreadpressError
from ..model import Thread
from ..store import Store

STAGES = ("queued", "fetching", "parsing", "storing", "done", "failed")


@dataclass
class Job:
    id: str
    label: str
    stage: str = "queued"
    error: str | None = None
    thread_id: str | None = None
    title: str | None = None
    comments: int | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def finished_ok(self) -> bool:
        return self.stage == "done"

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "stage": self.stage, "error": self.error,
                "thread_id": self.thread_id, "title": self.title, "comments": self.comments,
                "step": STAGES.index(self.stage), "steps": 4,
                "finished": self.stage in ("done", "failed")}


class Jobs:
    """The app's ingest jobs, kept in memory (the newest 100)."""

    def __init__(self, db_path: Path, *, on_stored: Callable[[str], None] | None = None):
        self.db_path = db_path
        self.on_stored = on_stored
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, label: str, read: Callable[[Callable[[str], None]], Thread], *, wait: bool = False) -> Job:
        """Run `read(set_stage)` then store its thread; `wait` runs it in the caller (tests, no-JS forms)."""
        job = Job(uuid.uuid4().hex[:12], label)
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-100]:
                del self._jobs[old]
        worker = threading.Thread(target=self._run, args=(job, read), name=f"ingest-{job.id}", daemon=True)
        worker.start()
        if wait:
            worker.join()
        return job

    def _run(self, job: Job, read: Callable[[Callable[[str], None]], Thread]) -> None:
        def stage(name: str) -> None:
            job.stage = name

        try:
            thread = read(stage)
            stage("storing")
            with Store(self.db_path) as store:
                store.ingest(thread)
            job.thread_id, job.title, job.comments = thread.id, thread.title, len(thread.comments)
            if self.on_stored:
                self.on_stored(thread.id)
            stage("done")
        except ThreadpressError as e:
            job.error = str(e)
            stage("failed")
        except Exception as e:  # a bug or an unexpected input: still one line for the user
            job.error = f"{job.label}: could not be added ({type(e).__name__}: {e})"
            stage("failed")
        finally:
            job.finished = time.time()
