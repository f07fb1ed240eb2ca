"""Errors meant for the person at the keyboard: the CLI prints them without a traceback."""


class GeolinkError(Exception):
    """A problem with the user's input or environment, explained in one message."""
