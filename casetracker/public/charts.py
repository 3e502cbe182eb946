"""Chart geometry for the statistics page, drawn server-side as SVG.

Each function turns figures already aggregated by the database into shapes in SVG user
units; ``templates/public/includes/chart.svg.html`` draws them. Every chart is shown next to
a table of the same figures, so the picture is never the only way to read them.
"""

import math
from dataclasses import dataclass, field

# Dark enough for white text and distinguishable for the common colour-vision deficiencies
# (after Okabe & Ito, darkened for contrast).
PALETTE = ["#1f4e79", "#a33b00", "#2e6b35", "#7a2e6e", "#8a6d00", "#2b6f8a", "#5c5c5c",
           "#9b1c1c"]
INK = "#1b1b1b"
MUTED = "#5a5a5a"
GRID = "#d9d9d9"
BAR = "#1f4e79"


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str = ""


@dataclass
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"
    fill: str = INK
    size: int = 13
    weight: str = "normal"


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID


@dataclass
class Chart:
    width: float
    height: float
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (series name, colour)

    @property
    def empty(self) -> bool:
        return not self.rects


def nice_step(maximum: float, ticks: int = 5) -> float:
    """A round tick interval (1, 2, 5 × 10ⁿ) giving about ``ticks`` gridlines up to ``maximum``."""
    if maximum <= 0:
        return 1
    rough = maximum / ticks
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return max(step, 1)


def horizontal_bars(rows: list[tuple[str, float, str]], *, width: int = 420) -> Chart:
    """One bar per ``(label, value, value as text)``, the label above its bar.

    Labels sit above the bars rather than beside them so that long organisation names need
    no truncation and the chart still reads when scaled down to a phone.
    """
    row_height, bar_height, right_margin = 44, 18, 90
    chart = Chart(width=width, height=row_height * len(rows) + 8)
    maximum = max((value for _label, value, _text in rows), default=0) or 1
    for index, (label, value, text) in enumerate(rows):
        top = index * row_height + 4
        bar_width = (width - right_margin) * value / maximum
        chart.texts.append(Text(0, top + 13, label))
        chart.rects.append(Rect(0, top + 19, max(bar_width, 1), bar_height, BAR,
                                f"{label}: {text}"))
        chart.texts.append(Text(bar_width + 6, top + 33, text, weight="bold"))
    return chart


def stacked_columns(
    categories: list[str], series: list[str], values: dict[tuple[str, str], float],
    *, width: int = 480, height: int = 260,
) -> Chart:
    """A column per category, stacked by series; ``values[(category, series)]``."""
    left, bottom, top = 36, 28, 10
    plot_width, plot_height = width - left - 4, height - bottom - top
    totals = [sum(values.get((c, s), 0) for s in series) for c in categories]
    step = nice_step(max(totals, default=0))
    ceiling = step * max(math.ceil(max(totals, default=0) / step), 1)
    colours = {name: PALETTE[index % len(PALETTE)] for index, name in enumerate(series)}
    chart = Chart(width=width, height=height, legend=list(colours.items()))

    def y(value):
        return top + plot_height - plot_height * value / ceiling

    tick = 0
    while tick <= ceiling:
        chart.lines.append(Line(left, y(tick), width - 4, y(tick)))
        chart.texts.append(Text(left - 6, y(tick) + 4, f"{tick:g}", "end", MUTED, 12))
        tick += step
    slot = plot_width / max(len(categories), 1)
    column = min(slot * 0.7, 48)
    # Label every year when they fit, otherwise every second or fifth one.
    every = next(n for n in (1, 2, 5, 10, 20) if slot * n >= 34)
    for index, category in enumerate(categories):
        x = left + slot * index + (slot - column) / 2
        stacked = 0
        for name in series:
            value = values.get((category, name), 0)
            if value:
                chart.rects.append(Rect(x, y(stacked + value), column,
                                        y(stacked) - y(stacked + value), colours[name],
                                        f"{category}, {name}: {value:g}"))
                stacked += value
        if index % every == 0:
            chart.texts.append(Text(x + column / 2, height - 8, category, "middle", MUTED, 12))
    return chart


def heat_map(rows: list[str], columns: list[str], values: dict[tuple[str, str], int],
             *, label_width: int = 190) -> Chart:
    """A grid of ``rows`` × ``columns`` with each cell shaded and labelled by its count."""
    # Wide enough for the longest column heading ("2016", "date unknown") at 11px.
    cell_width = max([40, *(len(column) * 7 + 6 for column in columns)])
    cell_height, header = 26, 22
    chart = Chart(width=label_width + cell_width * len(columns) + 2,
                  height=header + cell_height * len(rows) + 2)
    maximum = max(values.values(), default=0) or 1
    for index, column in enumerate(columns):
        chart.texts.append(Text(label_width + cell_width * (index + 0.5), 15, column, "middle",
                                MUTED, 11))
    for row_index, row in enumerate(rows):
        top = header + row_index * cell_height
        chart.texts.append(Text(0, top + 17, row))
        for index, column in enumerate(columns):
            count = values.get((row, column), 0)
            x = label_width + cell_width * index
            shade = shade_of(count / maximum) if count else "#f4f4f4"
            chart.rects.append(Rect(x + 1, top + 1, cell_width - 2, cell_height - 2, shade,
                                    f"{row}, {column}: {count}"))
            if count:
                chart.texts.append(Text(x + cell_width / 2, top + 17, str(count), "middle",
                                        text_colour_on(shade), 12))
    return chart


def shade_of(fraction: float) -> str:
    """A blue from pale (few) to dark (many)."""
    light, dark = (0xD6, 0xE4, 0xF0), (0x0B, 0x3A, 0x6E)
    fraction = 0.15 + 0.85 * min(max(fraction, 0), 1)
    channels = (round(a + (b - a) * fraction) for a, b in zip(light, dark, strict=True))
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    def linear(channel):
        value = int(channel, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two colours, from 1 to 21."""
    darker, lighter = sorted((luminance(first), luminance(second)))
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better; either way at least 4.5:1 (WCAG AA)."""
    return max(("#000000", "#ffffff"), key=lambda ink: contrast(ink, background))
