"""Request and response plumbing shared by every area: the request class, ids in URLs, sign-in guards, error
pages, security headers, template globals and the helper that answers a service's refusal."""
from flask import Flask

from app.web.errors import register_error_pages
from app.web.headers import add_security_headers
from app.web.request import AppRequest, IdConverter, refuse_a_body_too_large
from app.web.templating import register_template_helpers


def register_web(app: Flask) -> None:
    """Install the request class, the id converter, template helpers, error pages and security headers."""
    app.request_class = AppRequest
    app.before_request(refuse_a_body_too_large)
    app.url_map.converters["int"] = IdConverter
    register_template_helpers(app)
    register_error_pages(app)
    app.after_request(add_security_headers)
