"""The warm engine of ``jsw batch``: one kernel per worker process, kept alive between councils.

Starting a kernel and importing pandas, matplotlib and jswlib takes longer than most of a report.
With ``engine="warm"`` each worker process starts one kernel, imports the heavy packages in it once
(:data:`WARM_IMPORTS`), and runs every council it is given in that kernel, each in a clean state.
Papermill stays the execution layer: the notebook is parameterised, executed and saved by
``papermill.execute_notebook`` with the papermill engine :data:`ENGINE_NAME` (:class:`WarmEngine`),
which hands the kept-alive kernel to papermill's own notebook client instead of starting a new one.
Parameter injection, the executed notebook and its error reporting are papermill's.

Conventions
-----------
Before each council the kernel is reset (:data:`RESET_FUNCTION`, run silently, so it leaves no
trace in the notebook or the execution counts), to the state a new kernel has once the warm imports
are done:

- the user namespace is emptied and the execution count set back to 1 (IPython's ``reset``);
- every matplotlib figure is closed and ``matplotlib.rcParams`` restored;
- every ``jswlib`` module goes back to what it held once the warm imports were done: its
  namespace as it was (a replaced function or a changed constant is put back, a name added is
  removed), each class's attributes as they were, each module-level dict, list and set (the
  in-process results memo, say) holding what it held, and every ``functools`` cache emptied; a
  jswlib module first imported by a council is removed, to be imported afresh. So no cache,
  constant or function of one council reaches the next, without importing jswlib again for every
  council (about 0.2 s of a kernel's CPU a report); third-party packages stay imported, which is
  the point of the engine;
- pandas options, numpy print and error settings and the warnings filters are restored;
- the working directory, ``sys.path`` and the environment (``os.environ``) are restored, with the
  council's own variables (the params folder, ``$JSW_PARAMS``) set.

Once the warm imports are done, every object they made is moved out of the garbage collector's
reach (``gc.freeze``): they live as long as the kernel anyway, and without it each collection (the
one of each reset, and those Python runs by itself while a notebook runs) walks all of pandas and
matplotlib again. Objects made by a council's notebook are collected as usual.

Each kernel writes its standard output and error through :class:`jswlib.run.kernel_streams.OutStream`
(ipykernel's own ``outstream_class`` setting): IPython's stream, except that a flush with nothing
written returns at once instead of waiting on the kernel's I/O thread.

The executed notebook is written once, when it ends or fails (papermill's
``request_save_on_cell_execute=False``), not after every cell as a fresh run writes it: a warm run
that stops half-way is run again in a fresh kernel, which writes as it goes.

After a notebook that ran without error, the warm kernel also writes the council's KPI outputs
(CSV, workbook, figures file) from the notebook's own ``report``, whose sections are computed
already (:func:`jswlib.run.worker.kernel_kpi_outputs`), where a worker beside a fresh kernel
prepares the report a second time; the files are the same (``tests/test_warm.py``). The worker
asks for them and exports the report's HTML while the kernel writes them (a council whose export
fails still waits for them, so that they are removed with it). With another KPI-table function, or
when the notebook has no report of this council, the worker makes them.

A council whose run in the warm kernel fails in any way (a cell error, a timeout, a kernel that
died or did not reset) is run once more in a fresh kernel, and the warm kernel is replaced: what the
fresh kernel gives is the council's outcome. See docs/method.md, "The warm engine".
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import time
from typing import Any

#: Name under which :class:`WarmEngine` is registered with papermill.
ENGINE_NAME = "jsw-warm"
#: Modules imported once in each warm kernel (with what they import in turn).
WARM_IMPORTS: tuple[str, ...] = (
    "IPython.display",
    "matplotlib.pyplot",
    "xlsxwriter",  # the KPI workbook, written by the kernel
    "pyarrow.parquet",
    "jswlib.present.report",
    "jswlib.present.national",
    "jswlib.present.framework",
    "jswlib.run.notebook_parameters",  # the notebooks' parameter check
    "jswlib.run.worker",  # the KPI outputs, written by the kernel
)
#: The standard output and error of a warm kernel: IPython's, without a wait for nothing
#: (:mod:`jswlib.run.kernel_streams`).
OUTSTREAM_CLASS = "jswlib.run.kernel_streams.OutStream"
#: Seconds allowed for the warm-up or a reset before the kernel is given up.
RESET_TIMEOUT = 120.0

#: Run once in a new warm kernel: the imports, then the baseline that every reset goes back to.
#: Kept in a module of its own (``_jsw_warm_baseline`` in ``sys.modules``), out of the user's sight.
WARM_CODE = r"""
def _jsw_warm(modules, preload):
    import copy, importlib, os, sys, types, warnings
    for name in modules:
        importlib.import_module(name)
    import matplotlib, numpy, pandas

    def jswlib_containers():
        found, seen = {}, set()
        for name, module in list(sys.modules.items()):
            if module is None or not (name == "jswlib" or name.startswith("jswlib.")):
                continue
            for key, value in module.__dict__.items():
                if not key.startswith("__") and isinstance(value, dict) and id(value) not in seen:
                    seen.add(id(value))
                    found[id(value)] = set(value)
        return found

    before = jswlib_containers()
    base = types.ModuleType("_jsw_warm_baseline")
    base.preload_error = None
    if preload:
        try:
            exec(preload, {})
        except Exception as exc:  # the council's own run meets it and reports it
            base.preload_error = f"{type(exc).__name__}: {exc}"
    base.rc = {k: v for k, v in matplotlib.rcParams.copy().items() if k != "backend"}
    base.environ = dict(os.environ)
    base.path = list(sys.path)
    base.filters = list(warnings.filters)
    base.printoptions = numpy.get_printoptions()
    base.seterr = numpy.geterr()
    base.modules, base.dicts, base.containers, base.classes, base.caches = {}, {}, [], [], []
    seen = set()
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "jswlib" or name.startswith("jswlib.")):
            continue
        base.modules[name] = module
        base.dicts[name] = dict(module.__dict__)
        for key, value in module.__dict__.items():
            if key.startswith("__") or id(value) in seen:  # not __builtins__ and the like
                continue
            seen.add(id(value))
            if isinstance(value, dict):
                saved, preloaded = dict(value), set(value) != before.get(id(value), set())
                if preloaded:  # filled by the preload (a memo): each council gets its own copy
                    try:
                        copy.deepcopy(saved)
                    except Exception:  # cannot be copied: back to what it held before
                        keep = before.get(id(value), set())
                        saved, preloaded = {k: v for k, v in saved.items() if k in keep}, False
                base.containers.append((value, saved, preloaded))
            elif isinstance(value, (list, set)):
                base.containers.append((value, copy.copy(value), False))
            elif isinstance(value, type) and value.__module__ == name:
                base.classes.append((value, dict(vars(value))))
                base.caches += [v for v in vars(value).values() if hasattr(v, "cache_clear")]
            if hasattr(value, "cache_clear"):
                base.caches.append(value)
    sys.modules["_jsw_warm_baseline"] = base
    import gc
    gc.collect()
    gc.freeze()
_jsw_warm(%(modules)s, %(preload)s)
del _jsw_warm
"""

#: Defined once in a new warm kernel, after :data:`WARM_CODE`, as ``reset`` of the baseline module;
#: called silently before each council (:data:`RESET_CODE`): back to the baseline (see the
#: module's conventions). Defined once, so that each reset sends one line, not the whole function
#: for the kernel to tokenise and compile again.
RESET_FUNCTION = r"""
def _jsw_reset(cwd, env):
    import copy, gc, os, sys, warnings
    from IPython import get_ipython
    import matplotlib, numpy, pandas
    import matplotlib.pyplot as plt
    base = sys.modules["_jsw_warm_baseline"]
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams.update(base.rc)
        pandas.reset_option("all")
    numpy.set_printoptions(**base.printoptions)
    numpy.seterr(**base.seterr)
    warnings.filters[:] = base.filters
    warnings._filters_mutated()
    for name in [m for m in sys.modules if m == "jswlib" or m.startswith("jswlib.")]:
        if name not in base.modules:  # imported by a council: imported afresh by the next
            del sys.modules[name]
    for name, module in base.modules.items():
        sys.modules[name] = module
        module.__dict__.clear()
        module.__dict__.update(base.dicts[name])
    copies = {}  # one copy of an object held by two memos (the results and their index)
    for value, saved, preloaded in base.containers:
        refill = value.extend if isinstance(value, list) else value.update
        value.clear()
        refill(copy.deepcopy(saved, copies) if preloaded else saved)
    for cls, saved in base.classes:
        for key in [k for k in vars(cls) if k not in saved]:
            delattr(cls, key)
        for key, value in saved.items():
            if key not in ("__dict__", "__weakref__") and vars(cls).get(key) is not value:
                setattr(cls, key, value)
    for cached in base.caches:
        cached.cache_clear()
    sys.path[:] = base.path
    os.environ.clear()
    os.environ.update(base.environ)
    os.environ.update(env)
    os.chdir(cwd)
    get_ipython().reset(new_session=True)
    gc.collect()
__import__("sys").modules["_jsw_warm_baseline"].reset = _jsw_reset
del _jsw_reset
"""
#: Run silently before each council.
RESET_CODE = '__import__("sys").modules["_jsw_warm_baseline"].reset(%(cwd)s, %(env)s)'


class WarmKernelError(RuntimeError):
    """The warm kernel could not be warmed up or reset (it is then replaced)."""


def _run_sync(function):
    from jupyter_core.utils import run_sync

    return run_sync(function)


class WarmKernel:
    """A kernel kept alive in this process, with :data:`WARM_IMPORTS` done.

    Parameters
    ----------
    kernel_name : str
        The Jupyter kernel.
    cwd : str
        Working directory the kernel starts in.
    extra_arguments : sequence of str
        Command-line arguments of the kernel.
    env : dict, optional
        Environment of the kernel (default this process's).
    modules : sequence of str
        Modules imported once (default :data:`WARM_IMPORTS`).
    preload : str, default ""
        Code run once after the imports, before the baseline is taken: what it loads into jswlib's
        module-level memos (the batch's results and definitions) is kept, and each council gets
        its own deep copy of it at every reset. An error in it is ignored (the council's own run
        meets it and reports it).
    """

    def __init__(
        self,
        kernel_name: str,
        cwd: str,
        extra_arguments=(),
        env: dict[str, str] | None = None,
        modules=WARM_IMPORTS,
        preload: str = "",
    ):
        from jupyter_client.manager import AsyncKernelManager

        self.km = AsyncKernelManager(kernel_name=kernel_name)
        args = list(extra_arguments) + [
            "--HistoryManager.hist_file=:memory:",
            f"--IPKernelApp.outstream_class={OUTSTREAM_CLASS}",
        ]
        _run_sync(self.km.start_kernel)(
            extra_arguments=args, cwd=cwd, env=dict(env if env is not None else os.environ)
        )
        self.kc = self.km.client()
        self.kc.start_channels()
        self.councils = 0
        try:
            _run_sync(self.kc.wait_for_ready)(timeout=60)
            self.kc.allow_stdin = False
            self.run_silently(
                WARM_CODE % {"modules": repr(tuple(modules)), "preload": repr(preload)}
            )
            self.run_silently(RESET_FUNCTION)
        except BaseException:
            self.shutdown()
            raise

    def _execute(self, code: str, **extra: Any) -> dict[str, Any]:
        """Run ``code`` silently (no output, no history); the reply's content, or
        :class:`WarmKernelError` on an error or no answer."""
        try:
            reply = _run_sync(self.kc.execute_interactive)(
                code,
                silent=True,
                store_history=False,
                allow_stdin=False,
                timeout=RESET_TIMEOUT,
                output_hook=lambda msg: None,
                **extra,
            )
        except TimeoutError as exc:
            raise WarmKernelError(f"the kernel did not answer within {RESET_TIMEOUT:g} s") from exc
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise WarmKernelError(
                f"{content.get('ename', 'error')}: {content.get('evalue', '')}".strip()
            )
        return content

    def run_silently(self, code: str) -> None:
        """Run ``code`` in the kernel without output or history; raise :class:`WarmKernelError` on error."""
        self._execute(code)

    def run_for_result(self, code: str) -> Any:
        """Run ``code`` silently (as :meth:`run_silently`); it sets ``_jsw_result``, which is
        returned (any value JSON can carry)."""
        return self.result_of(self.send_for_result(code))

    def send_for_result(self, code: str) -> str:
        """Start ``code`` silently and return at once; :meth:`result_of` gives what it sets as
        ``_jsw_result``. Meanwhile this process can do other work (the worker exports the
        report's HTML while its kernel writes the KPI files)."""
        return self.kc.execute(
            code,
            silent=True,
            store_history=False,
            allow_stdin=False,
            user_expressions={"result": "__import__('json').dumps(_jsw_result)"},
        )

    def result_of(self, msg_id: str) -> Any:
        """The ``_jsw_result`` of the request :meth:`send_for_result` started (waiting for it);
        :class:`WarmKernelError` on an error or no answer within :data:`RESET_TIMEOUT`.

        Only its reply is awaited: the kernel's status messages about it are left to the next
        reader of the kernel's messages, which passes over those of other requests (as
        papermill's notebook client and :meth:`run_silently` do)."""
        from queue import Empty

        deadline = time.monotonic() + RESET_TIMEOUT
        while True:
            try:
                reply = _run_sync(self.kc.get_shell_msg)(
                    timeout=max(0.0, deadline - time.monotonic())
                )
            except Empty as exc:
                raise WarmKernelError(
                    f"the kernel did not answer within {RESET_TIMEOUT:g} s"
                ) from exc
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise WarmKernelError(
                f"{content.get('ename', 'error')}: {content.get('evalue', '')}".strip()
            )
        value = content.get("user_expressions", {}).get("result", {})
        if value.get("status") != "ok":
            raise WarmKernelError(f"{value.get('ename', 'error')}: {value.get('evalue', '')}")
        return json.loads(ast.literal_eval(value["data"]["text/plain"]))

    def reset(self, cwd: str, env: dict[str, str]) -> None:
        """Back to the clean state before a council (see the module's conventions)."""
        self.run_silently(RESET_CODE % {"cwd": json.dumps(cwd), "env": json.dumps(env)})
        self.councils += 1

    def is_alive(self) -> bool:
        """Whether the kernel process is running."""
        try:
            return bool(_run_sync(self.km.is_alive)())
        except Exception:
            return False

    def shutdown(self) -> None:
        """Stop the kernel (immediately) and close the channels; never raises."""
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        with contextlib.suppress(Exception):
            _run_sync(self.km.shutdown_kernel)(now=True)


def register_engine() -> None:
    """Register :class:`WarmEngine` with papermill under :data:`ENGINE_NAME` (once per process)."""
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(ENGINE_NAME)
    except PapermillException:  # not registered yet
        papermill_engines.register(ENGINE_NAME, _engine_class())


def _engine_class():
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmEngine(NBClientEngine):
        """Papermill's nbclient engine, executing in the kept-alive kernel given as ``warm_kernel``."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            kernel: WarmKernel = kwargs.pop("warm_kernel")
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(
                kwargs,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, km=kernel.km, **final)
            client.kc = kernel.kc
            with _outputs_checked_at_the_end():
                nb = client.execute(cleanup_kc=False)
            check_notebook(nb)
            return nb

    return WarmEngine


def _no_check(*args: Any, **kwargs: Any) -> None:
    return None


@contextlib.contextmanager
def _outputs_checked_at_the_end():
    """Within the block, nbformat does not check each output it builds against the notebook
    schema (the caller checks the whole notebook once, :func:`check_notebook`).

    nbclient builds each output of the kernel with ``nbformat.v4.output_from_msg``, which checks
    that one output against its part of the schema with jsonschema: about 0.45 ms an output,
    18 ms for the 40 outputs of a report, where the whole notebook checked at once by
    fastjsonschema takes a fraction of that.
    """
    from nbformat.v4 import nbbase

    check = nbbase.validate
    nbbase.validate = _no_check
    try:
        yield
    finally:
        nbbase.validate = check


def check_notebook(nb: Any) -> None:
    """Check a notebook against its schema, all of it at once.

    Raises
    ------
    nbformat.ValidationError
        When any part of it does not conform (for the warm engine: the council is then run
        again in a fresh kernel, whose notebook client checks every output as it arrives).
    """
    import nbformat

    nbformat.validate(nb)


#: This worker process's warm kernel, started on first use.
_KERNEL: dict[str, Any] = {}


def warm_kernel(
    kernel_name: str, cwd: str, extra_arguments, env: dict[str, str], preload: str = ""
) -> WarmKernel:
    """This process's warm kernel: the one running, or a new one (stopped when the process ends)
    warmed up with ``preload`` (see :class:`WarmKernel`)."""
    kernel = _KERNEL.get("kernel")
    if kernel is not None and kernel.is_alive():
        return kernel
    discard_kernel()
    register_engine()
    kernel = WarmKernel(kernel_name, cwd, extra_arguments, env, preload=preload)
    _KERNEL["kernel"] = kernel
    if "finalizer" not in _KERNEL:
        from multiprocessing import util

        # Worker processes end through multiprocessing, which runs these (and not atexit's).
        _KERNEL["finalizer"] = util.Finalize(None, discard_kernel, exitpriority=10)
        import atexit

        atexit.register(discard_kernel)
    return kernel


def current_kernel() -> WarmKernel | None:
    """This process's warm kernel when it is running, else None (none is started)."""
    kernel = _KERNEL.get("kernel")
    return kernel if kernel is not None and kernel.is_alive() else None


def discard_kernel() -> None:
    """Stop this process's warm kernel, if any (a new one is started on next use)."""
    kernel = _KERNEL.pop("kernel", None)
    if kernel is not None:
        kernel.shutdown()


def execute_warm(
    execute,
    input_path: str,
    output_path: str,
    *,
    parameters: dict[str, Any],
    kernel_name: str,
    cwd: str,
    extra_arguments,
    env: dict[str, str],
    preload: str = "",
    **kwargs,
):
    """Run a notebook with papermill in this process's warm kernel, reset first.

    Parameters
    ----------
    execute : callable
        ``papermill.execute_notebook``.
    input_path, output_path, parameters, kernel_name, cwd
        As for papermill.
    extra_arguments : sequence of str
        The kernel's command-line arguments (used when a kernel is started).
    env : dict
        Variables set in the kernel's environment for this notebook (on top of the baseline).
    preload : str, default ""
        Run once when a kernel is started (see :class:`WarmKernel`).

    Raises
    ------
    WarmKernelError
        When the kernel cannot be started, warmed up or reset.
    """
    kernel = warm_kernel(kernel_name, cwd, extra_arguments, dict(os.environ, **env), preload)
    kernel.reset(cwd, env)
    return execute(
        input_path,
        output_path,
        parameters=parameters,
        kernel_name=kernel_name,
        cwd=cwd,
        engine_name=ENGINE_NAME,
        warm_kernel=kernel,
        **kwargs,
    )
