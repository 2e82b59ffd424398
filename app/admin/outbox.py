"""The admin outbox page: queued, sent and failed emails, and sending a failed one again."""
from flask import current_app, render_template, request, url_for

from app.admin import bp
from app.models import OutboxStatus
from app.queries import outbox as queries
from app.services import outbox
from app.web.answers import carry_out
from app.web.guards import signed_in_user
from app.web.request import page_arg

TABS = {OutboxStatus.FAILED: "Failed", OutboxStatus.PENDING: "Queued", OutboxStatus.SENT: "Sent"}


@bp.get("/outbox")
def outbox_page():
    """Emails by status (failed first), each with its attempts and last error."""
    status = next((s for s in TABS if s.value == request.args.get("status")), OutboxStatus.FAILED)
    pagination = queries.outbox_messages(status, page_arg(), current_app.config["PAGE_SIZE"])
    return render_template("admin/outbox.html", pagination=pagination, status=status, tabs=TABS,
                           counts=queries.outbox_counts(), can_retry=outbox.can_retry,
                           show_next_try=status is OutboxStatus.PENDING)


@bp.post("/outbox/<int:message_id>/retry")
def retry_email(message_id: int):
    """Send a failed email again."""
    back = url_for(".outbox_page", status=OutboxStatus.FAILED.value)
    return carry_out(lambda: outbox.retry_email(signed_in_user(), message_id), then=back,
                     done=lambda message: f"The email to {message.to_email} is queued to be sent again.")
