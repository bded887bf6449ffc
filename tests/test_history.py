"""Travel in time: the state on a day, the changes between two days, the timeline."""

from __future__ import annotations

from datetime import date

import pytest

from graph.history import by_grantor, diff, state, timeline
from graph.results import short


def _labels(rows, grantor=None):
    return {str(r["ruleLabel"]) for r in rows if grantor is None or short(r["grantor"]) == grantor}


def test_state_on_the_seed_day(dataset):
    rows = state(dataset, date(2024, 5, 30))
    us = _labels(rows, ":UnitedStates")
    assert "counter-fire across the border from Kharkiv Oblast" in us
    assert "no strikes inside Russia" not in us  # revoked that day
    assert "use on Ukrainian territory" in us  # the 2022 permission stays
    assert "no strikes on Moscow" not in us  # not yet
    assert _labels(rows, ":Germany") == set()  # Germany decided the next day
    assert _labels(rows, ":France") == {"neutralise launch sites in Russia", "no civilian targets in Russia"}


def test_state_before_the_reversal(dataset):
    us = _labels(state(dataset, date(2024, 5, 29)), ":UnitedStates")
    assert "no strikes inside Russia" in us and "counter-fire across the border from Kharkiv Oblast" not in us


def test_state_cites_the_sources(dataset):
    rows = [r for r in state(dataset, date(2024, 6, 20)) if str(r["ruleLabel"]) == "no strikes on Moscow"]
    assert [str(r["sources"]) for r in rows] == [
        "Biden: US weapons are not for strikes on Moscow or the Kremlin"
    ]
    assert str(rows[0]["since"]) == "2024-06-06"


def test_state_before_anything(dataset):
    assert len(state(dataset, date(2021, 1, 1))) == 0


def test_diff_names_each_kind_of_change(dataset):
    rows = diff(dataset, date(2024, 5, 1), date(2024, 6, 30))
    changes = {
        (short(r["grantor"]), str(r["change"]), str(r["policyLabel"]), str(r["aboutLabel"] or ""))
        for r in rows
    }
    assert (
        ":UnitedStates",
        "granted",
        "US permission for counter-fire into Russia near Kharkiv",
        "",
    ) in changes
    assert (
        ":UnitedStates",
        "revoked",
        "US permission for counter-fire into Russia near Kharkiv",
        "no strikes inside Russia",
    ) in changes
    assert (
        ":UnitedStates",
        "narrowed",
        "US: no strikes on Moscow or the Kremlin",
        "US permission for counter-fire into Russia near Kharkiv",
    ) in changes
    assert (
        ":UnitedStates",
        "extended",
        "US permission for counter-fire along the whole border",
        "US permission for counter-fire into Russia near Kharkiv",
    ) in changes
    assert (
        ":UnitedKingdom",
        "extended",
        "UK: British weapons may be used inside Russia in self-defence",
        "UK terms for Storm Shadow: Ukrainian territory only",
    ) in changes
    assert (
        ":UnitedKingdom",
        "unchanged restriction",
        "UK terms for Storm Shadow: Ukrainian territory only",
        "no Storm Shadow strikes on Russia",
    ) in changes
    assert (
        ":Germany",
        "granted",
        "Germany: strikes on positions across the border from Kharkiv",
        "",
    ) in changes
    unchanged = {c[3] for c in changes if c[1] == "unchanged restriction"}
    assert "no strikes inside Russia" not in unchanged  # revoked inside the window
    assert all(str(r["sources"]) for r in rows)


def test_diff_of_a_quiet_window_has_no_new_decisions(dataset):
    rows = diff(dataset, date(2023, 1, 1), date(2023, 4, 30))
    assert {str(r["change"]) for r in rows} == {"unchanged restriction"}
    with pytest.raises(ValueError, match="before the start"):
        diff(dataset, date(2024, 6, 1), date(2024, 5, 1))


def test_timeline_orders_decisions_per_grantor(dataset):
    grouped = by_grantor(timeline(dataset))
    us = grouped[next(g for g in grouped if short(g) == ":UnitedStates")]
    dates = [str(r["date"]) for r in us]
    assert dates == sorted(dates) and dates[0] == "2022-05-31" and dates[-1] == "2024-06-20"
    kinds = {str(r["label"]): str(r["change"]) for r in us}
    assert kinds["US permission for counter-fire into Russia near Kharkiv"] == "reversed"
    assert kinds["US: no strikes on Moscow or the Kremlin"] == "narrowed"
    assert kinds["US permission for counter-fire along the whole border"] == "extended"
    assert kinds["Blinken hints US policy may change"] == "statement: hint"
    seed = next(r for r in us if str(r["label"]) == "US permission for counter-fire into Russia near Kharkiv")
    assert (str(seed["confidence"]), int(seed["sources"])) == (
        "high",
        3,
    )  # Blinken on record lifts it to high
    assert {short(g) for g in grouped} == {":UnitedStates", ":UnitedKingdom", ":France", ":Germany"}
