"""Load sources into an RDF dataset, validate them, and count what they hold.

Run it on the bundled corpus, or on your own folder of Turtle sources::

    python examples/load_and_validate.py [FOLDER]
"""

import sys

from graph import load, summarize, validate


def main(paths: list[str]) -> int:
    corpus = load(paths or None)
    for source in corpus.sources:
        print(f"{source.iri}  <- {source.file} ({len(source.graph)} triples)")
    report = validate(corpus)
    print(report.text)
    if not report.conforms:
        return 4
    summary = summarize(corpus.dataset)
    print(", ".join(f"{name}: {value}" for name, value in summary.as_dict().items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
