"""The preload of each worker process of the local Dask cluster (``--engine dask`` without
``--scheduler``): Ctrl-C at the terminal reaches the whole process group, workers too,
which then died mid-task with their own tracebacks.  A worker ignores it instead; the
command catches it, closes the cluster (which ends its workers) and says it was
interrupted, in one line.  Dask imports this module in the worker before it connects
(its documented preload) and calls :func:`dask_setup` with the worker."""

from __future__ import annotations

from typing import Any


def dask_setup(worker: Any) -> None:
    """Ctrl-C ignored by this worker process, as by ``--jobs``' workers (where Dask runs
    this in its main thread)."""
    import threading

    from policykit.tools.parallel import ignore_interrupt

    if threading.current_thread() is threading.main_thread():
        ignore_interrupt()
