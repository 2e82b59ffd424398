"""Error pages and security headers."""
from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db

TITLES = {
    400: "Sorry, there is a problem with your request",
    401: "You need to sign in",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "This page cannot be used that way",
    409: "That could not be done",
    413: "What you sent is too large",
    422: "There is a problem with what you sent",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def _wants_json() -> bool:
    """Whether the caller asked for JSON rather than a page."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(code: int, message: str | None = None):
    """Render an error page (or JSON) with the right status; a code without its own title gets a general one."""
    title = TITLES.get(code) or TITLES[500 if code >= 500 else 400]
    if _wants_json():
        return jsonify(error=title, message=message or title), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register(app: Flask) -> None:
    """Attach the error handlers."""

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


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def add_security_headers(response):
    """Headers that tell browsers to be strict with our pages."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
