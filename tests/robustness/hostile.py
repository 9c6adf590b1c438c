"""Hostile inputs shared by the robustness tests and ``benchmarks/attack_cli.py``.

The shapes are those of the December 2026 review (defects 1–6, 14, 17): YAML alias bombs of a few
hundred bytes, 20,000-deep nesting, endless files, binary and mis-encoded tables, spreadsheet-damaged
codes, non-finite numbers, non-ASCII digits.
"""

from __future__ import annotations

import gzip


def alias_bomb(levels: int, width: int = 10) -> str:
    """A reform whose ``change`` holds ``levels`` anchors of ``width`` aliases each of the previous
    one: ``width ** levels`` nodes once expanded (10^8 in 477 bytes, 10^10 in 585)."""
    lines = ["title: bomb", "change:", "  x:", "    a0: &a0 [" + ",".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"    a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def deep_yaml(depth: int = 20_000) -> str:
    """``change: [[[…]]]`` nested ``depth`` deep (40 KB at 20,000)."""
    return "title: deep\nchange: " + "[" * depth + "]" * depth + "\n"


CAR = "8703230190"
DAY = "2025-04-05"
GOOD_ROW = f"JPN,{CAR},{DAY},1000"
HEADER = "origin,hs,date,value_usd"

# (name, bytes of the file, expected: "ok" with the number of rated rows, or the refusal's text)
TABLES: list[tuple[str, bytes, str]] = [
    ("trailing_blank_line", f"{HEADER}\n{GOOD_ROW}\n\n".encode(), "ok 1"),
    ("excel_empty_row", f"{HEADER}\n{GOOD_ROW}\n,,,\n{GOOD_ROW}\n".encode(), "ok 2"),
    ("crlf", f"{HEADER}\r\n{GOOD_ROW}\r\n".encode(), "ok 1"),
    ("utf8_bom", ("\ufeff" + f"{HEADER}\n{GOOD_ROW}\n").encode(), "ok 1"),
    ("utf16_comma", f"{HEADER}\n{GOOD_ROW}\n".encode("utf-16"), "ok 1"),
    (
        "utf16_tab",
        f"{HEADER}\n{GOOD_ROW}\n".replace(",", "\t").encode("utf-16"),
        "separated by tabs",
    ),
    ("semicolons", f"{HEADER}\n{GOOD_ROW}\n".replace(",", ";").encode(), "separated by semicolons"),
    ("latin1", f"{HEADER}\nCôte d'Ivoire,{CAR},{DAY},1\n".encode("latin-1"), "not UTF-8 text"),
    ("binary", bytes(range(256)) * 16, "binary file"),
    ("gzip", gzip.compress(f"{HEADER}\n{GOOD_ROW}\n".encode()), "gzip-compressed"),
    ("xlsx", b"PK\x03\x04" + b"\x00" * 100, "Excel workbook"),
    ("empty", b"", "empty file"),
    ("header_only", f"{HEADER}\n".encode(), "ok 0"),
    ("field_1mb", f"{HEADER}\nJPN,{'8' * 1_000_000},{DAY},1\n".encode(), "longer than 131,072"),
    (
        "quoted_field_1mb",
        f'{HEADER}\nJPN,"{"8" * 1_000_000}",{DAY},1\n'.encode(),
        "longer than 131,072",
    ),
    (
        "columns_5000",
        (
            HEADER
            + ","
            + ",".join(f"c{i}" for i in range(5000))
            + "\n"
            + GOOD_ROW
            + "," * 5000
            + "\n"
        ).encode(),
        "ok 1",
    ),
    ("unterminated_quote", f'{HEADER}\n"JPN,{CAR}\n'.encode(), "malformed CSV"),
    (
        "multiline_quoted",
        f'{HEADER}\n"Japan",{CAR},{DAY},1\n"JP\nN",{CAR},{DAY},1\n{GOOD_ROW}\n'.encode(),
        "table.csv:3:",
    ),
    ("fullwidth_digits", f"{HEADER}\nJPN,８７０３２３０１９０,{DAY},1\n".encode(), "ok 1"),
    ("arabic_indic_digits", f"{HEADER}\nJPN,٨٧٠٣٢٣٠١٩٠,{DAY},1\n".encode(), "ok 1"),
    (
        "dropped_leading_zero",
        f"{HEADER}\nJPN,302130013,{DAY},1\n".encode(),
        "a leading zero dropped? 0302130013",
    ),
    ("scientific_notation", f"{HEADER}\nJPN,8.70323E+09,{DAY},1\n".encode(), "scientific notation"),
    ("decimal_point_code", f"{HEADER}\nJPN,8703230190.0,{DAY},1\n".encode(), "no '.0'"),
    ("nan_value", f"{HEADER}\nJPN,{CAR},{DAY},nan\n".encode(), "value_usd: 'nan' is not a number"),
    ("inf_value", f"{HEADER}\nJPN,{CAR},{DAY},inf\n".encode(), "value_usd: 'inf' is not a number"),
    (
        "overflow_value",
        f"{HEADER}\nJPN,{CAR},{DAY},1e309\n".encode(),
        "value_usd: '1e309' is not a finite number",
    ),
    ("negative_value", f"{HEADER}\nJPN,{CAR},{DAY},-5\n".encode(), "not non-negative"),
    ("thousands_separator", f'{HEADER}\nJPN,{CAR},{DAY},"12,500"\n'.encode(), "ok 1"),
    ("decimal_comma", f'{HEADER}\nJPN,{CAR},{DAY},"12,5"\n'.encode(), "decimal comma"),
    ("basic_iso_date", f"{HEADER}\nJPN,{CAR},20250405,1\n".encode(), "ok 1"),
    (
        "us_date",
        f"{HEADER}\nJPN,{CAR},4/5/2025,1\n".encode(),
        "order of day and month is ambiguous",
    ),
    ("too_few_fields", f"{HEADER}\nJPN,{CAR}\n".encode(), "date: blank"),
    ("too_many_fields", f"{HEADER}\n{GOOD_ROW},extra\n".encode(), "5 fields but the header has 4"),
    ("group_origin", f"{HEADER}\nEU,{CAR},{DAY},1\n".encode(), "is a group"),
    ("markup_origin", f"{HEADER}\n[bold]:x:,{CAR},{DAY},1\n".encode(), "'[bold]:x:'"),
    ("aliases", f"country,HTS10,Date,Value\nJapan,{CAR},{DAY},1\n".encode(), "ok 1"),
    (
        "duplicate_alias",
        f"origin,country,hs,date\nJPN,JPN,{CAR},{DAY}\n".encode(),
        "two columns mean 'origin'",
    ),
]
