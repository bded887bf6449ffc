"""The policy matrix and the timeline: check the cells and labels drawn, not only the file."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

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


def test_timeline_is_on_a_true_time_axis_with_a_key_and_no_overlaps(dataset):
    import matplotlib.dates as mdates

    from graph.history import timeline

    drawing = draw_timeline(dataset)
    assert drawing.labels["US permission for counter-fire into Russia near Kharkiv"] == "reversed"
    assert drawing.labels["Blinken hints US policy may change"] == "statement: hint"
    rows = list(timeline(dataset))
    assert len(drawing.positions) == len(rows) >= 20
    for row in rows:  # each item at its date, a month at its first day
        text = str(row["date"])
        day = date.fromisoformat(text if len(text) == 10 else text + "-01")
        assert drawing.positions[str(row["item"])][0] == mdates.date2num(day)
    figure = drawing.ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    ticks = [t.get_text() for t in drawing.ax.get_xticklabels() if t.get_text()]
    assert len(ticks) >= 4 and all(a != b for a, b in pairwise(ticks))  # no date twice in a row
    assert len({mdates.num2date(x).date() for x in drawing.ax.get_xticks()}) == len(drawing.ax.get_xticks())
    numbers = [a.get_window_extent(renderer) for a in drawing.label_artists.values()]
    assert not [(a, b) for i, a in enumerate(numbers) for b in numbers[i + 1 :] if a.overlaps(b)]
    key = next(t.get_text() for t in drawing.ax.texts if t.get_text().startswith(" 1  "))
    flat = " ".join(key.split())
    assert all(" ".join(str(r["label"]).split()) in flat for r in rows)
    # kinds by shape, confidence by fill on a shape no kind uses: no legend entry shares a marker
    markers = [h.get_marker() for h in drawing.ax.get_legend().legend_handles]
    kinds = markers[:-3]
    assert len(set(kinds)) == len(kinds) and not set(markers[-3:]) & set(kinds)


def test_charts_save_as_png_and_svg(dataset, tmp_path):
    save(draw_timeline(dataset), str(tmp_path / "t.svg"))
    svg = (tmp_path / "t.svg").read_text()
    assert "Sullivan on counter-fire" in svg and "<text" in svg
    save(draw_policy_matrix(dataset, day=date(2024, 6, 20), actor=PGR.Ukraine), str(tmp_path / "m.png"))
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
