"""The home page of tasks."""
from flask import render_template
from flask_login import current_user

from app.home import bp
from app.queries.tasks import age, tasks_for


@bp.get("/home")
def index():
    """What needs your action now, with counts and links, for each of your roles."""
    return render_template("home/index.html", groups=tasks_for(current_user), age=age)
