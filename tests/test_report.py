"""The briefing: its content matches the graph, it writes all or nothing, and it renders in Chromium."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from conftest import assert_not_blank, offline_context

from graph.build import competency_answers
from graph.history import diff, state
from graph.report import Report, Section, make_report, write_report
from graph.reported import reported_by, unreported_sources

DAY = date(2024, 6, 5)


@pytest.fixture(scope="module")
def briefing(dataset):
    return make_report(dataset, day=DAY)


@pytest.fixture(scope="module")
def reported(dataset):
    """The graph as reported by the briefing's day: what the briefing may use."""
    return reported_by(dataset, DAY)


def _section(briefing, start):
    found = [s for s in briefing.sections if s.title.startswith(start)]
    assert len(found) == 1, [s.title for s in briefing.sections]
    return found[0]


def test_the_rules_in_force_are_those_of_the_day(briefing, reported):
    tables = _section(briefing, "Rules in force").tables
    shown = sorted(row[2] for _, _, rows in tables for row in rows)
    assert shown == sorted(str(r["ruleLabel"]) for r in state(reported, DAY)) and shown
    assert "no strikes inside Russia" not in shown  # revoked before the day
    assert {caption for caption, _, _ in tables} >= {"United States", "United Kingdom", "France", "Germany"}


def test_the_changes_cover_the_thirty_days_before(briefing, reported):
    assert briefing.since == date(2024, 5, 6)
    rows = _section(briefing, "What changed").tables[0][2]
    assert len(rows) == len(diff(reported, date(2024, 5, 6), DAY)) > 0
    changed = [row for row in rows if row[2] != "unchanged restriction"]  # those keep their first date
    assert changed and all("2024-05-06" < row[0] <= "2024-06-05" for row in changed)


def test_every_competency_question_is_answered(briefing, reported):
    tables = _section(briefing, "Competency questions").tables
    expected = competency_answers(reported)
    assert [caption for caption, _, _ in tables] == [q.question for q, _ in expected]
    assert [len(rows) for _, _, rows in tables] == [len(rows) for _, rows in expected]


def test_every_source_is_listed_with_its_confidence(briefing, corpus, dataset):
    rows = _section(briefing, "Sources").tables[0][2]
    later = unreported_sources(dataset, DAY)
    assert later  # the later reports: Biden's "not Moscow", Sullivan's extension, ...
    assert {row[4] for row in rows} == {str(s.iri) for s in corpus.sources if s.iri not in later}
    assert all(row[3] in ("high", "medium", "low", "") for row in rows)
    assert any(row[3] == "medium" for row in rows)


def test_a_briefing_as_of_a_day_shows_nothing_reported_later(briefing, dataset):
    """Nothing dated or published after the briefing's day: not the 06-06, 06-17 or 06-20 reports."""
    text = briefing.html()
    for later in ("2024-06-06", "2024-06-17", "2024-06-20", "not for strikes on Moscow", "whole border"):
        assert later not in text, later
    known_later = make_report(dataset, day=DAY, known_by=date(2024, 6, 30))
    assert "2024-06-17" in known_later.html() and "as reported by 2024-06-30" in known_later.title


def test_the_diagrams_are_svg_with_their_words_as_text(briefing):
    figures = [f for s in briefing.sections for f in s.figures]
    assert {name for name, _, _ in figures} >= {"matrix-Ukraine.svg", "timeline.svg", "actor-network.svg"}
    for name, _, svg in figures:
        root = ET.fromstring(svg)
        words = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert "Ukraine" in words or "United States" in words, name


def test_text_is_escaped(dataset):
    hostile = Report(
        DAY,
        DAY,
        "<script>alert(1)</script>",
        "a | b",
        [Section("<b>x</b>", tables=[("", ["a|b"], [["<i>"]])])],
    )
    html = hostile.html()
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "<i>" not in html
    assert "a\\|b" in hostile.markdown()


def test_a_start_after_the_day_is_refused(dataset):
    with pytest.raises(ValueError, match="after the day"):
        make_report(dataset, day=DAY, since=date(2024, 7, 1))


def test_write_report_writes_html_markdown_and_diagrams(briefing, tmp_path):
    written = write_report(briefing, tmp_path / "out")
    html, markdown, figures = written
    assert html.read_text().startswith("<!DOCTYPE html>")
    text = markdown.read_text()
    linked = [line for line in text.splitlines() if line.startswith("![")]
    assert len(linked) == 3 and all(
        (tmp_path / "out" / line.split("(")[1].rstrip(")")).is_file() for line in linked
    )
    assert sorted(p.name for p in figures.iterdir()) == [
        "actor-network.svg",
        "matrix-Ukraine.svg",
        "timeline.svg",
    ]


def test_report_command_and_its_errors(tmp_path):
    out = tmp_path / "briefings"
    result = subprocess.run(
        [sys.executable, "-m", "graph.cli", "report", "--date", "2024-06-05", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "briefing-2024-06-05.html").is_file() and (out / "briefing-2024-06-05.md").is_file()
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "graph.cli",
            "report",
            "--date",
            "2024-06-05",
            "--since",
            "2024-07-01",
            "--out",
            str(tmp_path / "x"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode != 0 and "--since 2024-07-01 is after --date 2024-06-05" in bad.stderr
    assert "Traceback" not in bad.stderr and not (tmp_path / "x").exists()


@pytest.mark.slow
def test_the_briefing_renders_in_chromium(browser, briefing, tmp_path):
    html, _, _ = write_report(briefing, tmp_path)
    context, outside = offline_context(
        browser, allowed=("file:", "data:"), viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    page.goto(html.as_uri())
    widths = page.evaluate("[...document.images].map(image => image.naturalWidth)")
    assert len(widths) == 3 and all(w > 300 for w in widths)
    assert page.locator("section h2").count() == len(briefing.sections)
    page.screenshot(path=tmp_path / "briefing.png", full_page=True)
    assert_not_blank(tmp_path / "briefing.png")
    assert outside == []
    context.close()


def test_headers_are_words_and_dates_stay_on_one_line(briefing):
    import re

    html = briefing.html()
    headers = re.findall(r"<th>([^<]*)</th>", html)
    assert headers and "Attributed to" in headers
    assert not [h for h in headers if re.search(r"[a-z][A-Z]", h)], headers  # no variable names
    dates = re.findall(r'<td class="date">([^<]*)</td>', html)
    assert dates and all(re.fullmatch(r"\d{4}(-\d{2}){0,2}", d) for d in dates)
    assert "td.date { white-space: nowrap; }" in html
