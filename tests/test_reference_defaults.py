"""The default reference data a council starts with: a small, locally owned set, every value sourced and to review."""
import re

from sqlalchemy import select

from app.services.reference_data import DEFAULT_MEASURES, DEFAULT_THEMES, DEFAULTS_FROM
from app.extensions import db
from app.models import Area, Measure, ProxyValue, Theme
from app.services.reference_defaults import load_default_reference

# National TOMs measure codes look like NT1, NT18, NT28a: the defaults are our own, not a copy of that framework.
NATIONAL_TOMS_CODE = re.compile(r"\bNT\d+[a-z]?\b", re.IGNORECASE)


def load(ctx) -> dict[str, int]:
    """Run the loader once, as `flask reference load-defaults` does."""
    with ctx():
        return load_default_reference()


def test_the_default_set_is_about_fifteen_measures_and_five_themes(ctx):
    added = load(ctx)
    assert added["themes"] == 5
    assert 12 <= added["measures"] <= 20
    assert added["areas"] > 0
    with ctx():
        assert len(db.session.scalars(select(Theme)).all()) == 5
        assert len(db.session.scalars(select(Measure)).all()) == added["measures"] == len(DEFAULT_MEASURES)
        assert all(theme.description for theme in db.session.scalars(select(Theme)))


def test_every_default_proxy_value_has_a_source_note_and_is_marked_default_to_review(ctx):
    load(ctx)
    with ctx():
        values = db.session.scalars(select(ProxyValue)).all()
        assert values, "the defaults should value most measures"
        for value in values:
            assert value.source_note.strip(), f"{value.measure.code} has no source note"
            assert value.is_default, f"{value.measure.code} is not marked as a default to review"
            assert value.effective_from == DEFAULTS_FROM
            assert value.pence_per_unit > 0
        unvalued = db.session.scalars(select(Measure).where(~Measure.proxy_values.any())).all()
        for measure in unvalued:  # counted, not valued: the note says so instead
            assert measure.description.strip(), f"{measure.code} is unvalued and says nothing about why"


def test_no_default_copies_national_toms_codes(ctx):
    load(ctx)
    with ctx():
        for measure in db.session.scalars(select(Measure)):
            for text in (measure.code, measure.name, measure.description):
                assert not NATIONAL_TOMS_CODE.search(text), f"{measure.code}: {text!r} looks like a National TOMs code"
    for name, description in DEFAULT_THEMES:
        assert not NATIONAL_TOMS_CODE.search(f"{name} {description}")


def test_loading_the_defaults_again_adds_nothing(ctx):
    load(ctx)
    with ctx():
        before = {model.__name__: len(db.session.scalars(select(model)).all())
                  for model in (Area, Theme, Measure, ProxyValue)}
    assert load(ctx) == {"areas": 0, "themes": 0, "measures": 0}
    with ctx():
        after = {model.__name__: len(db.session.scalars(select(model)).all())
                 for model in (Area, Theme, Measure, ProxyValue)}
    assert after == before
