"""The chain model (derive.render.chain): built once, each format dispatching on the kind of line.

The sentences the formats share are written once in the model; these tests pin that every format says them the
same way, including the lower-casing after "For example," that the Markdown once lacked.
"""

from __future__ import annotations

import dataclasses

import pytest

from derive.core.evidence import Evidence
from derive.render import chain
from derive.render.latex import render_fragment
from derive.render.markdown import render_markdown
from derive.render.mathjax import render_mathjax
from derive.render.slides import derivation_frames


def test_one_line_per_step_each_of_its_kind(derivation, results):
    shown = chain.build(derivation, results)
    assert isinstance(shown.opening, chain.Opening) and shown.opening.lhs == r"L(\theta)"
    kinds = [line.kind for line in shown.lines]
    assert kinds[:2] == ["Assumption", "Example"] and set(kinds[2:]) == {"Claim"}
    in_chain = [s for s in derivation.steps if s.kind != "reference"]  # reference code stands beside the chain
    assert [line.number for line in shown.lines] == list(range(1, len(in_chain) + 1))
    assert list(shown) == [shown.opening, *shown.lines]
    first = shown.lines[0]
    assert first.label == "iid-cross-entropy:iid" and first.evidence is Evidence.ASSUMED and first.mark == r"\dagger"
    example = shown.lines[1]
    assert example.justification == chain.EXAMPLE_CHECKED and example.lhs.startswith(r"\left. ")
    assert dict(example.values)["N"] == "3"
    assert [u.rule for u in shown.lines[2].rules] == ["q_def", "ring_nf"]


def test_without_results_the_lines_carry_no_marks(derivation):
    shown = chain.build(derivation)
    assert not shown.checked and all(line.mark == "" and line.result is None for line in shown.lines)


def test_results_must_match_the_steps(derivation, results):
    with pytest.raises(ValueError, match="one per step"):
        chain.build(derivation, results[:-1])


class _Words(chain.ChainRenderer):
    def text(self, plain: str) -> str:
        return plain

    def _render_Claim(self, line: chain.Line) -> str:
        return "claim"

    def _render_Example(self, line: chain.Line) -> str:
        return "example"


def test_a_kind_without_its_own_method_is_rendered_as_its_base(derivation, results):
    shown = chain.build(derivation, results)
    assert [_Words(shown).render(line) for line in shown.lines[:3]] == ["claim", "example", "claim"]
    with pytest.raises(NotImplementedError, match="Opening"):
        _Words(shown).render(shown.opening)


def test_every_format_lower_cases_after_for_example(derivation, results):
    n = next(i for i, s in enumerate(derivation.steps) if s.kind == "example")
    derivation.steps[n] = dataclasses.replace(derivation.steps[n], because="For the training set [2, 2, 1]")
    latex = render_fragment(derivation, results)
    markdown = render_markdown(derivation, results)
    slides = "\n".join(derivation_frames(derivation, results, 1))
    for text in (latex, markdown, slides):
        assert "For example, for the training set [2, 2, 1]:" in text and "For example, For" not in text


def test_every_format_says_the_shared_sentences(derivation, results):
    latex = render_fragment(derivation, results)
    slides = "\n".join(derivation_frames(derivation, results, 1))
    mathjax = render_mathjax(derivation, results, "")
    for text in (latex, slides):
        assert chain.EXAMPLE_CHECKED in text and rf"\emph{{{chain.ASSUMPTION}}} the examples" in text
    assert r"\text{checked exactly at these values}" in mathjax and r"\text{assumption: the examples" in mathjax
    # before a check, a notebook shows no "assumption:" (nothing has been weighed yet)
    assert "assumption:" not in render_mathjax(derivation, None, "")
