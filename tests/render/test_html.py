"""The HTML site's pages as text: anchors, citation links, escaping, the index's counts, the files a build writes.

The results are made by hand (conftest.py), so these tests exercise the site's renderer alone; the site in a real
browser is tests/test_site_browser.py.
"""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from derive.core.evidence import Evidence, StepResult, TraceEntry
from derive.entry.build import COMBINED, MANIFEST, SITE, remove_stale, site_files, write_site
from derive.render import links
from derive.render.html import asset_files, page_name, render_site
from derive.render.html.site import counts
from derive.run.check import DerivationReport
from derive.run.loader import load

ROOT = Path(__file__).resolve().parents[2]


def proved(derivation) -> list[StepResult]:
    """Every step proved by one rule that used an assumption."""
    return [
        StepResult(Evidence.PROVED, "", trace=[TraceEntry("ring_nf", "lhs", ("q_i > 0",))]) for _ in derivation.steps
    ]


@pytest.fixture(scope="module")
def citing():
    """Gibbs' inequality (cites log x ≤ x − 1) and the result it cites, every step proved."""
    loaded = load([ROOT / "proofs" / "log_inequality.py", ROOT / "proofs" / "gibbs_inequality.py"])
    derivations = [d for item in loaded for d in item.derivations]
    names = [d.name for d in derivations]
    assert "gibbs-inequality" in names and "log-le-sub-one" in names
    return [(d, proved(d)) for d in derivations]


class _Ids(HTMLParser):
    """Every id and every href of a page (and whether the page parses as HTML at all)."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.hrefs.append(attrs["href"])
        for key in ("src", "href"):
            if tag in ("script", "link") and key in attrs:
                self.hrefs.append(attrs[key])


def _parsed(text: str) -> _Ids:
    parser = _Ids()
    parser.feed(text)
    return parser


def test_every_line_has_its_stable_anchor_and_the_conclusion_its_label(derivation, results):
    page = render_site([(derivation, results)], "Notes")["iid-cross-entropy.html"]
    ids = _parsed(page).ids
    assert "iid-cross-entropy:take-logs" in ids and "iid-cross-entropy:group-by-counts" in ids
    assert "iid-cross-entropy" in ids  # the conclusion, which citations link to
    assert 'href="#iid-cross-entropy:take-logs"' in page  # the line number links to its own anchor


def test_a_citation_links_to_the_cited_conclusion_and_every_link_resolves(citing):
    site = render_site(citing, "Notes")
    gibbs = site["gibbs-inequality.html"]
    assert 'href="log-le-sub-one.html#log-le-sub-one"' in gibbs
    ids = {name: _parsed(text).ids for name, text in site.items()}
    assets = set(asset_files())
    for name, text in site.items():
        for href in _parsed(text).hrefs:
            assert not re.match(r"[a-z]+:|/", href) or href == "data:,", f"{name}: not a relative link: {href}"
            target, _, anchor = href.partition("#")
            if href == "data:,":
                continue
            target = target or name
            assert target in ids or target in assets, f"{name}: {href} names no page of the site"
            assert not anchor or anchor in ids.get(target, ()), f"{name}: {href} names no element"


def test_the_graph_page_draws_the_citation_from_the_shared_layout(citing):
    site = render_site(citing, "Notes")
    graph = site["graph.html"]
    edges = links.edges([d for d, _ in citing])
    assert ("log-le-sub-one", "gibbs-inequality") in edges
    assert graph.count("<foreignObject") == len({n for e in edges for n in e})  # a box per result in a citation
    assert graph.count('marker-end="url(#arrow)"') == len(edges)  # an arrow per citation
    assert 'href="gibbs-inequality.html"' in graph and 'href="log-le-sub-one.html"' in graph
    # a site without citations has no graph page, and no link to one
    alone = render_site([citing[0]], "Notes")
    assert "graph.html" not in alone and "graph.html" not in alone["index.html"]


def test_titles_and_prose_are_escaped(derivation, results):
    hostile = dataclasses.replace(
        derivation, title="<script>alert(1)</script> & <b>bold</b>", intro='He said "x < y" & left.'
    )
    site = render_site([(hostile, results)], "A <i>site</i>")
    for text in site.values():
        assert "<script>alert" not in text and "<b>bold" not in text and "<i>site" not in text
    page = site["iid-cross-entropy.html"]
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;</title>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.split("<h1>")[1]
    assert "&amp; left." in page


def test_the_index_counts_every_evidence_level(derivation, mixed_results):
    index = render_site([(derivation, mixed_results)], "Notes")["index.html"]
    lines = [r.evidence for s, r in zip(derivation.steps, mixed_results) if s.kind.name != "REFERENCE"]
    shown = counts(lines)  # the reference code is not a line of the chain
    assert shown[Evidence.PROVED] == 4 and shown[Evidence.REFUTED] == 1 and shown[Evidence.ASSUMED] == 1
    header = re.search(r"<tr>(<th>.*?)</tr>", index).group(1)
    assert re.findall(r"<th>([^<]*)</th>", header) == [
        "Derivation",
        "Lines",
        "proved",
        "proved for sizes",
        "numeric",
        "undecided",
        "refuted",
        "assumed",
        "Marks, line by line",
    ]
    row = re.search(r'<tr id="iid-cross-entropy">(.*?)</tr>', index).group(1)
    numbers = re.findall(r'<td class="count">(\d*)</td>', row)
    assert numbers == ["9", "4", "1", "1", "1", "1", "1"]
    assert row.count('class="mark ') == 9  # one mark per line, each a link to its line
    assert "9 lines: 4 proved, 1 proved for sizes, 1 numeric, 1 undecided, 1 refuted, 1 assumed." in index


def test_a_refuted_line_shows_its_counterexample_and_every_line_what_it_used(derivation, refuted_results):
    page = render_site([(derivation, refuted_results)], "Notes")["iid-cross-entropy.html"]
    assert "Counterexample: " in page and "<pre>" in page
    assert page.count("<details>") == len([s for s in derivation.steps if s.kind.name != "REFERENCE"])
    assert "<code>log_prod</code>" in page and "q_i" not in page.split("<code>log_prod</code>")[1].split("</li>")[0]


def test_page_names_avoid_the_fixed_pages():
    assert page_name("iid-cross-entropy") == "iid-cross-entropy.html"
    assert page_name("index") == "derivation-index.html"
    assert page_name("graph") == "derivation-graph.html"


def test_the_shipped_katex_is_complete():
    files = asset_files()
    for name in ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "LICENSE"):
        assert f"assets/katex/{name}" in files
    fonts = [n for n in files if n.endswith(".woff2")]
    css = files["assets/katex/katex.min.css"].read_text()
    assert sorted(re.findall(r"url\(fonts/([^)]+\.woff2)\)", css)) == sorted(n.rsplit("/", 1)[1] for n in fonts)


def _report(d, results) -> DerivationReport:
    return DerivationReport(d, results, path="")


def test_the_site_is_written_listed_and_its_stale_pages_removed(tmp_path, citing):
    reports = [_report(d, r) for d, r in citing]
    assert write_site(reports, tmp_path, "Notes") == tmp_path / SITE
    files = site_files(reports, "Notes")
    for name in files:
        assert (tmp_path / name).is_file(), name
    manifest = (tmp_path / MANIFEST).read_text()
    assert f'"{SITE}/gibbs-inequality.html"' in manifest and f'"{SITE}/assets/katex/katex.min.js"' in manifest
    # a build without Gibbs: its page and the graph page are stale
    write_site(reports[:1], tmp_path, "Notes")
    assert not (tmp_path / SITE / "gibbs-inequality.html").exists()
    assert not (tmp_path / SITE / "graph.html").exists()
    assert (tmp_path / SITE / "log-le-sub-one.html").is_file()
    # the folder's entry in COMBINED removes everything derive wrote there, and nothing else
    (tmp_path / SITE / "mine.html").write_text("the user's own")
    remove_stale(tmp_path, [COMBINED["site"]])
    assert sorted(p.name for p in (tmp_path / SITE).rglob("*")) == ["mine.html"]
