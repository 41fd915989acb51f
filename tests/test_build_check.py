"""``derive build --check``: exit 1 and name each file of ``--out`` a build would write, rewrite, remove or (a PDF)
rebuild; exit 0 when there is none; write nothing into ``--out``; compare a PDF only through the manifest.

One bundled derivation (ten steps) is built once into a folder each test copies; the checks share one verification
cache, since the answer must not depend on it (one test checks with ``--no-cache``).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import derive.render.pdf as pdf
from derive.entry import build
from derive.entry.build import MANIFEST, SOURCES, digest, recorded
from derive.entry.build_check import NO_TEX
from derive.entry.cli import ExitCode, main
from derive.run.loader import bundled_proofs

MODULE = "iid_cross_entropy.py"
#: The .tex files a build typesets, and so the PDFs it writes.
TYPESET = ("iid-cross-entropy.tex", "lecture-notes.tex", "slides.tex")
BUDGET = ["--budget", "60"]  # no step undecided because the machine is busy


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("check-cache")


@pytest.fixture(autouse=True)
def _private_cache(cache, monkeypatch):
    """Overrides the suite's empty cache per test: every check of this file shares one (see the docstring)."""
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(cache))


@pytest.fixture(scope="module")
def built(tmp_path_factory, cache) -> Path:
    """A project with the bundled derivation in proofs/ and its write-ups in out/, PDFs as a TeX build records
    them (the files are stand-ins: --check never reads a PDF's bytes but to compare them with the manifest)."""
    project = tmp_path_factory.mktemp("project")
    (project / "proofs").mkdir()
    shutil.copy(bundled_proofs() / MODULE, project / "proofs" / MODULE)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DERIVE_CACHE_DIR", str(cache))
        mp.chdir(project)
        assert main(["build", f"proofs/{MODULE}", "--out", "out", "--no-pdf", *BUDGET]) == ExitCode.OK
    out = project / "out"
    manifest, sources = recorded(out)
    for tex in TYPESET:
        name = tex.replace(".tex", ".pdf")
        (out / name).write_bytes(b"%PDF-1.5 stand-in for " + tex.encode())
        manifest[name], sources[name] = digest(out / name), digest(out / tex)
    build._write_manifest(out, manifest, sources)
    return project


@pytest.fixture
def project(built, tmp_path, monkeypatch) -> Path:
    """This test's copy of the built project, as the working directory; TeX counts as installed."""
    shutil.copytree(built, tmp_path / "project")
    monkeypatch.chdir(tmp_path / "project")
    monkeypatch.setattr(pdf, "tex_available", lambda: True)
    return tmp_path / "project"


def check(capsys, *extra: str) -> tuple[int, list[str], str]:
    """Run ``derive build --check`` on the project; the exit code, the lines it lists and stderr."""
    code = main(["build", "--check", f"proofs/{MODULE}", "--out", "out", *BUDGET, *extra])
    out, err = capsys.readouterr()
    return code, [line for line in out.splitlines() if line.startswith("would ")], err


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def _edit_manifest(out: Path, **changes) -> None:
    data = json.loads((out / MANIFEST).read_text())
    for key, value in changes.items():
        data[key] = value
    (out / MANIFEST).write_text(json.dumps(data))


def test_an_up_to_date_folder_passes_and_is_left_untouched(project, capsys):
    before = _snapshot(project / "out")
    code, listed, _ = check(capsys)
    assert (code, listed) == (ExitCode.OK, [])
    assert _snapshot(project / "out") == before
    folders = sorted(p.name for p in (project / "out").iterdir() if p.is_dir())
    assert folders == ["html"]  # no staging folder left behind


def test_the_answer_does_not_depend_on_the_cache(project, capsys):
    code, listed, _ = check(capsys, "--no-cache")
    assert (code, listed) == (ExitCode.OK, [])


def test_an_edited_markdown_file_is_named_and_fails_the_check(project, capsys):
    markdown = project / "out" / "iid-cross-entropy.md"
    markdown.write_text(markdown.read_text() + "\nmy own note\n")
    before = _snapshot(project / "out")
    code, listed, _ = check(capsys)
    assert (code, listed) == (ExitCode.FAILED, ["would rewrite out/iid-cross-entropy.md"])
    assert _snapshot(project / "out") == before  # reported, not repaired


def test_a_deleted_page_of_the_site_is_listed(project, capsys):
    (project / "out" / "html" / "iid-cross-entropy.html").unlink()
    code, listed, _ = check(capsys)
    assert (code, listed) == (ExitCode.FAILED, ["would write out/html/iid-cross-entropy.html"])


def test_a_stale_file_derive_wrote_is_listed_and_a_users_own_file_is_not(project, capsys):
    out = project / "out"
    (out / "html" / "gone.html").write_text("a page of a derivation since deleted")
    (out / "html" / "mine.html").write_text("the user's own page")
    _edit_manifest(out, **{"html/gone.html": digest(out / "html" / "gone.html")})
    code, listed, _ = check(capsys)
    assert (code, listed) == (ExitCode.FAILED, ["would remove out/html/gone.html"])


def test_a_pdf_typeset_from_another_tex_would_be_rebuilt(project, capsys):
    out = project / "out"
    _, sources = recorded(out)
    _edit_manifest(out, **{SOURCES: {**sources, "slides.pdf": "0" * 64}})
    code, listed, _ = check(capsys)
    assert (code, listed) == (ExitCode.FAILED, ["would rebuild out/slides.pdf"])


def test_a_pdf_is_checked_through_the_manifest_and_never_by_its_bytes(project, capsys):
    out = project / "out"
    (out / "lecture-notes.pdf").write_bytes(b"%PDF-1.5 typeset by another TeX")  # changed since derive wrote it
    (out / "slides.pdf").unlink()
    manifest, _ = recorded(out)
    (out / "iid-cross-entropy.pdf").unlink()
    del manifest["iid-cross-entropy.pdf"]  # lost with its manifest entry: TeX is here, so the build would make it
    build._write_manifest(out, manifest)
    code, listed, _ = check(capsys)
    assert code == ExitCode.FAILED
    pdfs = [
        "would write out/iid-cross-entropy.pdf",
        "would rebuild out/lecture-notes.pdf",
        "would write out/slides.pdf",
    ]
    assert listed == pdfs


def test_a_manifest_from_before_the_pdf_sources_is_read_as_the_same_build(project, capsys):
    out = project / "out"
    data = json.loads((out / MANIFEST).read_text())
    del data[SOURCES]
    (out / MANIFEST).write_text(json.dumps(data))
    assert check(capsys)[:2] == (ExitCode.OK, [])
    _edit_manifest(out, **{"iid-cross-entropy.tex": "0" * 64})  # its PDF then came from another .tex
    assert check(capsys)[:2] == (ExitCode.FAILED, ["would rebuild out/iid-cross-entropy.pdf"])


def test_without_tex_the_text_files_are_checked_and_the_pdfs_only_as_listed(project, capsys, monkeypatch):
    monkeypatch.setattr(pdf, "tex_available", lambda: False)
    out = project / "out"
    manifest, _ = recorded(out)
    (out / "lecture-notes.pdf").unlink()
    del manifest["lecture-notes.pdf"]  # never made here: this machine could not, so it is not looked at
    build._write_manifest(out, manifest)
    (out / "slides.pdf").unlink()  # listed, so still missed
    (out / "slides.tex").write_text("% edited\n")
    code, listed, err = check(capsys)
    assert code == ExitCode.FAILED
    assert listed == ["would write out/slides.pdf", "would rewrite out/slides.tex"]
    assert err.count(NO_TEX) == 1


def test_a_refuted_step_fails_as_the_build_does_and_lists_the_write_ups_it_would_remove(project, capsys):
    module = project / "proofs" / MODULE
    source = module.read_text()
    slip = "nll.step(-CrossEntropy(p, q),"
    assert slip in source
    module.write_text(source.replace(slip, "nll.step(CrossEntropy(p, q),"))  # a sign lost
    code, listed, err = check(capsys)
    assert code == ExitCode.FAILED
    assert "would remove out/iid-cross-entropy.md" in listed and "would remove out/slides.tex" in listed
    assert "not written, a step is refuted" in err


def test_the_manifest_records_the_tex_each_pdf_was_typeset_from(tmp_path, monkeypatch):
    def typeset(tex: Path, out_dir: Path) -> Path:
        return pdf.write_atomic(out_dir / tex.with_suffix(".pdf").name, b"%PDF " + tex.read_bytes())

    monkeypatch.setattr(pdf, "compile_pdf", typeset)
    build._publish({"a.tex": "one", "a.md": "text"}, ["a.tex"], ["a.tex", "a.md", "a.pdf"], tmp_path)
    manifest, sources = recorded(tmp_path)
    assert sources == {"a.pdf": manifest["a.tex"]} and manifest["a.pdf"] == digest(tmp_path / "a.pdf")
    build._publish({"a.tex": "two", "a.md": "text"}, [], ["a.tex", "a.md", "a.pdf"], tmp_path)  # --no-pdf
    assert not (tmp_path / "a.pdf").exists() and recorded(tmp_path)[1] == {}


def test_bad_input_keeps_its_exit_code_over_stale_files(project, capsys):
    (project / "proofs" / "broken.py").write_text("this is not Python\n")
    code = main(["build", "--check", f"proofs/{MODULE}", "proofs/broken.py", "--out", "out", *BUDGET])
    out, err = capsys.readouterr()
    assert code == ExitCode.BAD_INPUT and "broken.py" in err
    assert "would remove out/lecture-notes.tex" in out  # the notes would miss a module: the build removes them


# -- the write-ups of a derivation no module makes any more (review of issue 17: they stayed, and the check passed) --

SMALL = """from sympy import Product, Sum, Symbol, log

from derive import Context, Derivation

ctx = Context()
n = ctx.size("n")
a = ctx.positive("a", index=(1, n))
i = Symbol("i", integer=True)
d = Derivation("The log of a product", ctx, start=log(Product(a[i], (i, 1, n))), name="log-of-product")
d.step(Sum(log(a[i]), (i, 1, n)), "the log of a product of positive numbers is the sum of their logs", by="log_prod")
"""
#: The files derive writes for a derivation without a PDF, and its page of the site.
WRITE_UPS = ("{}-fragment.tex", "{}.json", "{}.md", "{}.tex", "html/{}.html")


def _write_ups(name: str, site: bool = True) -> list[str]:
    return sorted("out/" + f.format(name) for f in WRITE_UPS if site or not f.startswith("html/"))


def _rename(module: Path, old: str, new: str) -> None:
    source = module.read_text()
    assert f'name="{old}"' in source
    module.write_text(source.replace(f'name="{old}"', f'name="{new}"'))


def test_the_write_ups_of_a_renamed_derivation_are_listed_then_removed_and_a_users_edit_is_kept(project, capsys):
    out = project / "out"
    _rename(project / "proofs" / MODULE, "iid-cross-entropy", "iid-nll")
    code, listed, _ = check(capsys)
    assert code == ExitCode.FAILED
    old = sorted([*_write_ups("iid-cross-entropy"), "out/iid-cross-entropy.pdf"])
    assert sorted(line.removeprefix("would remove ") for line in listed if line.startswith("would remove")) == old
    (out / "iid-cross-entropy.md").write_text("the user's own notes, since derive wrote it")
    assert main(["build", f"proofs/{MODULE}", "--out", "out", "--no-pdf", *BUDGET]) == ExitCode.OK
    err = capsys.readouterr().err
    assert "iid-cross-entropy: no module of this build makes it any more" in err
    assert "removed stale out/iid-cross-entropy.tex" in err and "removed stale out/iid-cross-entropy.pdf" in err
    assert sorted(p.name for p in out.glob("iid-cross-entropy*")) == ["iid-cross-entropy.md"]  # changed: kept
    assert check(capsys, "--no-pdf")[:2] == (ExitCode.OK, [])


def test_a_manifest_from_before_derive_recorded_the_modules_removes_nothing_of_a_renamed_derivation(project, capsys):
    data = json.loads((project / "out" / MANIFEST).read_text())
    del data[build.MODULES]
    (project / "out" / MANIFEST).write_text(json.dumps(data))
    _rename(project / "proofs" / MODULE, "iid-cross-entropy", "iid-nll")
    code, listed, _ = check(capsys)
    assert code == ExitCode.FAILED and "would write out/iid-nll.md" in listed  # read as before
    assert not [line for line in listed if line.startswith("would remove out/iid-cross-entropy")]


@pytest.fixture
def two(project, capsys) -> Path:
    """The project with a second module in its own folder, extra/, both built into out."""
    (project / "extra").mkdir()
    (project / "extra" / "small.py").write_text(SMALL)
    assert main(["build", "proofs", "extra", "--out", "out", "--no-pdf", *BUDGET]) == ExitCode.OK
    capsys.readouterr()
    return project


def test_a_deleted_modules_write_ups_are_listed_then_removed(two, capsys):
    (two / "extra" / "small.py").unlink()
    (two / "extra" / "other.py").write_text(SMALL.replace('name="log-of-product"', 'name="other"'))
    code = main(["build", "--check", "proofs", "extra", "--out", "out", "--no-pdf", *BUDGET])
    listed = [line.removeprefix("would remove ") for line in capsys.readouterr().out.splitlines()]
    assert code == ExitCode.FAILED and set(_write_ups("log-of-product")) <= set(listed)
    assert main(["build", "proofs", "extra", "--out", "out", "--no-pdf", *BUDGET]) == ExitCode.OK
    assert not list((two / "out").rglob("log-of-product*")) and (two / "out" / "other.md").is_file()


def test_a_build_of_one_path_keeps_the_write_ups_another_paths_modules_made(two, capsys):
    (two / "extra" / "small.py").unlink()  # not in this build: its write-ups are not this build's to judge
    code = main(["build", "--check", "proofs", "--out", "out", "--no-pdf", "--no-notes", *BUDGET])
    assert (code, capsys.readouterr().out.count("would ")) == (ExitCode.OK, 0)
    assert main(["build", "proofs", "--out", "out", "--no-pdf", *BUDGET]) == ExitCode.OK
    assert all((two / name).is_file() for name in _write_ups("log-of-product", site=False))  # the site is the build's


def test_a_module_that_fails_to_load_keeps_its_write_ups(two, capsys):
    (two / "extra" / "small.py").write_text("this is not Python\n")
    code = main(["build", "--check", "proofs", "extra", "--out", "out", "--no-pdf", *BUDGET])
    assert code == ExitCode.BAD_INPUT and "would remove out/log-of-product" not in capsys.readouterr().out
    assert main(["build", "proofs", "extra", "--out", "out", "--no-pdf", *BUDGET]) == ExitCode.BAD_INPUT
    assert all((two / name).is_file() for name in _write_ups("log-of-product", site=False))
