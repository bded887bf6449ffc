"""Benchmark the drafter: precision and recall of a draft against a hand-modelled source.

    python examples/benchmark_draft.py [ARTICLE GOLD.ttl --published DAY --publisher NAME] ...

With no arguments, drafts each article of ``tests/data/draft/`` (``NAME.txt`` beside its
hand-modelled ``NAME.ttl``; the day and publisher come from the ``.ttl``). The hand-modelled
source is left out of the graph the draft links to, so the draft cannot copy it. Prints,
for each kind of finding, what matched, what the draft added and what it missed, then
precision and recall, and the time the draft took.
"""

import argparse
import sys
import time
from pathlib import Path

from rdflib import Graph

from graph.draft import draft
from graph.draft.score import score, total
from graph.load import load, parse_source
from graph.namespaces import DCTERMS, RDFS
from graph.resources import corpus_files

HERE = Path(__file__).resolve().parent.parent / "tests" / "data" / "draft"


def pairs(args: argparse.Namespace) -> list[tuple[Path, Path]]:
    if args.article:
        return [(Path(args.article), Path(args.gold))]
    found = sorted(
        (text, text.with_suffix(".ttl")) for text in HERE.glob("*.txt") if text.with_suffix(".ttl").exists()
    )
    if not found:
        sys.exit(f"no article with its .ttl in {HERE}")
    return found


def run(article: Path, gold_file: Path, published: str | None, publisher: str | None) -> list:
    gold_source = parse_source(gold_file.read_text(encoding="utf-8"), name=str(gold_file))
    corpus = [f for f in corpus_files() if f.name != gold_file.name]
    dataset = load(corpus).dataset
    doc = gold_source.iri
    published = published or str(gold_source.graph.value(doc, DCTERMS.issued))
    publisher_term = gold_source.graph.value(doc, DCTERMS.publisher)
    if publisher is None and publisher_term is not None:
        publisher = str(dataset.value(publisher_term, RDFS.label) or "")
    started = time.perf_counter()
    result = draft(article, dataset=dataset, published=published, publisher=publisher or None)
    took = time.perf_counter() - started
    drafted = Graph().parse(data=result.turtle, format="turtle")
    print(
        f"\n== {article.name} against {gold_file.name} "
        f"(drafted in {took:.2f} s, {result.candidates} candidates)"
    )
    print(f"  {'kind':24} {'found':>5} {'extra':>5} {'missed':>6}  {'precision':>9} {'recall':>6}")
    rows = score(drafted, gold_source.graph, dataset=dataset)
    for row in rows:
        print(
            f"  {row.kind:24} {row.found:5} {row.extra:5} {row.missed:6}"
            f"  {row.precision:9.2f} {row.recall:6.2f}"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article")
    parser.add_argument("--gold")
    parser.add_argument("--published")
    parser.add_argument("--publisher")
    args = parser.parse_args()
    if bool(args.article) != bool(args.gold):
        parser.error("give --article and --gold together")
    print(f"policygraph draft benchmark, Python {sys.version.split()[0]}")
    found = [run(article, gold, args.published, args.publisher) for article, gold in pairs(args)]
    if len(found) > 1:
        print(f"\n== all {len(found)} articles together")
        print(f"  {'kind':24} {'found':>5} {'extra':>5} {'missed':>6}  {'precision':>9} {'recall':>6}")
        for rows in zip(*found, strict=True):
            row = total(rows)
            print(
                f"  {row.kind:24} {row.found:5} {row.extra:5} {row.missed:6}"
                f"  {row.precision:9.2f} {row.recall:6.2f}"
            )


if __name__ == "__main__":
    main()
