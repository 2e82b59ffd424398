"""The application factory: reads like a table of contents."""
import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader, Undefined

from app.web import register_web
from config import CONFIGS, ProductionConfig

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Create the app for an environment, with optional settings for tests."""
    config_name = config_name or os.environ.get("APP_ENV", "development")
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"),
                instance_path=str(ROOT / "instance"))
    config = CONFIGS[config_name]
    if config is ProductionConfig:
        ProductionConfig.check()
    app.config.from_object(config)
    app.config.update(overrides or {})
    Path(app.instance_path).mkdir(exist_ok=True)
    register_templates(app)
    register_web(app)
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_outbox_delivery(app)
    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)
    return app


class RenderStrictUndefined(Undefined):
    """Under test, printing an undefined value fails; GOV.UK macros may still test for missing keys."""

    def __str__(self) -> str:
        self._fail_with_undefined_error()


def register_templates(app: Flask) -> None:
    """Find our templates first, then GOV.UK Frontend's macros and WTForms widgets."""
    from govuk_frontend_wtf.main import WTFormsHelpers

    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    if app.config.get("TESTING"):
        app.jinja_env.undefined = RenderStrictUndefined
    WTFormsHelpers(app)


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    from app.extensions import csrf, db, limiter, login_manager, mail, migrate
    from app.web.guards import configure_login

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    configure_login(login_manager)
    from app.services import suggestions  # noqa: F401  (its flush listener queues suggestion refreshes)


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per audience."""
    from app.account import bp as account_bp
    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.contracts import bp as contracts_bp
    from app.home import bp as home_bp
    from app.moderation import bp as moderation_bp
    from app.public import bp as public_bp
    from app.reports import bp as reports_bp
    from app.supplier import bp as supplier_bp
    from app.vcse import bp as vcse_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(moderation_bp, url_prefix="/moderation")
    app.register_blueprint(contracts_bp, url_prefix="/contracts")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(vcse_bp, url_prefix="/vcse")
    app.register_blueprint(supplier_bp, url_prefix="/supplier")
    app.register_blueprint(reports_bp, url_prefix="/reports")


def register_outbox_delivery(app: Flask) -> None:
    """In development, print queued emails once each request has finished."""
    if app.config.get("OUTBOX_DELIVER_AFTER_REQUEST"):
        from app.email import send_pending

        @app.teardown_request
        def deliver_outbox(error=None):
            """Send what this request queued (development only)."""
            if error is None:
                send_pending()


def register_cli(app: Flask) -> None:
    """Add the flask commands."""
    from app.cli import register
    register(app)
