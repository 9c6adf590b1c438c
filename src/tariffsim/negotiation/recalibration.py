"""Rolling-origin recalibration of the wave forecasts: bias shift and Gaussian dressing from the
model's own errors on the deals concluded before the forecast date.

**Why.** The raw model's headline draws are biased and overconfident (its 10–90 bands cover far
fewer than 80% of the outcomes, several bands have zero width). The standard remedy for a biased,
under-dispersed ensemble is statistical post-processing fitted on past forecast errors only:
remove the mean error and add the spread the ensemble lacks ("dressing" each member with a kernel
whose variance makes the dressed ensemble's second moment match the past errors; Wang & Bishop
2005, "Improvement of ensemble reliability with a new dressing kernel", QJRMS 131, 965–986,
doi:10.1256/qj.04.120; Roulston & Smith 2003, "Combining dynamical and statistical ensembles",
Tellus A 55, 16–30). Central banks build their forecast intervals the same way from historical
forecast errors (Reifschneider & Tulip 2017, "Gauging the uncertainty of the economic outlook
using historical forecasting errors", FEDS 2017-020). With at most 15 past deals a full EMOS fit
(Gneiting, Raftery, Westveld & Goldman 2005, MWR 133, 1098–1118: four parameters by minimum
CRPS) is not identified, so only a shift and one added variance are estimated, and the shift is
shrunk toward zero.

**Specification.**
Fixed before it was run on any backtest target (the page ``docs/backtest.md`` names the commit).
For a forecast of partner ``p`` made on date ``t`` with
draws ``x_1..x_M`` of a rate (the headline as the deal names it, or the total car rate):

1. *Training deals* ``S_t``: the deals returned by ``known_outcomes(t)`` (concluded strictly before
   ``t``; nothing else about outcomes is read) that

   * set the rate being recalibrated — for the headline, a deal whose headline adds up the same
     measures as ``p``'s (``facts.headline_measures``: China's deals train China's forecasts
     only, as in the rolling baselines); for the car rate, every deal that set a car rate;
   * have a **past model forecast** in the history: the model's forecast for that deal's partner
     made :data:`LEAD_DAYS` (3) days before the deal was concluded (its T3 forecast), with at
     least one draw of that rate. One past forecast per deal; forecasts made on other dates are
     not used.

   ``y_d`` is the deal's rate as ``known_outcomes(t)`` gives it.
2. Per training deal: residual ``r_d = y_d − mean(X_d)`` and the draws' variance ``v_d = var(X_d)``
   (population variance, ``M_d`` draws).
3. ``n = |S_t|``. If ``n < N_MIN`` (:data:`N_MIN` = 3): **no recalibration** — the draws are
   returned unchanged (the default before enough deals exist: the raw model).
4. Otherwise:

   * shrinkage weight ``w = n / (n + K)`` with ``K`` = :data:`K_SHRINK` = 3 (a prior worth three
     deals that the model is unbiased: ``w`` = ½ at 3 deals, 0.8 at 12);
   * shift ``b = w · mean_d(r_d)``;
   * added variance (Wang & Bishop 2005, eq. for the dressing-kernel variance, with the shifted
     ensemble mean): ``s² = max(0, mean_d (r_d − b)² − mean_d (1 + 1/M_d)·v_d)`` — the part of
     the past squared error (after the shift) that the model's own spread did not account for;
   * recalibrated draws ``x'_i = max(0, x_i + b + s·z_i)``, ``z_i`` independent standard normal
     from ``numpy.random.default_rng([seed, 1])`` for the headline, ``[seed, 2]`` for the car
     rate (``seed`` = the forecast's seed). Rates cannot be negative, hence the floor at 0.
5. No draws (the model found no deal in any draw) stay no draws.
6. **P(deal) is not recalibrated.** The backtest's targets are chosen by their outcome (every
   deal's T3 forecast is made three days before that deal), so every past T3 target resolves
   "deal within 60 days"; a rolling Platt fit on past targets would learn the target design,
   not the forecaster's error. The recalibrated forecaster's P(deal) is the raw model's.
7. *Scored* as a forecaster of its own, "model, recalibrated (rolling)", beside the raw model and
   every baseline, in every table where the raw model has a score (headline CRPS, interval score,
   median error, 10–90 coverage and width, head to head against split the difference, the same
   without China, the car rate). The raw model stays in every table.
8. *Default in* ``forecast_partner``/``forecast_wave``: **off**, whatever the backtest shows —
   applying it needs the model's own forecast of every earlier deal (up to 15 more forecasts per
   call), far beyond the cost of one forecast; the option exists for users who pay that cost, and
   the backtest page reports whether it helped.

In the backtest the history is the run's own T3 forecasts; :func:`recalibrate` itself drops every
history entry whose deal is not in ``known_outcomes(t)`` or whose forecast date is not before
``t``, so a history holding later forecasts cannot leak them.
"""

from __future__ import annotations

LEAD_DAYS = 3
"""A deal's past forecast is the model's forecast made this many days before the deal (T3)."""
N_MIN = 3
"""Fewer training deals than this: the draws are returned unchanged."""
K_SHRINK = 3.0
"""Pseudo-count of the prior 'no bias': the shift is ``n/(n + K)`` of the mean residual."""
