"""The request every page sees, and reading numbers from its URL without ever failing on them."""
from flask import Request, abort, current_app, request
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


def takes_files(view):
    """Mark a view whose form uploads files: its multipart bodies may be up to UPLOAD_MAX_CONTENT_LENGTH."""
    view.takes_files = True
    return view


class AppRequest(Request):
    """Flask's request, with NUL-free query-string and form values (a pasted NUL was a 500 on PostgreSQL), and
    a larger body allowed only for files sent to a page that takes them."""

    parameter_storage_class = TextParameters

    @property
    def max_content_length(self) -> int | None:
        """MAX_CONTENT_LENGTH, or UPLOAD_MAX_CONTENT_LENGTH for a multipart body sent to a view that takes files."""
        if self._max_content_length is None and current_app and self.url_rule is not None \
                and self.mimetype == "multipart/form-data" \
                and getattr(current_app.view_functions.get(self.url_rule.endpoint), "takes_files", False):
            return current_app.config["UPLOAD_MAX_CONTENT_LENGTH"]
        return Request.max_content_length.fget(self)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def refuse_a_body_too_large() -> None:
    """413 for a request that says its body is larger than it may be, before any view runs: a view that never reads
    its body (a one-click unsubscribe) must refuse it as one that does."""
    limit = request.max_content_length
    if limit is not None and request.content_length is not None and request.content_length > limit:
        abort(413)


class IdConverter(IntegerConverter):
    """`<int:...>` in a route: a whole number that can be a row id; anything bigger is simply not found (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def id_arg(name: str) -> int | None:
    """An id from the query string, or None if it is missing or could not be one."""
    return request.args.get(name, type=parse_id)


def page_arg(name: str = "page") -> int:
    """The ?page= number (or another name's, for a second list on a page): 1 if missing or malformed, never below 1
    or above MAX_PAGE."""
    page = request.args.get(name, 1, type=int)
    return min(max(page, 1), MAX_PAGE)


def enum_arg(enum_class, value: str | None):
    """An enum member from a query-string value, or None if it is missing or not one of the enum's values."""
    return next((member for member in enum_class if member.value == value), None)
