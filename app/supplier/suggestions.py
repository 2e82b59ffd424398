"""Supplier pages for suggestions: "Suggested for you", and saying a suggested need is not for you."""
from flask import render_template, url_for
from flask_login import current_user

from app.queries.needs import need_with_details
from app.queries.suggestions import supplier_suggestions
from app.services import suggestions as service
from app.supplier import bp
from app.supplier.forms import DismissSuggestionForm
from app.web.answers import carry_out, found
from app.web.request import page_arg

# Each suggestion is a card with its reasons: ten make a page that can be read, not skimmed past.
SUGGESTIONS_PER_PAGE = 10


@bp.get("/suggestions")
def suggestions():
    """Open needs that would close the gaps in your commitments, best first, each with its reasons."""
    return render_template("supplier/suggestions.html", pagination=supplier_suggestions(
        current_user.organisation_id, page_arg(), SUGGESTIONS_PER_PAGE))


@bp.route("/suggestions/<int:need_id>/dismiss", methods=["GET", "POST"])
def dismiss_suggestion(need_id: int):
    """Say a suggested need is not for your organisation, so it is not suggested again."""
    need = need_with_details(need_id)
    found(need, need is not None and need.status.is_public)
    form = DismissSuggestionForm()
    return carry_out(lambda: service.dismiss(current_user, need_id, form.reason.data), form=form,
                     then=url_for(".suggestions"), done=f"We will not suggest “{need.title}” to you again.",
                     page=lambda f: render_template("supplier/dismiss_suggestion.html", need=need, form=f))
