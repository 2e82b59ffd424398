"""Correcting the ledger: reversing a wrong entry, with a reason."""
from flask import render_template, url_for
from flask_login import current_user

from app.contracts import bp
from app.contracts.forms import ReverseEntryForm
from app.queries.contracts import council_ledger_entry
from app.services import ledger
from app.web.answers import carry_out, found


@bp.route("/ledger/<int:entry_id>/reverse", methods=["GET", "POST"])
def reverse_entry(entry_id: int):
    """Correct a wrong ledger entry by reversing it, with a reason; an entry can be reversed once."""
    entry = found(council_ledger_entry(entry_id, current_user.organisation_id))
    form = ReverseEntryForm()
    return carry_out(lambda: ledger.reverse_entry(entry_id, current_user, reason=form.reason.data), form=form,
                     done="The entry has been reversed. The contract's totals no longer count it.",
                     then=url_for(".contract", contract_id=entry.contract.id),
                     page=lambda f: render_template("contracts/reverse_entry.html", form=f, found=entry))
