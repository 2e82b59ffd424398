"""The app starts, serves its pages and reports its health."""


def test_home_page_renders_for_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Register your organisation" in response.get_data(as_text=True)


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_unknown_page_is_404_in_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "Skip to main content" in response.get_data(as_text=True)


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    from app import create_app
    from app.extensions import db

    unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'marketplace.sqlite'}"
    broken = create_app("testing", {"SQLALCHEMY_DATABASE_URI": unreachable})
    try:
        response = broken.test_client().get("/healthz")
    finally:
        with broken.app_context():
            db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}
