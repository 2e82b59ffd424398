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
