"""The admin page for the council's social value policy."""
from flask import current_app, render_template, url_for

from app.admin import bp
from app.admin.forms import PolicyForm
from app.formatting import policy_target
from app.models import PolicyTerms
from app.queries.policy import council_policy, saved_policy
from app.services import policy as service
from app.web.answers import carry_out
from app.web.guards import signed_in_user


@bp.route("/policy", methods=["GET", "POST"])
def policy():
    """See and change the council's social value policy (the defaults from configuration until it is set)."""
    council = signed_in_user().organisation_id
    terms = council_policy(council)
    form = PolicyForm(data={"threshold_pence": terms.threshold_pence, "percent_of_value": terms.percent_of_value,
                            "pounds_per_pound": terms.pounds_per_pound})
    page = lambda f: render_template("admin/policy.html", form=f, saved=saved_policy(council),  # noqa: E731
                                     summary=policy_target(current_app.config["COUNCIL_NAME"], terms))
    return carry_out(lambda: service.set_council_policy(signed_in_user(), PolicyTerms(
        form.threshold_pence.data, form.percent_of_value.data, form.pounds_per_pound.data)),
        form=form, page=page, done="The social value policy has been saved.", then=url_for(".policy"))
