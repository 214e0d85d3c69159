"""Every report the commands write: ``analyze`` (text, JSON, markdown), ``check`` (text,
JSON, SARIF), ``diff``, ``explain`` and the interactive HTML report."""
