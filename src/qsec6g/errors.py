"""Exception types shared by every part.

``UserInputError`` (and its subclasses) mark problems with what a user gave us — a config value, a file, a CLI
flag. The CLI prints them as one line and exits with code 2; anything else that escapes is a runtime failure
(exit code 1).
"""

from __future__ import annotations


class UserInputError(ValueError):
    """Bad input from outside the program (config, file, flag, HTTP body)."""


class ConfigError(UserInputError):
    """A configuration file or value failed validation; the message names the offending key."""


class DataError(UserInputError):
    """An input data file is missing, malformed or holds values we refuse (NaN, wrong columns)."""
