"""The one way a view answers a service call: success, a field error, a conflict, or (through the app's error
handler) not found and not allowed.

A view parses the request, hands `carry_out` the one service call, and `carry_out` answers:
- GET, or a form that fails its own checks: the page (200, or 422 with each message by its field);
- success: the success message flashed and a redirect (303) to the next page;
- `Invalid` from the service: the page again (422) with the message next to its field;
- `Conflict`: the message flashed and a redirect (303) back to the object's page, or the 409 page;
- `NotFound` and `NotAllowed` pass through to `app/web/errors.py`: 404 and 403.
"""
from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect
from flask_wtf import FlaskForm

from app.errors import Conflict, Invalid, NotFound
from app.forms.common import ConfirmForm

Page = Callable[[FlaskForm], str]


def found(obj, allowed: bool = True):
    """The object, if it exists and this user may know it does; otherwise NotFound (404)."""
    if obj is None or not allowed:
        raise NotFound("Page not found.")
    return obj


def put_on_field(form: FlaskForm, error: Invalid) -> bool:
    """Show a service's message next to the field it names; False if the form has no such field."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return False
    field.errors = list(field.errors) + [error.message]
    form._errors = None  # WTForms caches form.errors
    return True


def _resolve(value, result) -> str:
    """A value, or what a callable makes of the service's result."""
    return value(result) if callable(value) else value


def carry_out(call: Callable[[], Any], *, done: str | Callable | None, then: str | Callable, form: FlaskForm | None = None,
              page: Page | None = None, back: str | None = None):
    """Run one service call for a submitted form (a one-button form when `form` is None) and answer it."""
    if form is None:
        if not ConfirmForm().validate_on_submit():
            abort(400)
    elif not form.validate_on_submit():
        return page(form), 422 if form.errors else 200
    back = back or (then if isinstance(then, str) else None)
    try:
        result = call()
    except Invalid as error:
        if form is not None and page is not None and put_on_field(form, error):
            return page(form), 422
        return _refused(error, back, form, page)
    except Conflict as error:
        return _refused(error, back, form, page)
    target = _resolve(then, result)  # first: it may start a new session, which would drop an earlier flash
    if done is not None:
        flash(_resolve(done, result), "success")
    return redirect(target, 303)


def _refused(error, back: str | None, form: FlaskForm | None, page: Page | None):
    """A refusal with no field to show it by: flash it and go back, or show the page again, or the error page."""
    if back is not None:
        flash(error.message, "error")
        return redirect(back, 303)
    if page is not None:
        flash(error.message, "error")
        return page(form), error.status_code
    raise error


def refuse_move(obj, move: str, back: str, message: str | None = None):
    """Before showing a form for a move: a flash and a redirect back if the state no longer allows it, else None."""
    if obj.allows(move):
        return None
    flash(message or obj.refusal(move), "error")
    return redirect(back, 303)
