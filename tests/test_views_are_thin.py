"""Views stay thin: parse the request, call one service, answer. None is longer than 20 lines."""
import inspect

from app import create_app

MAX_VIEW_LINES = 20


def view_sizes(app) -> dict[str, int]:
    """Each view's length in lines, from its `def` to its last line (decorators not counted)."""
    sizes = {}
    for endpoint, view in app.view_functions.items():
        view = inspect.unwrap(view)
        if endpoint == "static" or not view.__module__.startswith("app."):
            continue
        lines, _ = inspect.getsourcelines(view)
        body = [line for line in lines if not line.lstrip().startswith("@")]
        sizes[f"{view.__module__}.{view.__name__}"] = len(body)
    return sizes


def test_no_view_is_longer_than_twenty_lines():
    sizes = view_sizes(create_app("testing"))
    assert len(sizes) > 60, "every blueprint's views were found"
    too_long = {name: n for name, n in sizes.items() if n > MAX_VIEW_LINES}
    assert not too_long, f"views over {MAX_VIEW_LINES} lines: {too_long}"


def test_every_view_has_a_one_line_docstring():
    app = create_app("testing")
    missing = [endpoint for endpoint, view in app.view_functions.items()
               if endpoint != "static" and not (inspect.unwrap(view).__doc__ or "").strip()]
    assert not missing, f"views without a docstring: {missing}"
