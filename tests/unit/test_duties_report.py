"""The HTML report is one self-contained file: embedded images, no external URL."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from fakes import FakeCompiled
from fakes import four_flows as _flows
from tariffsim.duties.etr import duties_from_compiled, series_from_compiled
from tariffsim.duties.report import render_html


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[str] = []
        self.tables = 0
        self.h2: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        if tag == "table":
            self.tables += 1
        self._in_h2 = tag == "h2"

    def handle_data(self, data):
        if self._in_h2:
            self.h2.append(data)
            self._in_h2 = False


def test_report_is_self_contained() -> None:
    c = FakeCompiled()
    s = series_from_compiled(c, _flows(), dt.date(2025, 2, 1), dt.date(2025, 4, 1), by=())
    snap = duties_from_compiled(c, _flows(), dt.date(2025, 3, 31))
    html = render_html(series=s, snapshot=snap, validation=None)
    p = _Collect()
    p.feed(html)
    # three charts (series stacked by authority, partners, chapters), all base64 PNG data URIs
    assert len(p.imgs) == 3
    assert all(src.startswith("data:image/png;base64,") and len(src) > 1000 for src in p.imgs)
    assert p.tables >= 4
    assert not re.search(r"https?://", html)
    # the snapshot heading carries the ETR of 2025-03-31: 21.00% (hand computation in test_duties_etr)
    assert any("21.00%" in h for h in p.h2)
