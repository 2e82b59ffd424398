"""The accessibility statement: the council's contact, dates and name come from configuration."""
import html
import re
from datetime import date

import pytest

import config


def _text(response) -> str:
    """The page's text with whitespace squashed and entities decoded, for asserting phrases."""
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def test_statement_shows_the_default_contact_and_dates(client):
    response = client.get("/accessibility")
    assert response.status_code == 200
    page = _text(response)
    assert 'href="mailto:socialvalue@example.gov.uk"' in page
    assert "This service was last tested on 3 December 2026." in page
    assert "This statement was prepared on 22 November 2026. It was last reviewed on 3 December 2026." in page
    assert "This service is run by Wyvern County Council." in page


@pytest.mark.parametrize("app_overrides", [{
    "COUNCIL_NAME": "Borsetshire Council",
    "ACCESSIBILITY_CONTACT_EMAIL": "accessibility@borsetshire.example.gov.uk",
    "ACCESSIBILITY_LAST_TESTED": date(2027, 1, 15),
    "ACCESSIBILITY_STATEMENT_PREPARED": date(2026, 12, 1),
    "ACCESSIBILITY_STATEMENT_REVIEWED": date(2027, 1, 20),
}])
def test_statement_follows_the_councils_configuration(client, app_overrides):
    page = _text(client.get("/accessibility"))
    assert page.count('href="mailto:accessibility@borsetshire.example.gov.uk"') == 2  # formats, and problems
    assert "socialvalue@example.gov.uk" not in page
    assert "This service was last tested on 15 January 2027." in page
    assert "This statement was prepared on 1 December 2026. It was last reviewed on 20 January 2027." in page
    assert "This service is run by Borsetshire Council." in page and "Wyvern" not in page


def test_statement_has_the_sections_of_the_model_statement(client):
    page = _text(client.get("/accessibility"))
    for heading in ["How accessible this service is", "Feedback and contact information",
                    "Reporting accessibility problems with this service", "Enforcement procedure",
                    "Technical information about this service’s accessibility", "Compliance status",
                    "Non-accessible content", "How we tested this service",
                    "Preparation of this accessibility statement"]:
        assert f">{heading}</h" in page, heading
    assert "Equality and Human Rights Commission" in page and "Equality Advisory and Support Service (EASS)" in page
    assert "(No. 2) Accessibility Regulations 2018" in page and "WCAG) version 2.2" in page
    assert "axe-core" in page and "1280 pixels wide and at 320 pixels wide" in page


def test_every_page_links_to_the_statement(client):
    assert 'href="/accessibility">Accessibility statement</a>' in client.get("/").get_data(as_text=True)


def test_date_settings_are_read_from_the_environment_and_a_bad_one_stops_start_up(monkeypatch):
    monkeypatch.setenv("ACCESSIBILITY_LAST_TESTED", "2027-02-28")
    assert config._date_setting("ACCESSIBILITY_LAST_TESTED", "2026-12-03") == date(2027, 2, 28)
    monkeypatch.setenv("ACCESSIBILITY_LAST_TESTED", "28/02/2027")
    with pytest.raises(RuntimeError, match="ACCESSIBILITY_LAST_TESTED must be a date written YYYY-MM-DD"):
        config._date_setting("ACCESSIBILITY_LAST_TESTED", "2026-12-03")

