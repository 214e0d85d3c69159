"""threatmodel: who can read what, in every setting of a data-flow model, and why."""

__version__ = "0.1.0"
