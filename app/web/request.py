"""The request every page sees, and reading numbers from its URL without ever failing on them."""
from flask import Request, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from app.models.base import MAX_ID, parse_id

# Past this page every list is empty; a bigger number is read as this one (an offset must fit the database).
MAX_PAGE = 100_000


def without_nul(text):
    """Drop NUL characters: never meant in typed text, and PostgreSQL cannot store or search them."""
    return text.replace("\x00", "") if isinstance(text, str) else text


class TextParameters(ImmutableMultiDict):
    """Query-string and form values with NUL characters removed, so no field can carry one into the database.

    A multipart part with no name (Werkzeug files it under None) is not a field, and is dropped: Flask-WTF's CSRF
    check reads every name as text.
    """

    def __init__(self, mapping=None):
        if isinstance(mapping, (list, tuple)):
            mapping = [(without_nul(key), without_nul(value)) for key, value in mapping if key is not None]
        super().__init__(mapping)


class AppRequest(Request):
    """Flask's request, with NUL-free query-string and form values (a pasted NUL was a 500 on PostgreSQL)."""

    parameter_storage_class = TextParameters


class IdConverter(IntegerConverter):
    """`<int:...>` in a route: a whole number that can be a row id; anything bigger is simply not found (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def id_arg(name: str) -> int | None:
    """An id from the query string, or None if it is missing or could not be one."""
    return request.args.get(name, type=parse_id)


def page_arg() -> int:
    """The ?page= number: 1 if missing or malformed, never below 1 or above MAX_PAGE."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)
