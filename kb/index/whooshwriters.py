"""Whoosh's writers, made safe to fail and to interrupt (imported only when the index is
written: it imports whoosh's writer modules).

`UpdateWriter` (an update of the live generation) leaves the previous generation's files in
place when it commits: the caller records the new files in the manifest first, then removes
the old ones (`clean`). Until then, whatever fails or kills kb, removing the files the manifest
does not list (kb.index.writer.discard_debris) gives back the previous index, intact.

`GuardedMpWriter` (full builds of a big KB): whoosh's MpWriter starts sub-writer processes and
feeds them documents through a queue. As it comes, a cancelled or failed build leaves them
waiting on that queue forever (cancelling only flags the parent's copy of each task), a
sub-writer's error is a traceback on stderr and its documents silently missing from the index,
and killing kb leaves them running, holding whatever they inherited. Here:

- each sub-writer guards itself (kb.core.children.guard_child): it dies with kb, leaves Ctrl-C
  to it, and never holds kb's writer lock;
- cancelling stops the sub-writers (terminate, then kill) and waits for them;
- a sub-writer's error is sent back and raised in kb (an OSError stays an OSError: a full disk
  is reported as such), without a traceback; a sub-writer that died is noticed while
  documents are still being handed out, and at the commit.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import sys
from typing import Any

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from kb.core.children import guard_child

PUT_SECONDS = 1.0  # how often a blocked hand-out checks that the sub-writers are alive
STOP_SECONDS = 2.0  # how long a cancelled sub-writer gets to end before it is killed


class SubWriterFailed(ChildProcessError):
    """A sub-writer process failed or died."""


class GuardedTask(SubWriterTask):
    """A sub-writer that guards itself and reports its error instead of printing it."""

    def __init__(self, *args: Any, parent: int, errors: Any) -> None:
        super().__init__(*args)
        self.parent = parent
        self.errors = errors

    def run(self) -> None:
        guard_child(self.parent)
        try:
            super().run()
        except BaseException as error:  # reported to the parent, which raises it
            with contextlib.suppress(BaseException):
                self.errors.put(_portable(error))
            sys.exit(1)


def _portable(error: BaseException) -> tuple[int | None, str, str | None]:
    if isinstance(error, OSError):
        return error.errno, error.strerror or str(error), error.filename
    return None, f"{type(error).__name__}: {error}", None


class GuardedMpWriter(MpWriter):
    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self._parent = os.getpid()
        self._errors = self._mpctx.Queue()

    def _new_task(self) -> Any:
        args = (
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        task = GuardedTask(*args, parent=self._parent, errors=self._errors)
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self) -> None:
        """Whoosh's, but a hand-out that waits on sub-writers that are gone fails."""
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as stream:
            for item in self.docbuffer:
                pickle.dump(item, stream, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _put(self, job: Any) -> None:
        while True:
            try:
                self.jobqueue.put(job, timeout=PUT_SECONDS)
                return
            except queue.Full:
                self._check_tasks(running=True)

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        """Whoosh's, but waiting on sub-writers that are gone fails, and so does a sub-writer
        that sent no result (whoosh would leave its documents out)."""
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self._put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        for task in self.tasks:
            while task.is_alive():
                task.join(PUT_SECONDS)
                if task.is_alive():
                    self._check_tasks(running=False)
        self._check_tasks(running=False)
        results = []
        for _ in self.tasks:
            try:
                results.append(self.resultqueue.get(timeout=STOP_SECONDS))
            except queue.Empty:
                raise SubWriterFailed("an index writer process sent no result") from None
        if self.multisegment:
            finalsegments += [segment for _, _, segment in results]
            if self._added:
                finalsegments.append(self._finalize_segment())
            else:
                self._close_segment()
        else:
            self._merge_subsegments(results, mergetype)
            self._close_segment()
            self._assemble_segment()
            finalsegments.append(self.get_segment())
        self._commit_toc(finalsegments)
        self._finish()

    def _check_tasks(self, running: bool) -> None:
        """Raise the error of a failed sub-writer (`running`: any that ended is one)."""
        try:
            code, text, filename = self._errors.get_nowait()
        except (queue.Empty, OSError, EOFError, ValueError):
            pass
        else:
            if code is not None:
                raise OSError(code, text, filename)
            raise SubWriterFailed(f"an index writer process failed: {text}")
        for task in self.tasks:
            ended = task.exitcode is not None
            if (running and ended) or (ended and task.exitcode != 0):
                raise SubWriterFailed(f"an index writer process ended (exit {task.exitcode})")

    def cancel(self, **kwargs: Any) -> None:
        self.stop_tasks()
        with contextlib.suppress(Exception):  # already closed by a failed commit
            SegmentWriter.cancel(self)

    def stop_tasks(self) -> None:
        for task in self.tasks:
            with contextlib.suppress(Exception):
                if task.is_alive():
                    task.terminate()
        for task in self.tasks:
            with contextlib.suppress(Exception):
                task.join(STOP_SECONDS)
                if task.is_alive():
                    task.kill()
                    task.join(STOP_SECONDS)
        for channel in (self.jobqueue, self.resultqueue, self._errors):
            with contextlib.suppress(Exception):
                channel.close()
                channel.cancel_join_thread()


class UpdateWriter(SegmentWriter):
    """A writer whose commit writes the new table of contents but deletes nothing: `doomed`
    is then what the new generation no longer uses, for `clean` to delete."""

    doomed: frozenset[str] = frozenset()
    _segments: Any = None

    def _commit_toc(self, segments: Any) -> None:
        from whoosh.index import TOC

        TOC(self.schema, segments, self.generation).write(self.storage, self.indexname)
        self._segments = segments
        self.doomed = frozenset(
            unused_files(self.storage, self.indexname, self.generation, segments)
        )

    def clean(self) -> None:
        """Delete the files the committed generation does not use (whoosh's clean_files)."""
        from whoosh.index import clean_files

        if self._segments is not None:
            clean_files(self.storage, self.indexname, self.generation, self._segments)


def unused_files(storage: Any, indexname: str, generation: int, segments: Any) -> set[str]:
    """The files whoosh's clean_files would delete after committing `generation`."""
    from whoosh.index import TOC

    current = {segment.segment_id() for segment in segments}
    tocs, segs = TOC._pattern(indexname), TOC._segment_pattern(indexname)
    unused = set()
    for name in storage:
        if name.startswith("."):
            continue
        toc, seg = tocs.match(name), segs.match(name)
        if (toc and int(toc.group(1)) != generation) or (seg and seg.group(1) not in current):
            unused.add(name)
    return unused
