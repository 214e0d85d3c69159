"""The analysis engine: the model graph, rules R1-R8, settings, BDDs, closures and conditions."""
