"""The standard output and error of a warm kernel: IPython's, without a needless wait.

Every request a kernel handles, every display and every result shown flushes the kernel's
``sys.stdout`` and ``sys.stderr``. IPython's stream (``ipykernel.iostream.OutStream``) then asks its
I/O thread to send what was written and waits for the thread to confirm, even when nothing was
written: about 130 round trips between two threads for each report, none of which sends anything,
since a report's cells print nothing. :class:`OutStream` skips the round trip when nothing was
written since the last flush, and does exactly what IPython's does otherwise. The warm engine
starts its kernels with it (``--IPKernelApp.outstream_class``, the setting ipykernel offers for
this); the notebooks' outputs are the same (``tests/test_warm.py``).
"""

from __future__ import annotations

from ipykernel import iostream


class OutStream(iostream.OutStream):
    """``ipykernel.iostream.OutStream`` whose :meth:`flush` returns at once when nothing is
    waiting to be sent.

    Notes
    -----
    Anything written (by ``print``, or by C code through the stream's file descriptor, which
    ipykernel's watcher thread writes here) marks the stream pending until its I/O thread has
    sent it; only a pending stream needs the flush, and it gets IPython's own. Output and
    displays keep their order either way: both are sent by the one I/O thread, in the order they
    were handed to it.
    """

    def flush(self) -> None:
        if self._flush_pending or self._subprocess_flush_pending:
            super().flush()
