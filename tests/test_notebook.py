"""The example notebook runs top to bottom in a real Jupyter kernel and shows tables, outcomes, drawings."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow  # runs the notebook in a Jupyter kernel

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "notebook.ipynb"


def test_the_example_notebook_runs_and_displays(tmp_path):
    assert NOTEBOOK.is_file()
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert len(code) >= 5
    errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert errors == []
    printed = "".join(o.get("text", "") for o in code[0].outputs)
    assert "14 sources, conforms: True" in printed
    results = {o.output_type: o for cell in code[1:] for o in cell.outputs}
    assert "execute_result" in results
    html = [o["data"]["text/html"] for cell in code for o in cell.outputs if "text/html" in o.get("data", {})]
    assert any(h.startswith("<table>") and ":UnitedKingdom" in h for h in html)
    assert any("PERMITTED" in h for h in html)
    images = [
        o["data"]
        for cell in code
        for o in cell.outputs
        if "image/svg+xml" in o.get("data", {}) or "image/png" in o.get("data", {})
    ]
    assert images
