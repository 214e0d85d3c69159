"""``threatmodel import pytm tm.py``: run a pytm model script and take its JSON, flows' own
protocol and encryption included.

pytm 1.4 overwrites each flow's ``protocol``, ports and ``controls.isEncrypted`` with the
receiving element's defaults before it writes ``--json`` (a script's HTTPS flow arrives as
an unencrypted one).  Running the script ourselves lets us record what the script set on
each flow before pytm overwrites it, and put it back into the JSON.

The script is run as pytm would run it — ``python tm.py --json FILE`` — in a separate Python
process (the interpreter running threatmodel, which must have pytm installed), from the
script's own directory, so that its relative paths (``threatsFile``, modules beside it)
work.  That is running the user's code: only a file named ``*.py`` is run, and only when
the user asks to import it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from threatmodel.load.diagnostics import Diagnostic, Location, ModelError
from threatmodel.load.scratch import scratch

TIMEOUT = 300
"""Seconds a script may run."""

SCRIPT_KEY = "threatmodelScript"
"""Top-level key the runner adds to pytm's JSON: the flows' own attributes were restored."""

_DRIVER = r"""
import json, os, runpy, sys
script, out, own_out = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    import pytm.pytm as pytm_module
except Exception as exc:
    sys.stderr.write("PYTM-IMPORT-ERROR %s\n" % exc)
    sys.exit(3)
original = pytm_module._apply_defaults
own = []
def record(flows, data):
    own[:] = []
    for flow in flows:
        controls = getattr(flow, "controls", None)
        set_fields = getattr(flow, "model_fields_set", set())
        set_controls = getattr(controls, "model_fields_set", set())
        entry = {"name": str(getattr(flow, "name", ""))}
        for key in ("protocol", "tlsVersion", "dstPort", "srcPort"):
            if key in set_fields:
                value = getattr(flow, key, None)
                entry[key] = str(value) if key == "tlsVersion" else value
        if controls is not None and "isEncrypted" in set_controls:
            entry["isEncrypted"] = bool(getattr(controls, "isEncrypted", False))
        own.append(entry)
    return original(flows, data)
pytm_module._apply_defaults = record
sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
sys.argv = [script, "--json", out]
try:
    runpy.run_path(script, run_name="__main__")
except SystemExit as exc:
    if exc.code not in (None, 0):
        raise
with open(own_out, "w", encoding="utf-8") as handle:
    json.dump(own, handle)
"""


def run_script(path: str) -> str:
    """pytm's JSON for the script at ``path``, each flow's own attributes restored."""
    script = Path(path)
    if not script.is_file():
        raise _error(path, "cannot read file: no such file")
    with (
        scratch(
            lambda: tempfile.TemporaryDirectory(prefix="threatmodel-pytm-"),
            tempfile.TemporaryDirectory.cleanup,
        ) as folder,
        folder as work,
    ):
        out = Path(work) / "model.json"
        own_out = Path(work) / "own.json"
        command = [sys.executable, "-c", _DRIVER, str(script.resolve()), str(out), str(own_out)]
        try:
            done = subprocess.run(
                command,
                cwd=script.resolve().parent,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise _error(path, f"the pytm script ran for more than {TIMEOUT} s; stopped") from None
        except OSError as exc:
            raise _error(path, f"cannot run Python: {exc.strerror or exc}") from None
        if done.returncode == 3 and "PYTM-IMPORT-ERROR" in done.stderr:
            raise _error(
                path,
                "running a pytm script needs pytm installed beside threatmodel "
                "(pip install pytm); or convert its JSON (python tm.py --json FILE)",
            )
        if done.returncode != 0:
            raise _error(path, f"the pytm script failed: {_last_line(done.stderr)}")
        if not out.is_file():
            raise _error(path, "the pytm script wrote no JSON: does it call tm.process() when run?")
        text = out.read_text(encoding="utf-8", errors="replace")
        own = own_out.read_text(encoding="utf-8") if own_out.is_file() else "[]"
    return restore(text, json.loads(own))


def restore(text: str, own: list[dict[str, Any]]) -> str:
    """pytm's JSON with each flow's own attributes put back; marked with :data:`SCRIPT_KEY`."""
    try:
        model = json.loads(text)
    except ValueError:
        return text
    if not isinstance(model, dict):
        return text
    flows = model.get("flows")
    if isinstance(flows, list):
        by_name: dict[str, list[dict[str, Any]]] = {}
        for entry in own:
            by_name.setdefault(str(entry.get("name")), []).append(entry)
        for index, flow in enumerate(flows):
            if not isinstance(flow, dict):
                continue
            same = index < len(own) and own[index].get("name") == flow.get("name")
            candidates = by_name.get(str(flow.get("name")), [])
            match = own[index] if same else candidates[0] if len(candidates) == 1 else None
            if match is not None:
                _apply(flow, match)
    model[SCRIPT_KEY] = True
    return json.dumps(model, sort_keys=True)


def _apply(flow: dict[str, Any], entry: dict[str, Any]) -> None:
    for key in ("protocol", "tlsVersion", "dstPort", "srcPort"):
        if key in entry:
            flow[key] = entry[key]
    if "isEncrypted" in entry:
        controls = flow.get("controls")
        if isinstance(controls, dict):
            controls["isEncrypted"] = entry["isEncrypted"]
        else:
            flow["controls"] = {"isEncrypted": entry["isEncrypted"]}


def _last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1] if lines else "it exited with an error"


def _error(path: str, message: str) -> ModelError:
    return ModelError([Diagnostic(Location(path, 1, 1), message)])
