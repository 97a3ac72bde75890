"""digitize: a file in, a typed and validated record out — the stages in order.

For each file: ingest (count its pages) → for each page, in a pool of processes:
read the page → preprocess → OCR (or take the text layer of a born-digital PDF
page) → back in this process: split the file into documents → classify →
extract. Pages of all files of a batch share one pool with one process per
core, because tesseract runs single-threaded (see :mod:`pipeline.ocr`).
One file that cannot be read gets an error and the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from pipeline import _pages
from pipeline._assemble import assemble
from pipeline._files import sha256_file
from pipeline._pages import PageOutcome, read_page
from pipeline.classify import Classifier, load_classifier
from pipeline.ingest import count_pages
from pipeline.types import Image, Word
from schemas.documents import DigitizeResult, ErrorInfo
from schemas.errors import ErrorCode, SohoaError
from schemas.settings import Settings

__all__ = ["Digitized", "KeptPage", "digitize_batch", "digitize_document", "digitize_file"]

#: pages read ahead of the file being collected, per reader: each may hold its archive image (an A4 colour
#: page at 300 dpi: about 26 MB), so this bounds a batch's memory while a slow page is awaited
HELD_PAGES = 4

#: called after each page is read: (file index, pages done in that file, pages in that file)
Progress = Callable[[int, int, int], None]


@dataclass(frozen=True)
class KeptPage:
    """A page kept for the searchable PDF: the archive image and the words on it.

    ``image`` is ``None`` for a born-digital PDF page: keep the original page as it is.
    """

    number: int
    image: Image | None
    dpi: int
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Digitized:
    """The record of one file and, when asked for, its pages for the searchable PDF."""

    result: DigitizeResult
    pages: tuple[KeptPage, ...] = ()


def _jobs(settings: Settings) -> int:
    return settings.ocr.jobs if settings.ocr.jobs > 0 else (os.cpu_count() or 1)


def _error_result(name: str, error: Exception, elapsed_ms: float, sha256: str | None = None) -> DigitizeResult:
    if isinstance(error, SohoaError):
        info = ErrorInfo(code=str(error.code), message=error.message, detail=error.detail)
    else:
        info = ErrorInfo(code=str(ErrorCode.INTERNAL), message=f"unexpected failure: {error!r}")
    return DigitizeResult(file=name, error=info, sha256=sha256, timings_ms={"total": elapsed_ms})


def _build(name: str, sha256: str | None, outcomes: list[PageOutcome], *, model: Classifier,
           settings: Settings, started: float | None) -> DigitizeResult:
    """Assemble a file's result; ``total`` is wall time from ``started``, or the stage sum in a batch."""
    timings: dict[str, float] = {}
    for o in outcomes:
        for k, v in o.timings.items():
            timings[k] = timings.get(k, 0.0) + v
    components = assemble([o.ocr for o in outcomes], model=model, settings=settings, timings=timings)
    timings["total"] = (time.perf_counter() - started) * 1000 if started is not None else sum(timings.values())
    first = components[0] if components else None
    return DigitizeResult(
        file=name,
        doc_type=first.doc_type if first else None,
        confidence=first.confidence if first else 0.0,
        pages=len(outcomes),
        page_info=tuple(o.info for o in outcomes),
        components=components,
        timings_ms=timings,
        sha256=sha256,
    )


def _kept(outcomes: list[PageOutcome]) -> tuple[KeptPage, ...]:
    return tuple(KeptPage(number=o.ocr.number, image=o.image, dpi=o.info.dpi, words=o.ocr.words) for o in outcomes)


def digitize_file(path: Path, *, settings: Settings, model: Classifier | None = None, name: str | None = None,
                  keep_pages: bool = False) -> Digitized:
    """Digitize one file in this process, page after page (no pool).

    Args:
        path: the input file.
        settings: all settings.
        model: the classifier; loaded from ``settings.classify.model_path`` when ``None``.
        name: the name to report and to check the type against; defaults to the file name.
        keep_pages: also return the page images and words for a searchable PDF.
    """
    label = name or path.name
    started = time.perf_counter()
    sha = None
    try:
        n = count_pages(path, name=label, cfg=settings.ingest)
        sha = sha256_file(path)
        outcomes = [read_page(path, i, name=label, settings=settings, keep_image=keep_pages) for i in range(n)]
        model = model or load_classifier(settings.classify.model_path)
        result = _build(label, sha, outcomes, model=model, settings=settings, started=started)
    except Exception as e:  # one file's failure is reported in its result, never raised
        return Digitized(_error_result(label, e, (time.perf_counter() - started) * 1000, sha))
    finally:
        _pages.release()
    return Digitized(result, _kept(outcomes) if keep_pages else ())


def digitize_document(source: Path | bytes, *, name: str, settings: Settings, model: Classifier | None = None,
                      keep_pages: bool = False) -> Digitized:
    """Digitize one document given as a path or as bytes (workers, the API).

    Bytes are written to a private temporary file first, because page readers
    open files by path.
    """
    if isinstance(source, Path):
        return digitize_file(source, settings=settings, model=model, name=name, keep_pages=keep_pages)
    with tempfile.TemporaryDirectory(prefix="sohoa-") as tmp:
        path = Path(tmp) / "input"
        path.write_bytes(source)
        return digitize_file(path, settings=settings, model=model, name=name, keep_pages=keep_pages)


def _one_thread() -> None:
    """Page readers run one per core: no library may start threads of its own in them."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import cv2

    cv2.setNumThreads(1)


def _pool(jobs: int) -> ProcessPoolExecutor:
    """Page readers in fresh processes.

    Not plain fork: the caller may run threads (a test runner, a worker, a signer's
    event loop), and a child forked while one of them holds a lock waits forever.
    A fork server starts once, single-threaded, with the pipeline imported, and
    forks page readers from there cheaply.
    """
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_one_thread)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["pipeline._pages"])
    return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_one_thread)


@dataclass
class _FileJob:
    path: Path
    name: str
    started: float
    sha256: str | None = None
    futures: list[Future[PageOutcome]] | None = None
    error: Exception | None = None


def digitize_batch(paths: Sequence[Path], *, settings: Settings, model: Classifier | None = None,
                   progress: Progress | None = None) -> Iterator[DigitizeResult]:
    """Digitize many files with one process per core; results come in input order.

    Pages of the next files are queued while the current one finishes, so every
    core stays busy; a page reader that dies (out of memory) fails its file only,
    and the pool is started again for the rest.

    Args:
        paths: the input files.
        settings: all settings; ``settings.ocr.jobs`` processes (0: one per core).
        model: the classifier; loaded once when ``None``.
        progress: called after each page is read.

    Yields:
        One result per input file, in input order; failures carry ``error``.
    """
    jobs = _jobs(settings)
    if jobs == 1:
        model = model or load_classifier(settings.classify.model_path)
        for i, path in enumerate(paths):
            done = digitize_file(path, settings=settings, model=model).result
            if progress:
                progress(i, done.pages, done.pages)
            yield done
        return
    batch = _Batch(paths, settings=settings, jobs=jobs)
    try:
        # the first pages go to the readers before the classifier is loaded (0.7 s), which they need not wait for
        batch.start()
        model = model or load_classifier(settings.classify.model_path)
        for i in range(len(paths)):
            yield batch.collect(i, model=model, progress=progress)
    finally:
        batch.close()


class _Batch:
    """Files in flight on a process pool, submitted a little ahead of collection."""

    def __init__(self, paths: Sequence[Path], *, settings: Settings, jobs: int) -> None:
        self.paths, self.settings, self.jobs = list(paths), settings, jobs
        self.pool = _pool(jobs)
        self.files: dict[int, _FileJob] = {}
        self.next = 0

    def start(self) -> None:
        """Send the first pages to the readers."""
        self._fill(0)

    def _pending(self) -> set[Future[PageOutcome]]:
        return {f for j in self.files.values() if j.futures for f in j.futures if not f.done()}

    def _in_flight(self) -> int:
        return len(self._pending())

    def _held(self) -> int:
        """Pages read and not yet collected (their outcomes wait in memory)."""
        return sum(sum(1 for f in j.futures if f.done()) for j in self.files.values() if j.futures)

    def _await(self, future: Future[PageOutcome], index: int) -> None:
        """Wait for ``future``, sending more pages whenever any page is read meanwhile.

        Results come in input order, but a slow page must not leave the other readers
        idle: while one waits for it, every page read elsewhere makes room for the next.
        """
        while not future.done():
            wait(self._pending() | {future}, return_when=FIRST_COMPLETED)
            self._fill(index)

    def _fill(self, upto: int) -> None:
        while self.next < len(self.paths) and (self.next <= upto or (
                self._in_flight() < 2 * self.jobs and self._held() < HELD_PAGES * self.jobs)):
            self.files[self.next] = self._submit(self.paths[self.next])
            self.next += 1

    def _submit(self, path: Path) -> _FileJob:
        job = _FileJob(path=path, name=path.name, started=time.perf_counter())
        try:
            n = count_pages(path, name=job.name, cfg=self.settings.ingest)
            job.sha256 = sha256_file(path)
            job.futures = [self.pool.submit(read_page, path, i, name=job.name, settings=self.settings)
                           for i in range(n)]
        except Exception as e:  # reported in this file's result
            job.error = e
        return job

    def _restart(self) -> None:
        """A page reader died: start a new pool and resubmit every page not yet read."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = _pool(self.jobs)
        for job in self.files.values():
            if job.futures is None:
                continue
            job.futures = [
                f if f.done() and f.exception() is None
                else self.pool.submit(read_page, job.path, i, name=job.name, settings=self.settings)
                for i, f in enumerate(job.futures)
            ]

    def collect(self, index: int, *, model: Classifier, progress: Progress | None) -> DigitizeResult:
        self._fill(index)
        job = self.files.pop(index)
        if job.error is not None or job.futures is None:
            err = job.error or RuntimeError("no pages")
            return _error_result(job.name, err, 0.0, job.sha256)
        outcomes: list[PageOutcome] = []
        try:
            for k, future in enumerate(job.futures):
                self._await(future, index)
                outcomes.append(future.result())
                self._fill(index)
                if progress:
                    progress(index, k + 1, len(job.futures))
            return _build(job.name, job.sha256, outcomes, model=model, settings=self.settings, started=None)
        except BrokenProcessPool:
            self._restart()
            crash = SohoaError("a page reader process died (out of memory?)", code=ErrorCode.INTERNAL,
                               detail={"page": len(outcomes) + 1})
            return _error_result(job.name, crash, 0.0, job.sha256)
        except Exception as e:  # one file's failure is reported in its result
            for f in job.futures:
                f.cancel()
            return _error_result(job.name, e, 0.0, job.sha256)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
