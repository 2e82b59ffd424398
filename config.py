"""Configuration classes, read from the environment."""
import os
import tempfile
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _sqlite_url(name: str) -> str:
    """A SQLite URL for a file under instance/."""
    return f"sqlite:///{INSTANCE_DIR / name}"


def _date_setting(name: str, default: str) -> date:
    """A date from the environment, written YYYY-MM-DD; a bad one stops start-up with the setting's name."""
    try:
        return date.fromisoformat(os.environ.get(name, default))
    except ValueError:
        raise RuntimeError(f"{name} must be a date written YYYY-MM-DD, for example {default}.") from None


def _percent_setting(name: str, default: str) -> Decimal:
    """A percentage between 0 and 100 from the environment, kept exact."""
    try:
        value = Decimal(os.environ.get(name, default))
        ok = value.is_finite() and 0 <= value <= 100
    except InvalidOperation:
        ok = False
    if not ok:
        raise RuntimeError(f"{name} must be a number from 0 to 100, for example {default}.")
    return value


def _optional_decimal_setting(name: str, example: str) -> Decimal | None:
    """A non-negative exact number from the environment, or None when the setting is empty or absent."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
        if value.is_finite() and value >= 0:
            return value
    except InvalidOperation:
        pass
    raise RuntimeError(f"{name} must be a number of 0 or more, for example {example}.")


def _pounds_setting(name: str, default: str) -> int:
    """An amount in whole pounds from the environment, as pence."""
    value = _optional_decimal_setting(name, default)
    return int((Decimal(default) if value is None else value) * 100)


class Config:
    """Settings shared by every environment (each subclass names itself in ENV_NAME)."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", _sqlite_url("marketplace.sqlite"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "Social Value Marketplace")
    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Wyvern County Council")
    # The council's social value policy: the least a contract's target should be, as a % of its value.
    SOCIAL_VALUE_TARGET_PERCENT = _percent_setting("SOCIAL_VALUE_TARGET_PERCENT", "10")
    # ...expected of contracts worth more than this (the seed policies use £25k, £50k and £100k)...
    SOCIAL_VALUE_THRESHOLD_PENCE = _pounds_setting("SOCIAL_VALUE_THRESHOLD_POUNDS", "100000")
    # ...and, if set, at least this many pounds of social value per pound of spend (Ashfield's stretch: 1).
    SOCIAL_VALUE_POUNDS_PER_POUND = _optional_decimal_setting("SOCIAL_VALUE_POUNDS_PER_POUND", "1")
    # An admin may change all three for their council (Admin > Social value policy); these are the defaults.
    # Procurement Act 2023: a contract worth more than this (£5m) should publish at least three KPIs, or say why not.
    KPI_CONTRACT_THRESHOLD_PENCE = _pounds_setting("KPI_CONTRACT_THRESHOLD_POUNDS", "5000000")
    # How a KPI's rating is suggested: confirmed delivery as a % of the share of the commitment due by the period
    # end; the first band whose least % it reaches is suggested, and below the last is Inadequate. Shown on the form.
    KPI_RATING_BANDS = (("good", 100), ("approaching_target", 85), ("requires_improvement", 60))
    # The accessibility statement: who to contact, and when the service was last tested and the statement written.
    ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "socialvalue@example.gov.uk")
    ACCESSIBILITY_LAST_TESTED = _date_setting("ACCESSIBILITY_LAST_TESTED", "2026-12-03")
    ACCESSIBILITY_STATEMENT_PREPARED = _date_setting("ACCESSIBILITY_STATEMENT_PREPARED", "2026-11-22")
    ACCESSIBILITY_STATEMENT_REVIEWED = _date_setting("ACCESSIBILITY_STATEMENT_REVIEWED", "2026-12-03")
    # Links in emails are built from this, never from the request's Host header.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@marketplace.example.gov.uk")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "false").lower() == "true"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_PRINT_TO_CONSOLE = False
    OUTBOX_MAX_ATTEMPTS = 8
    OUTBOX_DELIVER_AFTER_REQUEST = False
    # `flask worker`: seconds between passes, and how many emails it claims at a time.
    WORKER_POLL_SECONDS = float(os.environ.get("WORKER_POLL_SECONDS", "5"))
    WORKER_BATCH_SIZE = int(os.environ.get("WORKER_BATCH_SIZE", "100"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Said explicitly: Flask-Limiter's one limiter object otherwise keeps the last app's setting as its default.
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    REGISTER_RATE_LIMIT = "5 per minute"
    # Each of these sends an email: limited per account and per address, whatever the client's IP.
    RESEND_VERIFICATION_RATE_LIMIT = "3 per hour"
    RESET_EMAIL_RATE_LIMIT = "3 per hour"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Evidence files: kept outside static/, at most 5 a time of at most 5 MB each. A page that takes files
    # (marked with app.web.request.takes_files) accepts a multipart body of up to UPLOAD_MAX_CONTENT_LENGTH.
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR", str(INSTANCE_DIR / "evidence"))
    EVIDENCE_MAX_FILES = 5
    EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
    UPLOAD_MAX_CONTENT_LENGTH = 5 * EVIDENCE_MAX_BYTES + 1024 * 1024
    PASSWORD_MIN_LENGTH = 12
    VERIFY_TOKEN_HOURS = 48
    RESET_TOKEN_HOURS = 1
    INVITE_TOKEN_HOURS = 72
    # How long an email's unsubscribe link works (each link works once).
    UNSUBSCRIBE_TOKEN_DAYS = 90
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None
    SECURITY_HEADERS = True
    # How many proxies sit in front of the app; their X-Forwarded-For/Proto are trusted (for rate limits).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    PAGE_SIZE = 25


class DevelopmentConfig(Config):
    """Local development: SQLite under instance/, mail printed to the console."""

    ENV_NAME = "development"
    DEBUG = False
    MAIL_PRINT_TO_CONSOLE = True
    # `make run` starts `flask worker` beside the server: it prints queued mail, so requests leave it alone.
    OUTBOX_DELIVER_AFTER_REQUEST = False


class TestingConfig(Config):
    """The test suite: its own database, mail captured, CSRF on unless a test turns it off."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", _sqlite_url("test.sqlite"))
    # Tests point this at their own temporary folder; never at the real evidence.
    EVIDENCE_DIR = os.environ.get("TEST_EVIDENCE_DIR", str(Path(tempfile.gettempdir()) / "svm-test-evidence"))
    MAIL_SUPPRESS_SEND = True
    RATELIMIT_STORAGE_URI = "memory://"
    BASE_URL = "http://marketplace.test"


class ProductionConfig(Config):
    """Production: PostgreSQL, real mail, secure cookies; refuses to start half-configured."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    PREFERRED_URL_SCHEME = "https"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the settings production cannot guess."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "BASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Production configuration needs {', '.join(missing)} set in the environment.")
        cls.SECRET_KEY = os.environ["SECRET_KEY"]
        cls.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
