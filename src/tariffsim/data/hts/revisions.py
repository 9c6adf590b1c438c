"""HTS revisions with their publication and legal effective dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tariffsim.data import paths

if TYPE_CHECKING:
    import polars as pl


def revisions() -> pl.DataFrame:
    """HTS revisions with their dates (``usitc_hts/revision_dates.csv``).

    Columns: revision (as in the file: ``basic``, ``rev_7``, ``2026_rev_1``), edition (file name
    stem: ``2025_basic``, ``2025_rev_7``, ``2026_rev_1``), published (date the revision was
    published, ``effective_date`` in the file), legal_effective (``policy_effective_date``: the legal
    effective date of the policy it carries, where it differs; else null), event, tpc_date,
    needs_review.
    """
    import polars as pl

    rel = "usitc_hts/revision_dates.csv"
    p = paths.shared_file(rel)
    if p is None:
        b = paths.bundle_file("revisions.parquet")
        if b is None:
            raise paths.missing(rel, bundle_name="revisions.parquet")
        return pl.read_parquet(b)
    df = pl.read_csv(p, null_values=["NA", ""], infer_schema_length=0)
    rev = pl.col("revision")
    return df.select(
        rev,
        pl.when(rev.str.starts_with("20"))
        .then(rev)
        .otherwise(pl.lit("2025_") + rev)
        .alias("edition"),
        pl.col("effective_date").str.to_date().alias("published"),
        pl.col("policy_effective_date").str.to_date().alias("legal_effective"),
        pl.col("policy_event").alias("event"),
        pl.col("tpc_date").str.to_date().alias("tpc_date"),
        pl.col("needs_review"),
    )
