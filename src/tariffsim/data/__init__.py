"""tariffsim.data: loaders for the reference data, its cache, downloads and the default bundle.

Modules (import them directly; this package imports nothing heavy):

* :mod:`~tariffsim.data.paths` — where data is found (``TARIFFSIM_DATA``, ``../shared/data``, bundle)
  and the cache folder;
* :mod:`~tariffsim.data.hts` — USITC HTS editions: rate-text parser, MFN and special-rate tables;
* :mod:`~tariffsim.data.census` — US trade 2024 (HS10 × partner imports, partner totals, duty);
* :mod:`~tariffsim.data.lists` — legal product lists, USMCA shares, metal content shares;
* :mod:`~tariffsim.data.store` — parquet cache of parsed frames;
* :mod:`~tariffsim.data.download` — downloads of the live official sources.

The default bundle (``bundle/``) is built by ``scripts/build_bundle.py``; see ``bundle/PROVENANCE.md``.
"""
