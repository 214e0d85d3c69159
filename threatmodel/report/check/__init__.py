"""Writers of ``check``'s results: text, JSON and SARIF."""
