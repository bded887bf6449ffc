"""policygraph draft: findings on short texts, the draft against a hand-modelled source,
review gating in validate and build, bad input, the review page in Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import offline_context
from rdflib import Graph

from graph.draft import draft, draft_text, review
from graph.draft.findings import ClaimKind, CueKind
from graph.draft.lexicon import load_lexicon
from graph.draft.score import score, total
from graph.errors import SourceError
from graph.load import load, parse_source
from graph.namespaces import DCTERMS, PG, PGR
from graph.resources import corpus_files

DATA = Path(__file__).resolve().parent / "data" / "draft"
ARTICLES = sorted(DATA.glob("*.txt"))
#: the test article with a quote, two groups of sources and a stance
KURSK = DATA / "uk-kursk.txt"
SEED = Path(os.environ.get("POLICYGRAPH_SEED", Path(__file__).resolve().parents[2] / "shared" / "seed"))


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


def _draft(text: str, dataset, **options):
    return draft_text(
        text,
        dataset=dataset,
        published=options.pop("published", "2024-05-30"),
        publisher="Reuters",
        **options,
    )


def _terms(result) -> set:
    return {m.term for m in result.reading.mentions}


def test_articles_found():
    assert ARTICLES and all(a.with_suffix(".ttl").exists() for a in ARTICLES)


def test_names_link_to_the_graph_by_label_alias_metonym_and_demonym(dataset):
    result = _draft(
        "The Biden administration lets Ukraine use American-provided weapons in the Kharkiv region, "
        "U.S. officials said.",
        dataset,
    )
    how = {(m.text, m.term, m.how) for m in result.reading.mentions}
    assert ("Biden administration", PGR.UnitedStates, "metonym") in how
    assert ("American", PGR.UnitedStates, "demonym") in how
    assert ("Kharkiv region", PGR.KharkivOblast, "alias") in how
    assert ("U.S.", PGR.UnitedStates, "alias") in how


def test_an_unknown_name_becomes_a_new_entity_candidate_with_a_guessed_type(dataset):
    result = _draft(
        "Defence Minister Ivo Brankovic said Ukraine may not strike Russia with rockets.", dataset
    )
    new = [b for b in result.blocks if b.kind is ClaimKind.NEW_ENTITY and "Brankovic" in b.name]
    assert len(new) == 1 and new[0].types == ["pg:Person"]
    assert any(m.text == "Ivo Brankovic" for m in result.reading.new_names)


def test_attributions_keep_their_counts_and_affiliations(dataset):
    result = _draft(
        "Kyiv may now strike inside Russia, according to three U.S. officials and two other people "
        "familiar with the decision. Several officials said nothing else changed. "
        "Antony Blinken told reporters the policy would adapt.",
        dataset,
    )
    groups = {(a.count, a.affiliation) for a in result.reading.attributions if not a.named}
    assert (3, PGR.UnitedStates) in groups and (2, None) in groups and (None, None) in groups
    assert any(a.person == PGR.AntonyBlinken for a in result.reading.attributions)


@pytest.mark.parametrize(
    ("phrase", "shown"),
    [
        ("on Wednesday", "2024-05-29"),
        ("last month", "2024-04"),
        ("earlier this year", "2024"),
        ("2024-05-02", "2024-05-02"),
    ],
)
def test_dates_resolve_against_the_publication_day(dataset, phrase, shown):
    result = _draft(f"Washington allowed Kyiv to strike Russia {phrase}, officials said.", dataset)
    assert [d.shown for d in result.reading.dates] == [shown]


def test_a_prohibition_of_two_things_is_two_rules_and_stays_in_force(dataset):
    result = _draft(
        "Washington allowed Kyiv to strike targets inside Russia. Ukraine is still barred from hitting "
        "civilian infrastructure or firing long-range missiles deep inside Russia.",
        dataset,
    )
    rules = result.findings.rules
    bans = [r for r in rules if r.kind is ClaimKind.PROHIBITION]
    assert len(bans) == 2 and all(r.carried for r in bans)
    assert {frozenset(r.target_types) for r in bans} >= {frozenset({PG.CivilianInfrastructure})}
    deep = next(r for r in bans if r.weapon_classes)
    assert deep.depth == {PG.DeepInside} and deep.spatial == {PGR.Russia}
    assert [r.kind for r in rules].count(ClaimKind.PERMISSION) == 1


def test_a_scope_limited_to_a_region_across_the_border_is_measured_from_it(dataset):
    result = _draft(
        "The White House greenlights Ukraine's use of U.S. weapons inside Russia. The authorization is "
        "limited to the Kharkiv region, for counter-fire against troops massing just across the border.",
        dataset,
    )
    (rule,) = result.findings.rules
    assert rule.assigner == PGR.UnitedStates and rule.assignee == PGR.Ukraine
    assert rule.spatial == {PGR.Russia} and rule.across == {PGR.KharkivOblast}
    assert rule.purposes == {PG.CounterFire} and rule.target_types == {PG.MassingTroops}
    assert rule.supplier == PGR.UnitedStates


def test_requests_stances_comments_and_events(dataset):
    result = _draft(
        "Ukraine's request for more room came after weeks of attacks. France opposed the restrictions. "
        "The Kremlin did not respond to a request for comment. On Monday Ukraine fired ATACMS at an "
        "airfield in Crimea for the first time.",
        dataset,
    )
    kinds = [b.kind for b in result.blocks]
    assert ClaimKind.REQUEST in kinds and ClaimKind.STANCE in kinds and ClaimKind.COMMENT_REQUEST in kinds
    (event,) = result.findings.events
    assert event[1] == PGR.Ukraine and event[2] == PGR.ATACMS and event[5] == date(2024, 5, 27) and event[6]
    stance = next(b for b in result.blocks if b.kind is ClaimKind.STANCE)
    assert ("pg:position", "pg:Opposes") in stance.properties


def test_every_candidate_is_unreviewed_and_has_its_span(dataset):
    result = draft(KURSK, dataset=dataset, published="2024-11-21", publisher="Reuters")
    candidates = [b for b in result.blocks if b.unreviewed]
    assert candidates and all(b.spans for b in candidates if b.kind is not ClaimKind.NEW_ENTITY or b.spans)
    graph = Graph().parse(data=result.turtle, format="turtle")
    assert len(set(graph.subjects(PG.unreviewed, None))) == result.candidates
    for block in candidates:
        for span in block.spans:
            assert 0 <= span.start < span.end <= len(result.article.text)


def test_drafts_match_the_hand_modelled_sources_on_every_kind():
    """Over the test articles together, each kind of finding has precision and recall of 0.8 or more."""
    dataset = load().dataset
    per_article = []
    for article in ARTICLES:
        gold = parse_source(article.with_suffix(".ttl").read_text(encoding="utf-8"), name=article.name)
        issued = str(gold.graph.value(gold.iri, DCTERMS.issued))
        result = draft(article, dataset=dataset, published=issued, publisher="Reuters")
        drafted = Graph().parse(data=result.turtle, format="turtle")
        per_article.append(score(drafted, gold.graph, dataset=dataset))
    totals = [total(rows) for rows in zip(*per_article, strict=True)]
    assert len(totals) == 9 and all(s.found > 0 for s in totals), totals
    low = [
        (s.kind, round(s.precision, 2), round(s.recall, 2))
        for s in totals
        if s.precision < 0.8 or s.recall < 0.8
    ]
    assert not low, low


def test_the_seed_report_drafts_close_to_its_hand_modelled_source():
    texts = sorted(SEED.glob("*.txt")) if SEED.is_dir() else []
    if not texts:
        pytest.skip(f"no seed report at {SEED} (set POLICYGRAPH_SEED)")
    gold_file = next(f for f in corpus_files() if f.name == "politico-2024-05-30.ttl")
    gold = parse_source(gold_file.read_text(encoding="utf-8"), name=gold_file.name)
    dataset = load([f for f in corpus_files() if f != gold_file]).dataset
    result = draft(texts[0], dataset=dataset, published="2024-05-30", publisher="Politico")
    drafted = Graph().parse(data=result.turtle, format="turtle")
    scores = score(drafted, gold.graph, dataset=dataset)
    assert all(s.precision >= 0.8 and s.recall >= 0.8 for s in scores), scores


def test_validate_lists_unreviewed_candidates_and_build_refuses_them(tmp_path, corpus_copy):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    out = drafts / "uk.ttl"
    done = _run("draft", str(KURSK), "--published", "2024-11-21", "--publisher", "Reuters", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "candidates to review" in done.stderr and out.exists()
    checked = _run("validate", str(corpus_copy), str(drafts))
    assert checked.returncode == 4
    unreviewed = [line for line in checked.stdout.splitlines() if "unreviewed draft candidate" in line]
    assert len(unreviewed) == out.read_text().count("    pg:unreviewed true ;")
    assert all(line.startswith(f"{out}:") for line in unreviewed)
    built = _run("build", str(corpus_copy), str(drafts), "--out", str(tmp_path / "out"))
    assert built.returncode == 4 and "unreviewed" in built.stderr and not (tmp_path / "out").exists()
    # the analyst accepts every candidate and paraphrases the statements: the source is valid
    text = out.read_text().replace("    pg:unreviewed true ;\n", "")
    import re

    text = re.sub(
        r"\(to write: paraphrase the statement at characters [0-9-]+\)",
        "An official called the limits plain.",
        text,
    )
    out.write_text(text)
    checked = _run("validate", str(corpus_copy), str(drafts))
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("latin1.txt", "Kyiv d\xe9cid\xe9".encode("latin-1"), "not UTF-8"),
        (
            "page.html",
            b"<!doctype html><html><head><title>x</title></head><body><nav>Home</nav></body></html>",
            "no article found",
        ),
        (
            "french.txt",
            "Le gouvernement fran\u00e7ais a autoris\u00e9 l'Ukraine \u00e0 frapper des cibles militaires "
            "en Russie avec des missiles fournis par la France, selon deux responsables.".encode(),
            "English",
        ),
    ],
)
def test_bad_articles_are_one_line_errors_and_write_nothing(tmp_path, name, content, message):
    article = tmp_path / name
    article.write_bytes(content)
    out = tmp_path / "draft.ttl"
    done = _run("draft", str(article), "-o", str(out), "--review", str(tmp_path / "r.html"))
    assert done.returncode == 3, done.stderr
    assert message in done.stderr and str(article) in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not out.exists() and not (tmp_path / "r.html").exists()


def test_a_huge_file_and_a_pipe_are_refused_without_reading_them(tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50 * 2**20)
    done = _run("draft", str(huge))
    assert done.returncode == 3 and "larger than" in done.stderr
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    done = _run("draft", str(pipe))
    assert done.returncode == 3 and "not a regular" in done.stderr


def test_a_saved_page_gives_its_title_date_and_publisher(tmp_path, dataset):
    body = "".join(f"<p>{line}</p>" for line in KURSK.read_text().split("\n\n")[1:])
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><head><title>Britain clears Storm Shadow use in Kursk</title>"
        '<meta property="og:site_name" content="Reuters">'
        '<meta property="article:published_time" content="2024-11-21T10:00:00Z"></head>'
        "<body><header>Menu</header><article><h1>Britain clears Storm Shadow use in Kursk</h1>"
        f"{body}</article>"
        "<footer>Cookies</footer></body></html>",
        encoding="utf-8",
    )
    result = draft(page, dataset=dataset)
    assert result.article.published == date(2024, 11, 21) and result.article.publisher == "Reuters"
    assert "Britain clears" in (result.article.title or "")
    assert result.source == "src:reuters-2024-11-21"
    assert any(r.kind is ClaimKind.PERMISSION for r in result.findings.rules)


def test_a_user_lexicon_adds_cues_and_a_broken_one_names_its_line(tmp_path, dataset):
    text = "Washington okayed Ukraine's use of rockets inside Russia."
    assert not _draft(text, dataset).findings.rules
    mine = tmp_path / "mine.toml"
    mine.write_text('[policy]\npermission = ["okay|okays|okayed"]\n', encoding="utf-8")
    result = _draft(text, dataset, lexicons=[mine])
    assert [r.kind for r in result.findings.rules] == [ClaimKind.PERMISSION]
    assert "okayed" in load_lexicon([mine]).words("policy", "permission")
    broken = tmp_path / "broken.toml"
    broken.write_text('[policy]\npermission = ["a",\n', encoding="utf-8")
    with pytest.raises(SourceError, match=r"broken\.toml"):
        load_lexicon([broken])


def test_cue_kinds_show_as_their_finding_kind():
    assert CueKind.LIMITED.finding.value == "scope" and CueKind.SAY.finding.value == "attribution"
    assert CueKind.PERMISSION.finding.value == "cue" and CueKind.DATE.finding.value == "date"


@pytest.mark.slow
def test_the_review_page_marks_every_finding_in_chromium(browser, tmp_path, dataset):
    result = draft(KURSK, dataset=dataset, published="2024-11-21", publisher="Reuters")
    page_file = tmp_path / "review.html"
    page_file.write_text(review(result), encoding="utf-8")
    context, outside = offline_context(browser, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(page_file.as_uri())
    counts = page.evaluate(
        "Object.fromEntries(['entity','attribution','date','cue','scope','quote'].map("
        "k => [k, document.querySelectorAll('article mark.' + k).length]))"
    )
    assert all(counts[k] > 0 for k in ("entity", "attribution", "date", "cue", "scope", "quote")), counts
    cards = page.locator("section.candidate")
    assert cards.count() == result.candidates
    page.locator("section.candidate[data-kind=permission] a.span").first.click()
    assert page.locator("article mark.flash").count() >= 1
    assert outside == []
    context.close()


SHORT_TEXTS = [
    "The Pentagon has lifted its ban on Ukraine using HIMARS against targets in Belgorod Oblast, "
    "two defense officials told reporters on Tuesday.",
    "France will allow Ukraine to strike military sites in Russia from which missiles are fired, "
    "President Emmanuel Macron said, but Kyiv must not hit civilian targets.",
    "Germany does not permit the use of Taurus missiles against Russian territory, "
    "Chancellor Olaf Scholz said on Monday.",
    "Ukraine may now hit Russian launch sites near the border with U.S. rockets, officials said, "
    "but attacks deep inside Russia remain off-limits.",
    "Germany has given Ukraine the green light to use German weapons against targets on Russian soil "
    "near the Kharkiv region, a government spokesman said.",
    "The United States will not allow Ukraine to use ATACMS to strike deep inside Russia, "
    "Pentagon spokesman Pat Ryder told reporters on Tuesday.",
    "Britain's foreign secretary David Cameron said Ukraine has the right to use British weapons "
    "to strike targets inside Russia.",
    "Washington's policy barring Ukraine from firing ATACMS into Russia remains in place, "
    "a senior U.S. official said on condition of anonymity.",
    "France said on Tuesday it would allow Kyiv to strike military sites in Russia used to launch "
    "attacks, but not civilian targets.",
]


def test_an_accepted_draft_is_a_valid_source(tmp_path, corpus_copy, dataset):
    """Every draft, its marks removed and its placeholders written, validates with the corpus."""
    import re

    drafts = [
        draft(a, dataset=dataset, published="2024-11-21", publisher=f"Paper {n}")
        for n, a in enumerate(ARTICLES)
    ]
    drafts += [
        draft_text(t, dataset=dataset, published="2024-06-04", publisher=f"Outlet {n}", title="A title")
        for n, t in enumerate(SHORT_TEXTS)
    ]
    assert all(d.findings.rules for d in drafts)
    folder = tmp_path / "accepted"
    folder.mkdir()
    for number, result in enumerate(drafts):
        text = result.turtle.replace("    pg:unreviewed true ;\n", "")
        text = re.sub(r"\(to write: [^)]*\)", "Written by the analyst.", text)
        (folder / f"draft-{number}.ttl").write_text(text, encoding="utf-8")
    checked = _run("validate", str(corpus_copy), str(folder))
    assert checked.returncode == 0, checked.stdout
    assert f"{len(drafts) + len(list(corpus_copy.glob('*.ttl')))} sources checked" in checked.stdout


@pytest.mark.parametrize(
    ("text", "kind", "values"),
    [
        (SHORT_TEXTS[0], ClaimKind.PERMISSION, {"spatial": {PGR.BelgorodOblast}, "systems": {PGR.HIMARS}}),
        (SHORT_TEXTS[1], ClaimKind.PROHIBITION, {"target types": {PG.CivilianInfrastructure}}),
        (SHORT_TEXTS[2], ClaimKind.PROHIBITION, {"spatial": {PGR.Russia}}),
        (SHORT_TEXTS[3], ClaimKind.PROHIBITION, {"spatial": {PGR.Russia}, "depth": {PG.DeepInside}}),
        (SHORT_TEXTS[4], ClaimKind.PERMISSION, {"spatial": {PGR.Russia}, "across": {PGR.KharkivOblast}}),
        (
            SHORT_TEXTS[5],
            ClaimKind.PROHIBITION,
            {"spatial": {PGR.Russia}, "depth": {PG.DeepInside}, "systems": {PGR.ATACMS}},
        ),
        (SHORT_TEXTS[6], ClaimKind.PERMISSION, {"spatial": {PGR.Russia}}),
        (SHORT_TEXTS[7], ClaimKind.PROHIBITION, {"spatial": {PGR.Russia}, "systems": {PGR.ATACMS}}),
        (SHORT_TEXTS[8], ClaimKind.PROHIBITION, {"target types": {PG.CivilianInfrastructure}}),
        (SHORT_TEXTS[8], ClaimKind.PERMISSION, {"target types": {PG.MilitaryTarget}}),
    ],
)
def test_short_texts_give_the_rule_they_state(dataset, text, kind, values):
    result = draft_text(text, dataset=dataset, published="2024-06-04", publisher="Reuters")
    rules = [r for r in result.findings.rules if r.kind is kind]
    assert rules, [(r.kind, r.values()) for r in result.findings.rules]
    found = rules[0].values()
    assert all(found[key] == wanted for key, wanted in values.items()), found
    assert rules[0].assignee == PGR.Ukraine


def test_who_decides_and_what_stays_in_force(dataset):
    cameron = draft_text(SHORT_TEXTS[6], dataset=dataset, published="2024-05-02", publisher="Reuters")
    (rule,) = cameron.findings.rules
    assert rule.assigner == PGR.UnitedKingdom and rule.assignee == PGR.Ukraine
    assert [a.person for a in cameron.findings.policy_attribution] == [PGR.DavidCameron]
    barring = draft_text(SHORT_TEXTS[7], dataset=dataset, published="2024-06-04", publisher="Reuters")
    assert [r.carried for r in barring.findings.rules] == [True]
    biden = draft_text(
        "President Joe Biden has authorized Ukraine to use U.S.-supplied long-range missiles inside Russia, "
        "two U.S. officials and a source familiar with the decision said.",
        dataset=dataset,
        published="2024-11-17",
        publisher="Reuters",
    )
    (rule,) = biden.findings.rules
    assert rule.assigner == PGR.UnitedStates and rule.decided_by == PGR.JoeBiden
    assert rule.supplier == PGR.UnitedStates
    assert [(a.count, a.affiliation) for a in biden.findings.policy_attribution] == [
        (2, PGR.UnitedStates),
        (1, None),
    ]


def test_an_event_is_placed_where_it_happened_not_by_an_adjective(dataset):
    result = draft_text(
        "Ukraine used HIMARS rockets to strike a Russian air defense system in Belgorod Oblast on Saturday, "
        "two Western officials said.",
        dataset=dataset,
        published="2024-06-04",
        publisher="Reuters",
    )
    (event,) = result.findings.events
    assert event[1] == PGR.Ukraine and event[2] == PGR.HIMARS and event[3] == PGR.BelgorodOblast
    assert event[5] == date(2024, 6, 1)
