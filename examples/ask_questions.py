"""Ask the graph questions: named queries with parameters, a query file, inline SPARQL.

Parameters are bound as RDF terms (never pasted into the query text)::

    python examples/ask_questions.py
"""

from pathlib import Path

from graph import get_query, list_queries, load, read_query, run_query
from graph.results import short, to_table

HERE = Path(__file__).parent


def main() -> None:
    dataset = load().dataset

    print("The query library:")
    for query in list_queries():
        print(f"  {query.name}: {query.question}")

    # a named competency question, with its parameters given as prefixed names
    permissions = run_query(
        dataset, get_query("cq1-permissions"), bindings={"grantee": ":Ukraine", "supplier": ":UnitedStates"}
    )
    for row in permissions:
        print(
            f"\n{short(row['grantor'])} lets Ukraine {short(row['action'])} across the border from "
            f"{short(row['area'])}, since {row['since']}, for: {row['purposes']}"
        )

    # a query kept in a file of your own
    print()
    print(
        to_table(
            run_query(dataset, read_query(HERE / "queries" / "aliases.rq")), title="Aliases seen in the news"
        )
    )

    # inline SPARQL: the project's prefixes (:, pg:, odrl:, prov:, geo: ...) are predefined
    places = run_query(dataset, "SELECT ?region WHERE { ?region geo:sfTouches :KharkivOblast }")
    print("Across the border from Kharkiv Oblast:", ", ".join(short(r["region"]) for r in places))


if __name__ == "__main__":
    main()
