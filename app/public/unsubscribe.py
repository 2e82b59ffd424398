"""One-click unsubscribe from an email's link, with no sign-in (RFC 8058): the signed token is the authority."""
from flask import render_template, request

from app.extensions import csrf
from app.public import bp
from app.services import notifications
from app.services.email_preferences import UnsubscribeLinkProblem


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail clients' one-click POST carries no form token; the link's signed token decides
def unsubscribe(token: str):
    """GET shows what the link turns off and a button; POST (the button, or a mail client) turns it off."""
    try:
        if request.method == "POST":
            return render_template("public/unsubscribed.html", kind=notifications.unsubscribe(token))
        return render_template("public/unsubscribe.html", kind=notifications.unsubscribe_link_target(token))
    except UnsubscribeLinkProblem as problem:
        return render_template("public/unsubscribe_problem.html", message=problem.message), problem.status_code
