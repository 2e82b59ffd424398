"""Randomised ledgers for the report tests, and an oracle that works every figure out again from ledger rows alone.

`random_ledger` writes rows directly (fast, and the ledger accepts inserts): two councils, needs with one area and
one or two themes, standing offers serving several areas and themes, deliveries on days either side of financial
year boundaries, reversals, a measure whose proxy value changes on 1 April and one with none. The oracle (`Oracle`)
reads the raw tables with plain SQL and adds up in Python, never through the app's queries.
"""
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

from sqlalchemy import text

from app.extensions import db
from app.models import (
    Commitment, Contract, ContractStatus, LedgerEntry, Measure, MeasureCategory, NeedCategory, OfferRequest,
    OfferRequestStatus, Pledge, PledgeStatus, ProxyValue, TargetKind, utcnow,
)
from app.models.reference import value_in_pence
from tests import factories_offers as offers


@dataclass
class RandomLedger:
    """Ids of what was made, for tests to use (and for `add_entries` to add more)."""

    council: int
    other_council: int
    manager: int
    moderator: int
    admin: int
    year: int
    vcses: list[int] = field(default_factory=list)
    vcse_users: list[int] = field(default_factory=list)
    supplier_users: list[int] = field(default_factory=list)
    commitments: list[int] = field(default_factory=list)
    other_commitments: list[int] = field(default_factory=list)
    needs: list[tuple[int, int]] = field(default_factory=list)  # (need id, index of its VCSE)
    offers: list[int] = field(default_factory=list)
    entries: list[int] = field(default_factory=list)


def boundary_days(year: int) -> list[date]:
    """The days either side of the starts and ends of the financial years around `year` (its first year)."""
    return [date(year, 3, 31), date(year, 4, 1), date(year + 1, 3, 31), date(year + 1, 4, 1), date(year - 1, 4, 1),
            date(year - 1, 3, 31)]


def _measure(app, code: str, unit: str, proxies: list[tuple[int, date, str]]) -> int:
    """A measure with proxy values (pence, from, source note)."""
    with app.app_context():
        row = Measure(code=code, name=f"Measure {code}", unit=unit,
                      category_rows=[MeasureCategory(category=NeedCategory.VOLUNTEERS)],
                      proxy_values=[ProxyValue(pence_per_unit=p, effective_from=d, source_note=s)
                                    for p, d, s in proxies])
        db.session.add(row)
        db.session.commit()
        return row.id


def _contract(app, buyer: int, supplier: int, manager: int, year: int, measures: list[int]) -> list[int]:
    """A contract over the years around `year` with one commitment per measure; the commitments' ids."""
    with app.app_context():
        contract = Contract(buyer_id=buyer, supplier_id=supplier, reference=f"R-{buyer}-{supplier}-{year}",
                            title="Contract", value_pence=250_000_000, starts_on=date(year - 2, 6, 1),
                            ends_on=date(year + 3, 5, 31), contract_manager_id=manager,
                            target_kind=TargetKind.PERCENT, target_percent=Decimal("10"),
                            status=ContractStatus.ACTIVE, created_by_id=manager)
        contract.commitments = [Commitment(measure_id=m, quantity=Decimal("100000"), due_on=date(year + 2, 1, 1))
                                for m in measures]
        db.session.add(contract)
        db.session.commit()
        return [c.id for c in contract.commitments]


def random_ledger(app, make, *, seed: int, year: int, entries: int = 40,
                  council_name: str = "Wyvern County Council") -> RandomLedger:
    """A council's randomised ledger around the financial year starting in `year`, and another council's."""
    rng = random.Random(seed)
    council = make.organisation(kind="buyer", name=council_name)
    other = make.organisation(kind="buyer", name="Other Borough Council")
    manager = make.council_user("contract_manager", organisation_id=council)
    other_manager = make.council_user("contract_manager", organisation_id=other)
    world = RandomLedger(council, other, manager, make.council_user("moderator", organisation_id=council),
                         make.council_user("admin", organisation_id=council), year)
    areas = [make.area(f"Area {name}") for name in ("North", "South", "East")]
    themes = [make.theme(f"Theme {name}") for name in ("Climate", "Jobs", "Health")]
    measures = [
        _measure(app, "VOL", "hour", [(1221, date(2015, 1, 1), "National Living Wage"),
                                      (1300, date(year, 4, 1), "Living wage from April")]),
        _measure(app, "ADV", "expert hour", [(2500, date(2015, 1, 1), "Midpoint of £20 to £30")]),
        _measure(app, "TREE", "tree", []),
    ]
    world.vcses = [make.organisation(kind="vcse", name=f"Group {n}") for n in range(2)]
    world.vcse_users = [make.user(v, email=f"group{n}.person@example.org") for n, v in enumerate(world.vcses)]
    suppliers = [make.organisation(kind="supplier", name=f"Supplier {n}") for n in range(2)]
    world.supplier_users = [make.user(s, email=f"supplier{n}.person@example.com") for n, s in enumerate(suppliers)]
    world.commitments = [c for s in suppliers for c in _contract(app, council, s, manager, year, measures)]
    other_supplier = make.organisation(kind="supplier", name="Elsewhere Ltd")
    make.user(other_supplier)
    world.other_commitments = _contract(app, other, other_supplier, other_manager, year, measures)
    for n in range(8):
        vcse = rng.randrange(2)
        need = make.need(world.vcses[vcse], status="open", measure_id=measures[0], area_id=rng.choice(areas),
                         theme_ids=rng.sample(themes, rng.choice((1, 2))), quantity=str(rng.choice((4, 6, 10))),
                         title=f"Need number {n}")
        world.needs.append((need, vcse))
    world.offers = [offers.offer(app, world.commitments[0], area_ids=areas[:2], theme_ids=themes[:2], title="Offer A"),
                    offers.offer(app, world.commitments[4], area_ids=areas[1:], theme_ids=[], title="Offer B")]
    add_entries(app, world, entries, seed=seed)
    with app.app_context():
        for day in boundary_days(year):  # the other council's deliveries must never show
            add_entry(world, world.other_commitments[0], None, None, Decimal("77"), day, vcse=0)
        db.session.commit()
        db.session.remove()
    return world


def add_entry(world: RandomLedger, commitment_id: int, need: tuple | None, offer_id: int | None,
              quantity: Decimal, day: date, *, vcse: int = 0) -> int:
    """A confirmed pledge (for a need, a request for an offer, or neither) and its ledger entry; in an app context."""
    c = db.session.get(Commitment, commitment_id)
    vcse = need[1] if need else vcse
    request_id = None
    if offer_id is not None:
        request = OfferRequest(offer_id=offer_id, vcse_id=world.vcses[vcse], supplier_id=c.contract.supplier_id,
                               created_by_id=world.vcse_users[vcse], quantity=quantity, wanted_on=day,
                               status=OfferRequestStatus.ACCEPTED)
        db.session.add(request)
        db.session.flush()
        request_id = request.id
    pledge = Pledge(need_id=need[0] if need else None, offer_request_id=request_id, vcse_id=world.vcses[vcse],
                    commitment_id=c.id, supplier_id=c.contract.supplier_id, created_by_id=world.supplier_users[0],
                    quantity=quantity, proposed_on=day, status=PledgeStatus.CONFIRMED, delivered_quantity=quantity,
                    delivered_on=day, confirmed_quantity=quantity, story="Private story", confirmed_at=utcnow())
    db.session.add(pledge)
    db.session.flush()
    proxy = c.measure.proxy_on(day)
    pence = proxy.pence_per_unit if proxy else None
    row = LedgerEntry(pledge_id=pledge.id, commitment_id=c.id, contract_id=c.contract_id, need_id=pledge.need_id,
                      measure_id=c.measure_id, vcse_id=world.vcses[vcse], supplier_id=c.contract.supplier_id,
                      quantity=quantity, proxy_value_id=proxy.id if proxy else None, pence_per_unit=pence,
                      value_pence=value_in_pence(quantity, pence), delivered_on=day,
                      confirmed_by_id=world.vcse_users[vcse], story="Private story")
    db.session.add(row)
    db.session.flush()
    return row.id


def add_reversal(world: RandomLedger, original_id: int) -> int:
    """A reversing entry for an entry; in an app context."""
    original = db.session.get(LedgerEntry, original_id)
    row = LedgerEntry(
        pledge_id=original.pledge_id, commitment_id=original.commitment_id, contract_id=original.contract_id,
        need_id=original.need_id, measure_id=original.measure_id, vcse_id=original.vcse_id,
        supplier_id=original.supplier_id, quantity=-original.quantity, proxy_value_id=original.proxy_value_id,
        pence_per_unit=original.pence_per_unit, value_pence=-original.value_pence,
        delivered_on=original.delivered_on, confirmed_by_id=world.manager, reverses_id=original.id,
        reason="Entered twice")
    db.session.add(row)
    db.session.flush()
    return row.id


def add_entries(app, world: RandomLedger, count: int, *, seed: int) -> None:
    """`count` random deliveries (a quarter of them then reversed) on days around the world's year's boundaries."""
    rng = random.Random(seed * 7919 + len(world.entries))
    days = boundary_days(world.year)

    def any_day() -> date:
        if rng.random() < 0.5:
            return rng.choice(days)
        return date(world.year - 1, 1, 1) + timedelta(days=rng.randrange(365 * 3))

    made = []
    with app.app_context():
        for _ in range(count):
            roll, quantity = rng.random(), Decimal(rng.choice(("1", "2.5", "3", "4.25", "6")))
            c = world.commitments
            if roll < 0.6:
                made.append(add_entry(world, c[rng.choice((0, 3))], rng.choice(world.needs), None, quantity, any_day()))
            elif roll < 0.8:
                made.append(add_entry(world, c[0], None, world.offers[0], quantity, any_day(), vcse=rng.randrange(2)))
            elif roll < 0.9:
                made.append(add_entry(world, c[4], None, world.offers[1], quantity, any_day(), vcse=rng.randrange(2)))
            else:
                made.append(add_entry(world, c[rng.choice((1, 2, 5))], rng.choice(world.needs), None, quantity,
                                      any_day()))
        for original_id in rng.sample(made, len(made) // 4):
            add_reversal(world, original_id)
        db.session.commit()
        db.session.remove()
    world.entries.extend(made)


@dataclass
class Sums:
    """Pence, deliveries (net of reversals) and units."""

    pence: int = 0
    deliveries: int = 0
    units: Decimal = Decimal(0)

    def add(self, entry: dict) -> None:
        """Add one ledger row."""
        self.pence += entry["value_pence"]
        self.deliveries += -1 if entry["reverses_id"] is not None else 1
        self.units += Decimal(str(entry["quantity"]))


class Oracle:
    """Every report figure worked out again from the raw tables, in Python."""

    def __init__(self, app, council: int):
        with app.app_context():
            def rows(sql: str) -> list[dict]:
                return [dict(r._mapping) for r in db.session.execute(text(sql))]
            contracts = {r["id"] for r in rows(f"SELECT id FROM contracts WHERE buyer_id = {council}")}
            self.entries = [e for e in rows("SELECT * FROM ledger_entries") if e["contract_id"] in contracts]
            for e in self.entries:
                e["delivered_on"] = date.fromisoformat(str(e["delivered_on"]))
            self.names = {
                "area": {r["id"]: r["name"] for r in rows("SELECT id, name FROM areas")},
                "theme": {r["id"]: r["name"] for r in rows("SELECT id, name FROM themes")},
            }
            self.measures = {r["id"]: r for r in rows("SELECT id, code, name, unit FROM measures")}
            self.proxies = {r["id"]: r for r in rows("SELECT id, effective_from, source_note FROM proxy_values")}
            need_area = {r["id"]: r["area_id"] for r in rows("SELECT id, area_id FROM needs")}
            self.need_quantity = {r["id"]: Decimal(str(r["quantity"])) for r in rows("SELECT id, quantity FROM needs")}
            need_themes = defaultdict(set)
            for r in rows("SELECT need_id, theme_id FROM need_themes"):
                need_themes[r["need_id"]].add(r["theme_id"])
            offer_of_pledge = {r["id"]: r["offer_id"] for r in rows(
                "SELECT p.id, r.offer_id FROM pledges p JOIN offer_requests r ON r.id = p.offer_request_id")}
            offer_links = {"area": defaultdict(set), "theme": defaultdict(set)}
            for r in rows("SELECT offer_id, area_id FROM offer_areas"):
                offer_links["area"][r["offer_id"]].add(r["area_id"])
            for r in rows("SELECT offer_id, theme_id FROM offer_themes"):
                offer_links["theme"][r["offer_id"]].add(r["theme_id"])
            db.session.remove()
        self.links = {"area": {}, "theme": {}}
        for e in self.entries:
            offer = offer_of_pledge.get(e["pledge_id"])
            for key in ("area", "theme"):
                found = set(offer_links[key][offer]) if offer else set()
                if e["need_id"] is not None:
                    found |= {need_area[e["need_id"]]} if key == "area" else need_themes[e["need_id"]]
                self.links[key][e["id"]] = found

    def within(self, start: date | None = None, end: date | None = None) -> list[dict]:
        """The council's entries delivered in a period (or ever)."""
        return [e for e in self.entries if (start is None or e["delivered_on"] >= start)
                and (end is None or e["delivered_on"] <= end)]

    def total(self, start=None, end=None) -> Sums:
        """Pence, deliveries and units in a period."""
        sums = Sums()
        for e in self.within(start, end):
            sums.add(e)
        return sums

    def by(self, key: str, start=None, end=None) -> tuple[dict[str, Sums], Sums]:
        """Sums per area or theme name (overlapping), and the sums of entries under none."""
        found, none = defaultdict(Sums), Sums()
        for e in self.within(start, end):
            links = self.links[key][e["id"]]
            for link in links:
                found[self.names[key][link]].add(e)
            if not links:
                none.add(e)
        return dict(found), none

    def by_measure(self, start=None, end=None) -> dict[str, Sums]:
        """Sums per measure name."""
        found = defaultdict(Sums)
        for e in self.within(start, end):
            found[self.measures[e["measure_id"]]["name"]].add(e)
        return dict(found)

    def by_month(self, start, end) -> dict[date, Sums]:
        """Sums per month of delivery."""
        found = defaultdict(Sums)
        for e in self.within(start, end):
            found[e["delivered_on"].replace(day=1)].add(e)
        return dict(found)

    def needs_met(self, start=None, end=None) -> int:
        """Needs whose net confirmed quantity covers what they asked, by their latest delivery that still counts."""
        reversed_ids = {e["reverses_id"] for e in self.entries if e["reverses_id"] is not None}
        net, last = defaultdict(Decimal), {}
        for e in self.entries:
            if e["need_id"] is None:
                continue
            net[e["need_id"]] += Decimal(str(e["quantity"]))
            if e["reverses_id"] is None and e["id"] not in reversed_ids:
                last[e["need_id"]] = max(last.get(e["need_id"], date.min), e["delivered_on"])
        return sum(1 for need, quantity in net.items() if quantity >= self.need_quantity[need]
                   and (start is None or last[need] >= start) and (end is None or last[need] <= end))

    def proxies_used(self, start=None, end=None) -> dict[tuple, Sums]:
        """Sums per (measure code, pence per unit, in force from, source)."""
        found = defaultdict(Sums)
        for e in self.within(start, end):
            proxy = self.proxies.get(e["proxy_value_id"])
            since = date.fromisoformat(str(proxy["effective_from"])) if proxy else None
            found[(self.measures[e["measure_id"]]["code"], e["pence_per_unit"], since,
                   proxy["source_note"] if proxy else "")].add(e)
        return dict(found)


class _Tables(HTMLParser):
    """Each table's caption and its body rows' cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._in, self._text, self._row, self._head = None, [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self._head = True
        elif tag == "table":
            self.tables.append(("", []))
        elif tag == "caption" or (tag in ("th", "td") and self._row is not None):
            self._in, self._text = tag, []
        elif tag == "tr":
            self._row = []
        elif self._in:  # a tag inside a cell or caption (a line break, a note) separates words
            self._text.append(" ")

    def handle_endtag(self, tag):
        if tag == "thead":
            self._head = False
        elif tag == "caption" and self._in == "caption":
            self.tables[-1] = (" ".join("".join(self._text).split()), self.tables[-1][1])
            self._in = None
        elif tag in ("th", "td") and self._in == tag:
            self._row.append(" ".join("".join(self._text).split()))
            self._in = None
        elif tag == "tr" and self._row is not None:
            if self.tables and self._row and not self._head:
                self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in:
            self._text.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    """A page's tables by caption (the first words up to any overlap note), each a list of rows of cell texts."""
    parser = _Tables()
    parser.feed(html)
    return {caption.split(" These rows overlap")[0]: rows for caption, rows in parser.tables}
