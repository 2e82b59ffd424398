"""Reads of the council's reference lists."""
from sqlalchemy import select

from app.extensions import db
from app.models import Area, Measure, MeasureCategory, NeedCategory, Theme


def active_area_choices() -> list[tuple[int, str]]:
    """(id, name) of every active area, for a form."""
    return [(a.id, a.name) for a in db.session.scalars(select(Area).where(Area.is_active).order_by(Area.name))]


def all_areas() -> list[Area]:
    """Every area, active first, by name."""
    return list(db.session.scalars(select(Area).order_by(Area.is_active.desc(), Area.name)))


def all_themes() -> list[Theme]:
    """Every theme, active first, by name."""
    return list(db.session.scalars(select(Theme).order_by(Theme.is_active.desc(), Theme.name)))


def all_measures() -> list[Measure]:
    """Every measure with its categories and proxy values, by code."""
    return list(db.session.scalars(select(Measure).order_by(Measure.code)))


def active_theme_choices() -> list[tuple[int, str]]:
    """(id, name) of every active theme, for a form."""
    return [(t.id, t.name) for t in db.session.scalars(select(Theme).where(Theme.is_active).order_by(Theme.name))]


def active_measure_choices() -> list[tuple[int, str]]:
    """(id, label) of every active measure, saying its unit and the kinds of help it counts."""
    measures = db.session.scalars(select(Measure).where(Measure.is_active).order_by(Measure.name))
    return [(m.id, f"{m.name} ({m.unit}) – for {', '.join(c.label.lower() for c in m.categories)}")
            for m in measures]


def active_measure_categories() -> dict[int, frozenset[str]]:
    """{measure id: the need category values it counts} for every active measure, in one query."""
    pairs: dict[int, set[str]] = {}
    for measure_id, category in db.session.execute(
            select(MeasureCategory.measure_id, MeasureCategory.category).join(Measure).where(Measure.is_active)):
        pairs.setdefault(measure_id, set()).add(category.value)
    return {measure_id: frozenset(values) for measure_id, values in pairs.items()}


def filter_choices() -> dict[str, list[tuple[int, str]]]:
    """Kinds of help, and active areas, themes and measures, for the needs filters (three small queries)."""
    def pairs(model) -> list[tuple[int, str]]:
        return [tuple(row) for row in db.session.execute(
            select(model.id, model.name).where(model.is_active).order_by(model.name))]

    return {"categories": NeedCategory.choices(), "areas": pairs(Area), "themes": pairs(Theme),
            "measures": pairs(Measure)}
