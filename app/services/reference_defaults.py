"""Loading the default areas, themes and measures; safe to run again."""
from sqlalchemy import select

from app.services.reference_data import DEFAULT_AREAS, DEFAULT_MEASURES, DEFAULT_THEMES, DEFAULTS_FROM
from app.extensions import db
from app.models import Area, Measure, MeasureCategory, NeedCategory, ProxyValue, Theme


def load_default_reference(*, with_areas: bool = True) -> dict[str, int]:
    """Add any default theme, measure (and area) that is missing; return how many were added."""
    added = {"areas": 0, "themes": 0, "measures": 0}
    if with_areas:
        have = set(db.session.scalars(select(Area.name)))
        for name in DEFAULT_AREAS:
            if name not in have:
                db.session.add(Area(name=name))
                added["areas"] += 1
    have = set(db.session.scalars(select(Theme.name)))
    for name, description in DEFAULT_THEMES:
        if name not in have:
            db.session.add(Theme(name=name, description=description))
            added["themes"] += 1
    have = set(db.session.scalars(select(Measure.code)))
    for code, name, unit, categories, pence, note in DEFAULT_MEASURES:
        if code in have:
            continue
        measure = Measure(code=code, name=name, unit=unit,
                          category_rows=[MeasureCategory(category=NeedCategory(c)) for c in categories])
        if pence is not None:
            measure.proxy_values = [ProxyValue(pence_per_unit=pence, effective_from=DEFAULTS_FROM,
                                               source_note=note, is_default=True)]
        else:
            measure.description = note
        db.session.add(measure)
        added["measures"] += 1
    db.session.commit()
    return added
