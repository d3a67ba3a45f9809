"""The analyst notebook runs top to bottom against the real package and the running API."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "analyst_quickstart.ipynb"


def test_notebook_executes(base_url: str, built_root: Path, monkeypatch) -> None:
    monkeypatch.setenv("ESSA_API_URL", base_url)
    monkeypatch.setenv("ESSA_DATA_DIR", str(built_root))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "Viet Nam" in text and "change_pp" in text
