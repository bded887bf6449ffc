"""The documentation is true: its site builds strictly, and its commands and code run as shown.

Every ``console`` block and every indented block of ``policygraph`` commands in the README
and in ``docs/`` is run in a scratch folder holding what the text assumes you have
(``my-reports/``, ``article.txt``, ...); every line of output the text shows (other than
``...``) must be printed. Every ``python`` block runs. A block that cannot run here says so
just above it: ``<!-- docs-test: skip: why -->``, naming where it is tested instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from mkdocs.config import load_config

from graph.resources import corpus_dir

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md"))
DOCUMENTS = [ROOT / "README.md", *PAGES]
SKIP = re.compile(r"<!-- docs-test: skip: (.+?) -->")
SVG = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Block:
    file: str
    line: int
    language: str  # "console", "python", "text" (a fence without a language) or "" (indented)
    text: str
    skipped: str | None

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}"


def _blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found, i = [], 0
    name = str(path.relative_to(ROOT))
    while i < len(lines):
        line = lines[i]
        before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        skip = SKIP.search(before)
        if line.startswith("```"):
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            language = line[3:].strip() or "text"
            found.append(Block(name, i + 1, language, "\n".join(lines[i + 1 : end]), skip and skip[1]))
            i = end + 1
        elif line.startswith("    ") and not before.startswith(
            ("    ", "-", "|", "1", "2", "3", "4", "5", "6", "7", "8", "9")
        ):
            end = i
            while end < len(lines) and (lines[end].startswith("    ") or not lines[end].strip()):
                end += 1
            text = "\n".join(raw[4:] for raw in lines[i:end]).strip("\n")
            found.append(Block(name, i + 1, "", text, skip and skip[1]))
            i = end
        else:
            i += 1
    return found


ALL = [block for path in DOCUMENTS for block in _blocks(path)]
CONSOLE = [
    b for b in ALL if b.language == "console" or (b.language == "" and b.text.startswith("policygraph "))
]
PYTHON = [b for b in ALL if b.language == "python"]


def test_the_documents_and_their_blocks_are_found():
    assert len(PAGES) >= 9, PAGES
    assert len(CONSOLE) >= 10 and len(PYTHON) >= 2, (len(CONSOLE), len(PYTHON))
    config = load_config(str(ROOT / "mkdocs.yml"))
    in_nav = set(re.findall(r"[\w/-]+\.md", str(config.nav)))
    assert {p.name for p in PAGES} <= in_nav, "every page of docs/ is in the navigation of mkdocs.yml"


def test_every_skipped_block_names_where_it_is_tested():
    for block in ALL:
        if block.skipped:
            assert re.search(r"tests/test_\w+\.py|examples/\w+\.py", block.skipped), block.id


def _commands(text: str) -> list[tuple[str, list[str]]]:
    """(command, the output lines shown after it), for each ``$ policygraph`` or bare command."""
    commands: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    prompted = any(line.startswith("$ ") for line in lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if prompted and not line.startswith("$ "):
            if commands:
                commands[-1][1].append(line)
            i += 1
            continue
        command = line.removeprefix("$ ")
        while command.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            command = command.rstrip()[:-1] + " " + lines[i].strip()
        commands.append((command, []))
        i += 1
    return [(c, shown) for c, shown in commands if c.startswith("policygraph ")]


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """What the documents assume a reader has: a folder of reports, an article, a saved page, a query."""
    reports = tmp_path / "my-reports"
    shutil.copytree(corpus_dir(), reports, ignore=shutil.ignore_patterns("__*"))
    assert list(reports.glob("*.ttl")), "the bundled corpus was not found"
    article = (ROOT / "tests" / "data" / "draft" / "uk-kursk.txt").read_text(encoding="utf-8")
    (tmp_path / "article.txt").write_text(article, encoding="utf-8")
    paragraphs = "".join(f"<p>{p}</p>" for p in article.split("\n\n") if p.strip())
    (tmp_path / "saved-page.html").write_text(
        "<html><head><title>A report</title>"
        '<meta property="article:published_time" content="2024-05-30">'
        '<meta property="og:site_name" content="A newspaper"></head>'
        f"<body><article><h1>A report</h1>{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    shutil.copy(ROOT / "examples" / "queries" / "aliases.rq", tmp_path / "my-question.rq")
    return tmp_path


@pytest.mark.slow
@pytest.mark.parametrize("block", [b for b in CONSOLE if not b.skipped], ids=lambda b: b.id)
def test_console_blocks_run_as_shown(block, workspace):
    commands = _commands(block.text)
    assert commands, f"{block.id}: no policygraph command (mark the block skipped, saying why)"
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for command, shown in commands:
        line = command.replace("examples/corpus", str(corpus_dir()))
        done = subprocess.run(
            ["bash", "-c", line], cwd=workspace, env=env, capture_output=True, text=True, timeout=900
        )
        assert done.returncode == 0, f"{block.id}: {command}\n{done.stderr}"
        printed = {out.rstrip() for out in done.stdout.splitlines()}
        for expected in shown:
            if expected.strip() and expected.strip() != "...":
                assert expected.rstrip() in printed, f"{block.id}: {command}\nnot printed: {expected}"


@pytest.mark.slow
@pytest.mark.parametrize("block", [b for b in PYTHON if not b.skipped], ids=lambda b: b.id)
def test_python_blocks_run(block, tmp_path):
    script = tmp_path / "block.py"
    script.write_text(block.text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"{block.id}\n{done.stderr}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
def test_the_site_builds_strictly_with_every_page(site):
    for page in PAGES:
        assert (site / page.with_suffix(".html").name).is_file(), page.name
    guide = (site / "adding-a-report.html").read_text(encoding="utf-8")
    assert "pg:unreviewed" in guide and "--8&lt;--" not in guide  # the README's guide, included whole
    for figure in (ROOT / "examples" / "screenshots").glob("*.png"):
        assert (site / "examples" / "screenshots" / figure.name).is_file()


@pytest.mark.slow
def test_the_site_asks_nothing_of_the_network(site):
    outside = re.compile(r"""<(?:script|link|img)\b[^>]*(?:src|href)=["'](?:https?:)?//""", re.IGNORECASE)
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        assert not outside.search(page.read_text(encoding="utf-8")), page


@pytest.mark.slow
def test_the_ontology_reference_covers_every_term(site, dataset):
    from rdflib import OWL, RDF, RDFS, SKOS

    from graph.namespaces import ONTOLOGY_IRI, PG

    ontology = dataset.graph(ONTOLOGY_IRI)
    reference = (site / "ontology" / "reference.html").read_text(encoding="utf-8")
    terms = [
        t
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in ontology.subjects(RDF.type, kind)
        if str(t).startswith(str(PG))
    ]
    assert len(terms) >= 60
    for term in terms:
        assert str(term) in reference, term
    concepts = (site / "ontology" / "concepts.html").read_text(encoding="utf-8")
    for concept in ontology.subjects(RDF.type, SKOS.Concept):
        assert str(ontology.value(concept, RDFS.label)) in concepts, concept
    svg = ET.parse(site / "ontology" / "classes.svg").getroot()
    drawn = {t.text for t in svg.iter(f"{SVG}text")}
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if str(cls).startswith(str(PG)):
            assert str(ontology.value(cls, RDFS.label)) in drawn, cls
