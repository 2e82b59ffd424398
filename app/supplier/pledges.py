"""Supplier pages for pledges: "Your pledges", pledging to a need, and each step of a pledge after that."""
from flask import current_app, render_template, request, url_for
from flask_login import current_user

from app.errors import Conflict
from app.formatting import long_date, with_unit
from app.queries import pledges as queries
from app.queries.needs import need_with_details
from app.services import evidence, pledges as service
from app.supplier import bp
from app.supplier.forms import CancelPledgeForm, DeliveredForm, PledgeForm
from app.web.answers import carry_out, found, refuse_move
from app.web.request import id_arg, page_arg, takes_files


@bp.get("/pledges")
def pledges():
    """Your organisation's pledges, newest first, with what happens next."""
    return render_template("supplier/pledges.html", pagination=queries.supplier_pledges(
        current_user.organisation_id, page_arg(), current_app.config["PAGE_SIZE"]))


def _pledge_form(choices) -> PledgeForm:
    """The pledge form offering only the commitments this supplier may draw on for the need."""
    form = PledgeForm()
    form.commitment_id.choices = [(row.commitment.id, f"{row.commitment.contract.reference}: {row.commitment.contract.title}")
                                  for row in choices]
    if request.method == "GET":
        _prefill(form, {row.commitment.id for row in choices})
    return form


def _prefill(form: PledgeForm, commitment_ids: set[int]) -> None:
    """Fill in the commitment and quantity a suggestion's "Pledge" link carries, when they make sense."""
    commitment_id = id_arg("commitment")
    if commitment_id in commitment_ids:
        form.commitment_id.data = commitment_id
    try:
        form.quantity.process_formdata([request.args.get("quantity", "")])
    except ValueError:
        form.quantity.data = None


def _commitment_hints(choices) -> list[dict]:
    """A hint under each commitment: what is left of it and when it is due."""
    return [{"hint": {"text": f"{with_unit(row.left, row.commitment.measure.unit)} left, due by "
                              f"{long_date(row.commitment.due_on)}"}} for row in choices]


def _open_need(need_id: int):
    """A public need that still takes pledges: 404 if not public, 409 if it has stopped taking them."""
    need = need_with_details(need_id)
    found(need, need is not None and need.status.is_public)
    if not need.allows("pledge"):
        raise Conflict(service.NEED_NOT_OPEN)
    return need


@bp.route("/needs/<int:need_id>/pledge", methods=["GET", "POST"])
def new_pledge(need_id: int):
    """Pledge part of one of your contracts' commitments to an open need."""
    need = _open_need(need_id)
    choices = queries.eligible_commitments(current_user.organisation_id, need)
    form = _pledge_form(choices)
    not_started = [] if choices else queries.contracts_not_started(current_user.organisation_id, need)
    return carry_out(
        lambda: service.make_pledge(current_user, need_id=need_id, commitment_id=form.commitment_id.data,
                                    quantity=form.quantity.data, message=form.message.data,
                                    proposed_on=form.proposed_on.data),
        form=form, then=lambda pledge: url_for(".pledge", pledge_id=pledge.id),
        done=f"Your pledge has been sent to {need.organisation.name}. We will email you when they reply.",
        page=lambda f: render_template("supplier/pledge_form.html", need=need, form=f, choices=choices,
                                       hints=_commitment_hints(choices), remaining=queries.need_remaining(need),
                                       not_started=not_started))


def _own_pledge(pledge_id: int):
    """A pledge of the user's organisation, or 404 whoever else's it is."""
    pledge = queries.pledge_detail(pledge_id)
    return found(pledge, pledge is not None and pledge.supplier_id == current_user.organisation_id)


def _pledge_page(pledge_id: int, cancel_form: CancelPledgeForm | None = None) -> str:
    """One pledge with the actions allowed now, keeping a submitted form's errors."""
    pledge = _own_pledge(pledge_id)
    return render_template("supplier/pledge.html", pledge=pledge, entries=pledge.ledger_entries,
                           cancel_form=cancel_form or CancelPledgeForm(formdata=None, prefix="cancel"),
                           form=cancel_form)


@bp.get("/pledges/<int:pledge_id>")
def pledge(pledge_id: int):
    """One of your pledges: where it stands, what was said, and what you can do now."""
    return _pledge_page(pledge_id)


@bp.post("/pledges/<int:pledge_id>/withdraw")
def withdraw_pledge(pledge_id: int):
    """Withdraw a pledge the group has not answered yet."""
    return carry_out(lambda: service.withdraw_pledge(pledge_id, current_user),
                     done="You have withdrawn your pledge. The group has been emailed.",
                     then=url_for(".pledge", pledge_id=pledge_id))


@bp.post("/pledges/<int:pledge_id>/cancel")
def cancel_pledge(pledge_id: int):
    """Cancel an accepted pledge, with a reason for the group."""
    form = CancelPledgeForm(prefix="cancel")
    return carry_out(lambda: service.cancel_pledge(pledge_id, current_user, reason=form.reason.data), form=form,
                     done="You have cancelled your pledge. The group has been emailed your reason.",
                     then=url_for(".pledge", pledge_id=pledge_id), page=lambda f: _pledge_page(pledge_id, f))


@bp.route("/pledges/<int:pledge_id>/delivered", methods=["GET", "POST"])
@takes_files
def deliver_pledge(pledge_id: int):
    """Say what you delivered, when, and what was done, with any evidence files, for the group to confirm."""
    pledge, back = _own_pledge(pledge_id), url_for(".pledge", pledge_id=pledge_id)
    form = DeliveredForm(data={"quantity": pledge.quantity})
    return refuse_move(pledge, "deliver", back, "Only an accepted pledge can be marked as delivered. "
                       f"This one is {pledge.status.label.lower()}.") or carry_out(
        lambda: service.mark_delivered(pledge_id, current_user, quantity=form.quantity.data,
                                       delivered_on=form.delivered_on.data, note=form.note.data,
                                       files=evidence.uploads(form.files.data)),
        form=form, then=back, page=lambda f: render_template("supplier/deliver.html", pledge=pledge, form=f),
        done=f"Marked as delivered. {pledge.vcse.name} has been asked to confirm it.")
