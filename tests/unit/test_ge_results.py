"""The shared frozen result type (tariffsim.models.results.ModelResult)."""

from __future__ import annotations

import dataclasses
import pickle

import polars as pl
import pytest

from tariffsim.core.errors import InputError, SolverDiagnostics
from tariffsim.models.results import ModelResult


def _result() -> ModelResult:
    return ModelResult(
        model="ge",
        scenario="demo",
        frames={"regions": pl.DataFrame({"region": ["USA"], "welfare_pct": [1.13]})},
        diagnostics=SolverDiagnostics(4, 1e-15, 1e-10, True, {"method": "newton"}),
        provenance={"eps": 4.0},
    )


def test_frozen_and_read_only():
    r = _result()
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.scenario = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        r.frames["x"] = pl.DataFrame()  # type: ignore[index]
    with pytest.raises(TypeError):
        r.provenance["eps"] = 8.0  # type: ignore[index]


def test_frame_lookup_and_dict():
    r = _result()
    assert r.frame("regions")["welfare_pct"].to_list() == [1.13]
    with pytest.raises(InputError):
        r.frame("countries")
    d = r.to_dict()
    assert d["frames"]["regions"] == [{"region": "USA", "welfare_pct": 1.13}]
    assert d["diagnostics"]["iterations"] == 4 and d["provenance"] == {"eps": 4.0}


def test_pickles_for_process_pools():
    r = pickle.loads(pickle.dumps(_result()))
    assert r.frame("regions").equals(_result().frame("regions"))
    assert r.diagnostics == _result().diagnostics and dict(r.provenance) == {"eps": 4.0}
