"""dansokh: population-and-development plans as checked YAML."""

__version__: str
__commit__: str | None
__dirty__: bool | None
try:  # written by setuptools-scm when dansokh is built or installed (pyproject.toml)
    from ._version import __commit__, __dirty__, __version__
except ImportError:  # a source tree never built nor installed: nothing says which commit it is
    __version__ = "0+unknown"
    __commit__ = None
    __dirty__ = None
