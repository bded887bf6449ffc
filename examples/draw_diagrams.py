"""Draw the actor network and each policy's "who may do what, where" diagram.

    python examples/draw_diagrams.py [OUTPUT_FOLDER]

Functions take ``ax=None`` and return what they drew, so diagrams can share a figure.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from graph import actor_view, draw_actor_network, draw_policy, load, policies, save


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    dataset = load().dataset

    drawing = draw_actor_network(actor_view(dataset), title="Who authorises, restricts and supports whom")
    print(f"actor network: {len(drawing.labels)} actors, {len(drawing.edges)} relations")
    save(drawing, str(out / "actor-network.png"))

    only_support = draw_actor_network(actor_view(dataset), relations=["supports", "authorises", "restricts"])
    save(only_support, str(out / "actor-network-policy-only.svg"))

    for policy in policies(dataset):
        drawing = draw_policy(dataset, policy)
        name = str(policy).rsplit("/", 1)[-1]
        save(drawing, str(out / f"policy-{name}.svg"))
        print(f"{name}: {sum(t.startswith('MAY') for t in drawing.labels)} rules drawn")
    print(f"wrote {len(list(out.iterdir()))} files to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "diagrams")
