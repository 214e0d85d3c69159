"""Reading a model file: YAML with positions, the schema, expressions, whole-model checks."""
