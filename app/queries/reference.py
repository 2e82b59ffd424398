"""Reads of the council's reference lists."""
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Area, Measure, NeedCategory, Theme


def _active_pairs(model) -> list[tuple[int, str]]:
    """(id, name) of every active row of a reference list, by name, in one small query."""
    return [tuple(row) for row in db.session.execute(
        select(model.id, model.name).where(model.is_active).order_by(model.name))]


def active_area_choices() -> list[tuple[int, str]]:
    """(id, name) of every active area, for a form."""
    return _active_pairs(Area)


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
    return _active_pairs(Theme)


@dataclass
class MeasureChoices:
    """Active measures for the need form: (id, label) choices, and the need categories each one counts."""

    choices: list[tuple[int, str]]
    categories: dict[int, frozenset[str]]


def active_measure_choices() -> MeasureChoices:
    """Every active measure, labelled with its unit and the kinds of help it counts, from one load."""
    measures = list(db.session.scalars(select(Measure).where(Measure.is_active).order_by(Measure.name)))
    return MeasureChoices(
        choices=[(m.id, f"{m.name} ({m.unit}) – for {', '.join(c.label.lower() for c in m.categories)}")
                 for m in measures],
        categories={m.id: frozenset(c.value for c in m.categories) for m in measures})


def filter_choices() -> dict[str, list[tuple[int, str]]]:
    """Kinds of help, and active areas, themes and measures, for the needs filters (three small queries)."""
    return {"categories": NeedCategory.choices(), "areas": _active_pairs(Area), "themes": _active_pairs(Theme),
            "measures": _active_pairs(Measure)}
