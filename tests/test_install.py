"""A non-editable install, from another folder, carries the ontology, queries and corpus with it."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds a wheel and installs it in a new environment

ROOT = Path(__file__).resolve().parent.parent


def _clean_copy(target: Path) -> Path:
    """The project's files as git tracks them (or the whole tree outside a checkout)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    files = (
        [ROOT / f for f in listed.stdout.splitlines()] if listed.returncode == 0 else list(ROOT.rglob("*"))
    )
    files = [f for f in files if f.is_file()]
    assert any(f.name == "setup.cfg" for f in files)
    for file in files:
        destination = target / file.relative_to(ROOT)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(file.read_bytes())
    return target


def test_wheel_install_runs_the_main_job_from_another_folder(tmp_path):
    source = _clean_copy(tmp_path / "src")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # the dependencies come from the environment running the tests (a path entry, which does not
    # run that environment's .pth files, so its own copy of policygraph stays out of sight);
    # policygraph itself is installed fresh from a wheel
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "test-dependencies.pth").write_text("\n".join(sorted(here)) + "\n")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(source)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import graph; print(graph.__file__)"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
    )
    assert where.stdout.startswith(str(env_dir)), where.stdout + where.stderr
    run = subprocess.run(
        [str(env_dir / "bin" / "policygraph"), "build", "--out", "out", "--format", "svg"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        timeout=600,
        env={"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "MPLBACKEND": "Agg", "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("built 14 sources:")
    assert "cq7-claim-provenance" in run.stdout
    written = sorted(p.name for p in (elsewhere / "out").iterdir())
    assert "graph.trig" in written and "actor-network.svg" in written
    listing = subprocess.run(
        [str(env_dir / "bin" / "policygraph"), "query", "--list"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
    )
    assert "cq1-permissions" in listing.stdout
    # draft reads its lexicon from the installed package: a text, a saved page, a review page
    article = elsewhere / "article.txt"
    article.write_bytes((ROOT / "tests" / "data" / "draft" / "uk-kursk.txt").read_bytes())
    paragraphs = article.read_text(encoding="utf-8").split("\n\n")
    page = elsewhere / "page.html"
    page.write_text(
        f"<!doctype html><html><head><title>{paragraphs[0]}</title>"
        '<meta property="og:site_name" content="Reuters">'
        '<meta property="article:published_time" content="2024-11-21"></head><body><article>'
        + "".join(f"<p>{p}</p>" for p in paragraphs[1:])
        + "</article></body></html>",
        encoding="utf-8",
    )
    commands = [
        ["draft", "article.txt", "--published", "2024-11-21", "--publisher", "Reuters", "-o", "drafts/a.ttl"],
        ["draft", "page.html", "-o", "drafts/b.ttl"],
        ["draft", "article.txt", "--review", "review.html"],
    ]
    for command in commands:
        drafted = subprocess.run(
            [str(env_dir / "bin" / "policygraph"), *command],
            capture_output=True,
            text=True,
            cwd=elsewhere,
            timeout=600,
            env={"PATH": f"{env_dir / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)},
        )
        assert drafted.returncode == 0, drafted.stderr
        assert "candidates to review" in drafted.stderr
    assert "pg:unreviewed true" in (elsewhere / "drafts" / "a.ttl").read_text(encoding="utf-8")
    assert 'dcterms:issued "2024-11-21"' in (elsewhere / "drafts" / "b.ttl").read_text(encoding="utf-8")
    assert "<mark" in (elsewhere / "review.html").read_text(encoding="utf-8")
    assert sys.version_info >= (3, 11)
