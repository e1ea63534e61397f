"""The text form and ordering of input errors."""

from __future__ import annotations

from evaluator.errors import InputError, InputErrors


def test_text_form_omits_missing_parts() -> None:
    assert str(InputError("f.yaml", 3, 7, "tools[3].id", "bad")) == "f.yaml:3:7: tools[3].id: bad"
    assert str(InputError("f.yaml", 3, None, "", "bad")) == "f.yaml:3: bad"
    assert str(InputError("f.yaml", None, None, "", "file is empty")) == "f.yaml: file is empty"
    assert str(InputError("f.yaml", None, None, "kind", "m")) == "f.yaml: kind: m"


def test_errors_are_sorted_by_file_and_position_and_deduplicated() -> None:
    late = InputError("a.yaml", 9, 1, "", "late")
    early = InputError("a.yaml", 2, 5, "", "early")
    whole_file = InputError("a.yaml", None, None, "", "whole")
    other = InputError("b.yaml", 1, 1, "", "other")
    raised = InputErrors([other, late, early, whole_file, late])
    assert raised.errors == (whole_file, early, late, other)
    assert str(raised).splitlines() == [str(e) for e in (whole_file, early, late, other)]
