"""Error pages: every refusal and failure answered in the site's layout (or as problem+json), never a stack trace."""
from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.errors import DomainError
from app.extensions import db

TITLES = {
    400: "Sorry, there is a problem with your request",
    401: "You need to sign in",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "This page cannot be used that way",
    409: "That could not be done",
    413: "What you sent is too large",
    415: "This page cannot read what you sent",
    422: "There is a problem with what you sent",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def _wants_json() -> bool:
    """Whether the caller asked for JSON rather than a page."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(code: int, message: str | None = None, field: str | None = None):
    """An error page (or problem+json) with the right status; a code without its own title gets a general one."""
    title = TITLES.get(code) or TITLES[500 if code >= 500 else 400]
    if _wants_json():
        problem = {"type": "about:blank", "title": title, "status": code, "detail": message or title}
        if field:
            problem["field"] = field
        response = jsonify(problem)
        response.status_code, response.mimetype = code, "application/problem+json"
        return response
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_pages(app: Flask) -> None:
    """Attach the handlers: domain refusals, HTTP errors, expired forms and anything unexpected."""

    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        """A service refused (not found, not allowed, conflict, invalid) and no view answered it more kindly."""
        db.session.rollback()
        # What the user may not know exists, or may not see, is not described.
        message = error.message if error.status_code not in (403, 404) else None
        return render_error(error.status_code, message, error.field)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        """The form's security token was missing or out of date."""
        return render_error(400, "The form had expired or was missing its security token. Go back, refresh the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """Any HTTP error the app raises on purpose; a server error (5xx) rolls back what the request began."""
        code = error.code or 500
        if code >= 500:
            db.session.rollback()
        return render_error(code, None)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        """Anything unexpected: roll back, log, and show a plain page."""
        db.session.rollback()
        current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if current_app.config.get("PROPAGATE_500"):
            raise error
        return render_error(500)
