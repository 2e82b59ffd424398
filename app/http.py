"""The request class every page sees."""
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict


def without_nul(text):
    """Drop NUL characters: never meant in typed text, and PostgreSQL cannot store or search them."""
    return text.replace("\x00", "") if isinstance(text, str) else text


class TextParameters(ImmutableMultiDict):
    """Query-string and form values with NUL characters removed, so no field can carry one into the database."""

    def __init__(self, mapping=None):
        if isinstance(mapping, (list, tuple)):
            mapping = [(without_nul(key), without_nul(value)) for key, value in mapping]
        super().__init__(mapping)


class AppRequest(Request):
    """Flask's request, with NUL-free query-string and form values (a pasted NUL was a 500 on PostgreSQL)."""

    parameter_storage_class = TextParameters
