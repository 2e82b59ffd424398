"""Server-rendered SVG charts: the geometry here, the markup in templates/macros/charts.html (no JavaScript)."""
from dataclasses import dataclass, field

from app.formatting import whole_pounds

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 88, 36, 16, 40  # room for the axis labels


@dataclass
class Line:
    """One series as an SVG polyline, with its name for the key; dashed lines differ by more than colour."""

    name: str
    points: str
    dashed: bool = False


@dataclass
class LineChart:
    """A line chart's drawing: lines, axis ticks and the frame."""

    title: str
    description: str
    lines: list[Line]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: int = HEIGHT - BOTTOM
    right_x: int = WIDTH - RIGHT


def _nice_top(value: int) -> int:
    """A round number at or above value, for the top of the y axis (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 100
    step = 1
    while step * 10 <= value:
        step *= 10
    for multiple in (1, 2, 5, 10):
        if step * multiple >= value:
            return step * multiple
    return step * 10


def pounds_line_chart(title: str, description: str, labels: list[str],
                      series: list[tuple[str, list[int | None], bool]]) -> LineChart:
    """A chart of pence series over labelled steps (months); None values are left off the line."""
    top = _nice_top(max([v for _, values, _ in series for v in values if v is not None] + [0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    steps = max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + plot_w * i / steps, 1)

    def y(pence: int) -> float:
        return round(TOP + plot_h * (1 - pence / top), 1)

    lines = [Line(name, " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(values) if v is not None), dashed)
             for name, values, dashed in series]
    every = max(1, len(labels) // 6)
    x_ticks = [(x(i), label) for i, label in enumerate(labels) if i % every == 0]
    y_ticks = [(y(top * k // 4), whole_pounds(top * k // 4)) for k in range(5)]
    return LineChart(title, description, lines, x_ticks, y_ticks)


@dataclass
class Bar:
    """One bar of a horizontal bar chart."""

    label: str
    value: int
    width: float
    y: float


@dataclass
class BarChart:
    """A horizontal bar chart of pence by category, with the labels inside the drawing."""

    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    width: int = WIDTH
    height: int = 0
    label_width: int = 0


BAR_HEIGHT, BAR_GAP = 22, 10


def pounds_bar_chart(title: str, description: str, rows: list[tuple[str, int]]) -> BarChart:
    """Bars for (label, pence) rows, longest first as given; negative totals draw as empty bars."""
    top = max([value for _, value in rows] + [1])
    label_width = 200
    plot_w = WIDTH - label_width - 110
    bars = [Bar(label, value, round(plot_w * max(value, 0) / top, 1), i * (BAR_HEIGHT + BAR_GAP))
            for i, (label, value) in enumerate(rows)]
    return BarChart(title, description, bars, WIDTH, len(rows) * (BAR_HEIGHT + BAR_GAP), label_width)
