"""Agenda numbering, package description and additive utilities (values checked by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.core.errors import InputError
from tariffsim.negotiation.domain import (
    AdditiveUtility,
    Agenda,
    BargainingProblem,
    Issue,
    categorical_issue,
    numeric_issue,
)

AG = Agenda(
    (
        numeric_issue("reciprocal_rate", [0.10, 0.15, 0.24], "rate"),
        numeric_issue("lng_purchases", [0, 5, 10, 20], "$bn/yr"),
        categorical_issue("vehicle_standards", ["none", "partial", "full"]),
    )
)


def test_sizes_and_numbering():
    assert AG.sizes == (3, 4, 3)
    assert AG.n_packages == 36
    # mixed radix, last issue fastest: index = l0·12 + l1·3 + l2
    assert AG.decode([0, 1, 3, 35]).tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 0], [2, 3, 2]]
    assert AG.encode(np.array([[1, 2, 1]])).tolist() == [1 * 12 + 2 * 3 + 1]
    all_pk = AG.all_packages()
    assert all_pk.shape == (36, 3)
    assert AG.encode(all_pk).tolist() == list(range(36))


def test_huge_agenda_is_not_enumerated():
    big = Agenda(tuple(numeric_issue(f"i{j}", range(10), "x") for j in range(10)))
    assert big.n_packages == 10**10  # exact Python int
    assert big.decode([10**10 - 1]).tolist() == [[9] * 10]
    with pytest.raises(InputError, match="enumeration limit"):
        big.all_packages()


def test_describe_and_package():
    row = AG.package({"reciprocal_rate": 0.15, "lng_purchases": 10, "vehicle_standards": "partial"})
    assert row.tolist() == [1, 2, 1]
    assert AG.describe(row) == {
        "reciprocal_rate": 0.15,
        "lng_purchases": 10.0,
        "vehicle_standards": "partial",
    }
    assert AG.values(np.array([[2, 0, 0], [0, 3, 2]]), "lng_purchases").tolist() == [0.0, 20.0]
    with pytest.raises(InputError, match="no level"):
        AG.package({"reciprocal_rate": 0.2, "lng_purchases": 10, "vehicle_standards": "partial"})


def test_issue_validation():
    with pytest.raises(InputError):
        Issue("x", (1, 1), "u", "numeric")
    with pytest.raises(InputError):
        Issue("x", ("a",), "u", "ordinal")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        Agenda((numeric_issue("x", [1], "u"), numeric_issue("x", [2], "u")))


def test_additive_utility_by_hand():
    u = AdditiveUtility(
        AG, (np.array([3.0, 2, 0]), np.array([0.0, -1, -2, -4]), np.array([0.0, 0.5, 1])), 1.0
    )
    # (0, 0, 2): 1 + 3 + 0 + 1 = 5 ; (2, 3, 0): 1 + 0 − 4 + 0 = −3
    assert u.evaluate(np.array([[0, 0, 2], [2, 3, 0]])).tolist() == [5.0, -3.0]
    best, vmax = u.best()
    assert best.tolist() == [0, 0, 2] and vmax == 5.0
    worst, vmin = u.worst()
    assert worst.tolist() == [2, 3, 0] and vmin == -3.0
    # normalised with reservation 1: (u − 1)/(5 − 1)
    n = u.normalized(1.0)
    assert n.evaluate(np.array([[0, 0, 2], [2, 3, 0]])).tolist() == [1.0, -1.0]
    with pytest.raises(InputError):
        u.normalized(6.0)
    with pytest.raises(InputError, match="has 2 values"):
        AdditiveUtility(AG, (np.zeros(2), np.zeros(4), np.zeros(3)))


def test_problem_candidates_and_party():
    u = AdditiveUtility(AG, (np.zeros(3), np.zeros(4), np.zeros(3)))
    p = BargainingProblem(AG, (u, u), (0, 0), ("USA", "JPN"), feasible=lambda pk: pk[:, 0] == 0)
    assert p.party("JPN") == 1 and p.party(0) == 0
    assert p.candidate_packages().shape == (12, 3)  # 4 × 3 packages with rate level 0
    with pytest.raises(InputError):
        p.party("CHN")
    with pytest.raises(InputError):
        BargainingProblem(AG, (u, u), (0, 0), ("USA", "USA"))
