"""Suggestions: the formula and its reasons, ranking, staying current, dismissals, the pages that show them."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Area, Commitment, Contract, Suggestion, Theme
from app.models.suggestion import CommitmentFacts, NeedFacts, behind_points, percent_elapsed, score
from app.queries.suggestions import supplier_suggestions
from app.services import suggestions as service
from app.services.needs import approve_need, close_need
from tests import factories_contracts as contracts
from tests.conftest import csrf_token
from tests.loop_world import user

TODAY = date.today()


def _facts(**changes) -> tuple[NeedFacts, CommitmentFacts]:
    """A need and a commitment that match on measure only, changed as a test says."""
    need = dict(id=1, measure_id=7, area_id=1, theme_ids=frozenset(), needed_by=TODAY + timedelta(days=100))
    commitment = dict(id=2, supplier_id=3, measure_id=7, area_ids=frozenset({9}), theme_ids=frozenset(),
                      due_on=TODAY + timedelta(days=50), delivered_percent=50, elapsed_percent=50, left=Decimal(5))
    for key, value in changes.items():
        (need if key.startswith("need_") else commitment)[key.split("_", 1)[1] if key.startswith("need_") else key] = value
    return NeedFacts(**need), CommitmentFacts(**commitment)


def test_the_measure_alone_scores_30_and_another_measure_is_no_suggestion():
    need, commitment = _facts()
    assert score(need, commitment).total == 30
    need, commitment = _facts(need_measure_id=8)
    assert score(need, commitment) is None


@pytest.mark.parametrize("changes, total", [
    ({"need_area_id": 9}, 56),                       # in an area the commitment serves
    ({"area_ids": frozenset()}, 56),                 # a commitment with no areas serves every area
    ({"need_theme_ids": frozenset({1, 2}), "theme_ids": frozenset({1, 2, 3})}, 40),
    ({"need_theme_ids": frozenset({1, 2, 3, 4}), "theme_ids": frozenset({1, 2, 3, 4})}, 45),  # at most 3 count
    ({"need_needed_by": TODAY + timedelta(days=50)}, 40),   # needed by the due date (the day itself counts)
    ({"delivered_percent": 40, "elapsed_percent": 70}, 36),  # 30 points behind: 6
    ({"delivered_percent": 0, "elapsed_percent": 100}, 50),  # at most 20
    ({"delivered_percent": 80, "elapsed_percent": 70}, 30),  # ahead scores nothing
])
def test_each_term_scores_as_documented(changes, total):
    need, commitment = _facts(**changes)
    assert score(need, commitment).total == total


def test_an_area_match_outranks_themes_and_timing_together():
    near, commitment = _facts(need_area_id=9, need_id=1)
    far, _ = _facts(need_id=2, need_theme_ids=frozenset({1, 2, 3}), need_needed_by=TODAY,
                    theme_ids=frozenset({1, 2, 3}))
    assert score(near, commitment).total > score(far, commitment).total


def test_time_gone_and_behind_points():
    start = TODAY - timedelta(days=70)
    assert percent_elapsed(start, start + timedelta(days=100), TODAY) == 70
    assert percent_elapsed(start, start - timedelta(days=1), TODAY) == 100
    assert behind_points(40, 70) == 6 and behind_points(40, 44) == 0


# A world: one supplier with one commitment, needs placed so their ranking is known.

@pytest.fixture
def world(app, make):
    """A council, a supplier whose commitment serves Castlemere with two themes, and a VCSE."""
    council = make.organisation(kind="buyer")
    manager = make.council_user("contract_manager", organisation_id=council)
    moderator = make.council_user("moderator", organisation_id=council)
    supplier = make.organisation(kind="supplier")
    supplier_user = make.user(supplier)
    vcse = make.organisation(kind="vcse")
    vcse_user = make.user(vcse)
    measure, other_measure = make.measure(), make.measure()
    castlemere, elsewhere = make.area("Castlemere"), make.area("Elsewhere")
    green, health, jobs = make.theme("Green"), make.theme("Health"), make.theme("Jobs")
    # The contract started 140 days ago and the commitment is due in 60 days: 70% of its time has gone.
    contract = contracts.contract(app, supplier, council, manager, starts_on=TODAY - timedelta(days=140))
    commitment = contracts.commitment(app, contract, measure, "100", due_on=TODAY + timedelta(days=60))
    with app.app_context():
        row = db.session.get(Commitment, commitment)
        row.areas = [db.session.get(Area, castlemere)]
        row.themes = [db.session.get(Theme, green), db.session.get(Theme, health)]
        db.session.commit()
    return dict(council=council, manager=manager, moderator=moderator, supplier=supplier,
                supplier_user=supplier_user, vcse=vcse, vcse_user=vcse_user, measure=measure,
                other_measure=other_measure, castlemere=castlemere, elsewhere=elsewhere, green=green, health=health,
                jobs=jobs, contract=contract, commitment=commitment)


def _need(make, w, *, area="castlemere", themes=("jobs",), days=30, measure="measure", status="open", **kwargs):
    """A need of the world's VCSE."""
    return make.need(w["vcse"], measure_id=w[measure], area_id=w[area], theme_ids=[w[t] for t in themes],
                     needed_by=TODAY + timedelta(days=days), status=status, **kwargs)


def _shown(app, supplier: int) -> list:
    """(need id, commitment id, reasons, quantity) as "Suggested for you" lists them, in order."""
    with app.app_context():
        page = supplier_suggestions(supplier, 1, 50)
        return [(view.need.id, view.commitment.id, view.reasons, view.quantity) for view in page.items]


def test_needs_are_ranked_by_the_formula_with_exactly_the_reasons_that_scored(app, make, world):
    # Behind: 70% of the time gone and nothing delivered is 70 points behind, 14 points.
    best = _need(make, world, themes=("green", "health"), days=30, title="Best")        # 30+26+10+10+14 = 90
    near = _need(make, world, themes=("jobs",), days=90, title="Near")                  # 30+26+14 = 70
    far = _need(make, world, area="elsewhere", themes=("green",), days=30, title="Far")  # 30+5+10+14 = 59
    _need(make, world, measure="other_measure", title="Other measure")
    _need(make, world, days=-1, title="Too late")
    with app.app_context():
        service.rebuild_all()
        scores = dict(db.session.execute(select(Suggestion.need_id, Suggestion.score)).all())
    assert scores == {best: 90, near: 70, far: 59}
    shown = _shown(app, world["supplier"])
    assert [row[0] for row in shown] == [best, near, far]
    assert shown[0][2] == [
        "Same measure: " + shown[0][2][0].split(": ", 1)[1],
        "In Castlemere, an area this commitment serves",
        "Shares 2 of its themes",
        f"Needed by {_long(TODAY + timedelta(days=30))}, before the commitment is due on {_long(TODAY + timedelta(days=60))}",
        "This commitment is 0% delivered with 70% of its time gone",
    ]
    assert shown[0][2][0].startswith("Same measure: measure ")
    assert shown[1][2] == [shown[0][2][0], "In Castlemere, an area this commitment serves",
                           "This commitment is 0% delivered with 70% of its time gone"]
    assert shown[2][2] == [shown[0][2][0], "Shares 1 of its themes", shown[0][2][3],
                           "This commitment is 0% delivered with 70% of its time gone"]
    # The quantity offered is the smaller of what the need (10) and the commitment (100) have left.
    assert shown[0][3] == Decimal(10)


def _long(day: date) -> str:
    """A date as the reasons write it."""
    from app.formatting import long_date
    return long_date(day)


def test_a_full_commitment_an_ended_contract_or_a_closed_need_never_appears(app, make, world):
    need = _need(make, world)
    other = _need(make, world, title="Another")
    with app.app_context():
        service.rebuild_all()
    assert {row[0] for row in _shown(app, world["supplier"])} == {need, other}
    with app.app_context():
        close_need(other, user(world["vcse_user"]))
    assert [row[0] for row in _shown(app, world["supplier"])] == [need]   # before any refresh
    contracts.pledge(app, need, world["commitment"], quantity="100", status="accepted")
    assert _shown(app, world["supplier"]) == []                           # the commitment is full
    with app.app_context():
        service.carry_out_refreshes()
        assert db.session.scalars(select(Suggestion)).all() == []


def test_an_ended_contract_takes_its_suggestions_away(app, make, world):
    _need(make, world)
    with app.app_context():
        service.rebuild_all()
        db.session.get(Contract, world["contract"]).ends_on = TODAY - timedelta(days=1)
        db.session.commit()
    assert _shown(app, world["supplier"]) == []


def _rows(app) -> set:
    """Every suggestion row's key and score."""
    with app.app_context():
        return set(db.session.execute(select(Suggestion.commitment_id, Suggestion.need_id, Suggestion.score)).all())


def test_refreshes_after_each_change_give_what_a_full_rebuild_gives(app, make, world):
    pending = _need(make, world, status="pending_review", themes=("green",))
    first = _need(make, world)
    with app.app_context():
        service.rebuild_all()
    with app.app_context():
        approve_need(pending, user(world["moderator"]))
        service.carry_out_refreshes()
    assert (world["commitment"], pending, 30 + 26 + 5 + 10 + 14) in _rows(app)
    contracts.pledge(app, first, world["commitment"], quantity="10", status="accepted")   # fills the need
    second_commitment = contracts.commitment(app, world["contract"], world["measure"], "5")
    with app.app_context():
        assert service.carry_out_refreshes() >= 3
    incremental = _rows(app)
    with app.app_context():
        service.rebuild_all()
    assert incremental == _rows(app)
    assert {need for _c, need, _s in incremental} == {pending}
    assert {c for c, _n, _s in incremental} == {world["commitment"], second_commitment}


def test_each_commitment_keeps_only_its_best_needs(app, make, world, monkeypatch):
    monkeypatch.setattr(service, "KEEP_PER_COMMITMENT", 2)
    low = _need(make, world, area="elsewhere", title="Low")
    mid = _need(make, world, days=90, title="Mid")
    with app.app_context():
        service.rebuild_all()
    high = _need(make, world, themes=("green",), title="High", status="pending_review")
    with app.app_context():
        approve_need(high, user(world["moderator"]))
        service.carry_out_refreshes()
    assert {need for _c, need, _s in _rows(app)} == {high, mid}
    assert low not in {row[0] for row in _shown(app, world["supplier"])}


def test_a_dismissed_need_is_not_suggested_to_that_supplier_again(app, make, world, client, login):
    need = _need(make, world, title="Not for us")
    rival = make.organisation(kind="supplier")
    make.user(rival)
    rival_contract = contracts.contract(app, rival, world["council"], world["manager"])
    contracts.commitment(app, rival_contract, world["measure"], "50")
    with app.app_context():
        service.rebuild_all()
    login(world["supplier_user"])
    page = client.get(f"/supplier/suggestions/{need}/dismiss")
    assert page.status_code == 200 and "Stop suggesting" in page.get_data(as_text=True)
    answer = client.post(f"/supplier/suggestions/{need}/dismiss", data={
        "csrf_token": csrf_token(client, "/supplier/suggestions"), "reason": "Too far from our depot"})
    assert answer.status_code == 303
    assert _shown(app, world["supplier"]) == []
    with app.app_context():
        service.rebuild_all()
    assert _shown(app, world["supplier"]) == []
    assert [row[0] for row in _shown(app, rival)] == [need]      # another supplier still sees it


def test_suggested_for_you_page_links_to_a_prefilled_pledge_form(app, make, world, client, login):
    need = _need(make, world, title="Paint the hall", quantity="12")
    with app.app_context():
        service.rebuild_all()
    login(world["supplier_user"])
    html = client.get("/supplier/suggestions").get_data(as_text=True)
    assert "Paint the hall" in html and "In Castlemere, an area this commitment serves" in html
    link = f"/supplier/needs/{need}/pledge?commitment={world['commitment']}&amp;quantity=12"
    assert link in html
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'value="{world["commitment"]}" checked' in form
    assert re.search(r'<input[^>]*name="quantity"[^>]*value="12"', form)


def test_a_supplier_sees_its_commitments_that_fit_on_a_need_page(app, make, world, client, login):
    need = _need(make, world, themes=("health",))
    login(world["supplier_user"])
    html = client.get(f"/needs/{need}").get_data(as_text=True)
    assert "Your commitments that fit" in html
    assert "Shares 1 of its themes" in html and "In Castlemere, an area this commitment serves" in html
    other_supplier = make.user(kind="supplier")
    login(other_supplier)
    assert "Your commitments that fit" not in client.get(f"/needs/{need}").get_data(as_text=True)


def test_suggestions_page_query_count_does_not_grow_with_rows(app, make, world, client, login, count_queries):
    for _ in range(2):
        _need(make, world)
    with app.app_context():
        service.rebuild_all()
    login(world["supplier_user"])

    def queries() -> int:
        with count_queries() as counter:
            assert client.get("/supplier/suggestions").status_code == 200
        return counter["n"]
    few = queries()
    for _ in range(12):
        _need(make, world, area="elsewhere")
    with app.app_context():
        service.rebuild_all()
    assert queries() == few


def test_rebuild_command(app, make, world, runner):
    _need(make, world)
    result = runner.invoke(args=["suggestions", "rebuild"])
    assert result.exit_code == 0 and "Rebuilt 1 suggestions." in result.output


def test_a_contract_manager_sees_needs_for_each_gap_and_sends_them_once_a_week(app, make, world, client, login,
                                                                               outbox):
    need = _need(make, world, title="Paint the youth club")
    with app.app_context():
        service.rebuild_all()
    login(world["manager"])
    page = client.get(f"/contracts/{world['contract']}").get_data(as_text=True)
    assert "Open needs that could close the gaps" in page and "Paint the youth club" in page
    token = csrf_token(client, f"/contracts/{world['contract']}")
    sent = client.post(f"/contracts/commitments/{world['commitment']}/send-suggestions", data={"csrf_token": token})
    assert sent.status_code == 303
    emails = [e for e in outbox() if "Open needs that could meet your commitment" in e[1]]
    assert len(emails) == 1 and f"/needs/{need}" in emails[0][2]
    with app.app_context():
        from app.models import AuditEvent
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "commitment.suggestions_sent")).all()
        assert [(e.object_id, e.data["need_ids"]) for e in events] == [(world["commitment"], [need])]
    again = client.post(f"/contracts/commitments/{world['commitment']}/send-suggestions", data={"csrf_token": token},
                        follow_redirects=True)
    assert "You can send them again from" in again.get_data(as_text=True)
    assert len([e for e in outbox() if "Open needs that could meet your commitment" in e[1]]) == 1
    other_manager = make.council_user("contract_manager")
    login(other_manager)
    refused = client.post(f"/contracts/commitments/{world['commitment']}/send-suggestions",
                          data={"csrf_token": csrf_token(client, "/contracts/")})
    assert refused.status_code == 404


def test_the_quick_scan_keeps_exactly_the_needs_a_full_scoring_would():
    """The rebuild stops scanning early; on random data it must keep the same best needs as scoring every one."""
    import heapq
    import random

    from app.models.suggestion import rank

    rng = random.Random(9)
    needs = [NeedFacts(i, rng.choice([1, 2]), rng.choice([1, 2, 3, 4]), frozenset(rng.sample(range(5), rng.choice([1, 2]))),
                       TODAY + timedelta(days=rng.randint(1, 200))) for i in range(1, 1500)]
    index = service._NeedIndex(needs)
    dismissed = {(7, n.id) for n in needs[::50]}
    for c in range(120):
        commitment = CommitmentFacts(c, 7, rng.choice([1, 2]), frozenset(rng.sample(range(1, 5), rng.choice([0, 1, 2]))),
                                     frozenset(rng.sample(range(5), rng.choice([1, 2, 3]))),
                                     TODAY + timedelta(days=rng.randint(1, 200)), rng.randint(0, 100),
                                     rng.randint(0, 100), Decimal(5))
        scored = [(n, score(n, commitment)) for n in needs if (7, n.id) not in dismissed]
        expected = heapq.nlargest(service.KEEP_PER_COMMITMENT, [p for p in scored if p[1] is not None],
                                  key=lambda pair: rank(*pair))
        assert [n.id for n, _t in index.best_for(commitment, dismissed)] == [n.id for n, _t in expected]


def test_a_commitment_held_by_waiting_offer_requests_is_not_suggested(app, make, world):
    from tests import factories_offers as offers

    _need(make, world)
    small = contracts.commitment(app, world["contract"], world["measure"], "4")
    offer = offers.offer(app, small, quantity="4", most_per_request="4", area_ids=[world["castlemere"]],
                         theme_ids=[world["green"]])
    with app.app_context():
        service.rebuild_all()
    assert small in {row[1] for row in _all_shown(app, world["supplier"])}
    offers.request(app, offer, world["vcse_user"], "4")       # waiting for an answer: holds all 4
    assert small not in {row[1] for row in _all_shown(app, world["supplier"])}
    with app.app_context():
        service.carry_out_refreshes()
        assert not db.session.scalars(select(Suggestion).where(Suggestion.commitment_id == small)).all()


def _all_shown(app, supplier: int) -> list:
    """(need, commitment) of every suggestion row a supplier could be shown, whichever commitment ranks best."""
    from app.queries.suggestions import commitment_suggestions
    with app.app_context():
        contract_ids = db.session.scalars(select(Contract.id).where(Contract.supplier_id == supplier)).all()
        return [(view.need.id, view.commitment.id) for cid in contract_ids
                for views in commitment_suggestions(cid, keep=50).values() for view in views]
