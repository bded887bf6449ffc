"""The policy matrix and the timeline: check the cells and labels drawn, not only the file."""

from __future__ import annotations

from datetime import date

import numpy as np

from graph.charts import OUTCOME_COLOURS, default_places, draw_policy_matrix, draw_timeline, matrix_rows
from graph.draw import save
from graph.namespaces import PG, PGR
from graph.policy import Action, PolicyEngine


def test_matrix_cells_are_the_engine_decisions(dataset):
    drawing = draw_policy_matrix(dataset, day=date(2024, 6, 20), actor=PGR.Ukraine)
    cells = drawing.labels
    # the matrix fixes the target type but not the purpose: counter-fire is a condition
    assert cells["United States / M142 HIMARS (multiple rocket launcher) / Kursk Oblast"] == "conditional"
    assert cells["United States / M142 HIMARS (multiple rocket launcher) / Crimea"] == "permitted"
    assert cells["United States / M142 HIMARS (multiple rocket launcher) / Moscow"] == "prohibited"
    assert (
        cells["United States / MGM-140 ATACMS (tactical ballistic missile) / Belgorod Oblast"] == "prohibited"
    )
    assert cells["Germany / PzH 2000 (self-propelled howitzer) / Kursk Oblast"] == "not permitted"
    assert cells["France / any weapon / Belgorod Oblast"] == "not permitted"
    engine = PolicyEngine(dataset)
    for key, outcome in cells.items():
        assert drawing.node_colours[key] == OUTCOME_COLOURS[outcome]
    decision = engine.decide(
        Action(
            actor=PGR.Ukraine,
            weapon=PGR.StormShadow,
            supplier=PGR.UnitedKingdom,
            place=PGR.Crimea,
            target_type=PG.AttackingForces,
            day=date(2024, 6, 20),
        )
    )
    assert (
        cells["United Kingdom / Storm Shadow / SCALP-EG (air-launched cruise missile) / Crimea"]
        == decision.outcome
    )
    rows = sum(
        len(matrix_rows(dataset, g)) for g in (PGR.UnitedStates, PGR.UnitedKingdom, PGR.France, PGR.Germany)
    )
    assert len(cells) == rows * len(default_places(dataset))


def test_matrix_with_a_fixed_place_has_target_types_as_columns(dataset):
    drawing = draw_policy_matrix(dataset, day=date(2024, 6, 5), actor=PGR.Ukraine, place=PGR.BelgorodOblast)
    assert drawing.title == "Who lets Ukraine strike in Belgorod Oblast, as of 2024-06-05"
    assert drawing.labels["United States / GMLRS (guided rocket) / civilian infrastructure"] == "prohibited"
    assert drawing.labels["United States / GMLRS (guided rocket) / massing troops"] == "conditional"
    assert drawing.labels["France / any weapon / launch site"] == "permitted"
    ticks = [t.get_text().replace("\n", " ") for t in drawing.ax.get_xticklabels()]
    assert "massing troops" in ticks and "civilian infrastructure" in ticks


def test_default_places_are_grouped_by_state(dataset):
    places = default_places(dataset)
    assert places.index(PGR.BelgorodOblast) < places.index(PGR.Crimea)  # Russia's places, then Ukraine's
    assert PGR.Chisinau not in places and PGR.Russia not in places


def test_timeline_draws_every_dated_item_without_overlapping_labels(dataset):
    drawing = draw_timeline(dataset)
    assert drawing.labels["US permission for counter-fire into Russia near Kharkiv"] == "reversed"
    assert drawing.labels["Blinken hints US policy may change"] == "statement: hint"
    assert len(drawing.positions) == len(drawing.labels) >= 20
    xs = [x for x, _ in drawing.positions.values()]
    assert sorted(xs) == list(range(len(xs)))  # one column per item
    figure = drawing.ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    boxes = [_rotated_box(a, renderer) for a in drawing.label_artists.values()]
    clashes = [
        (i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes)) if _overlap(boxes[i], boxes[j])
    ]
    assert clashes == []


def test_charts_save_as_png_and_svg(dataset, tmp_path):
    save(draw_timeline(dataset), str(tmp_path / "t.svg"))
    svg = (tmp_path / "t.svg").read_text()
    assert "Sullivan on counter-fire" in svg and "<text" in svg
    save(draw_policy_matrix(dataset, day=date(2024, 6, 20), actor=PGR.Ukraine), str(tmp_path / "m.png"))
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"


def _rotated_box(annotation, renderer):
    """The four corners, in display units, of a rotated text's own rectangle."""
    annotation.set_rotation(0)
    box = annotation.get_window_extent(renderer)
    annotation.set_rotation(55)
    anchor = np.array([box.x0, box.y0])
    corners = np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]]) - anchor
    angle = np.radians(55)
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return corners @ turn.T + anchor


def _overlap(a, b) -> bool:
    """Separating axis test for two convex quadrilaterals."""
    for shape in (a, b):
        for i in range(4):
            edge = shape[(i + 1) % 4] - shape[i]
            axis = np.array([-edge[1], edge[0]])
            pa, pb = a @ axis, b @ axis
            if pa.max() <= pb.min() or pb.max() <= pa.min():
                return False
    return True
