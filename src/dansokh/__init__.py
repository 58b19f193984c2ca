"""dansokh: population-and-development plans as checked YAML."""

__version__ = "0.1.0"
