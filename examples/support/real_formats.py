"""Turns the example client's generated CSV exports into the files the platforms really give.

    python examples/support/real_formats.py GENERATED_DIR examples/wechat/data
    python examples/support/real_formats.py SAMPLES_DIR rulesets/samples/wechat-official-account --by-year

The second writes the samples `kpi init` gives (two months, one file per account and year,
messages left in UTF-8), from `write_exports` over 2026-09-01..2026-10-31 (see
tests/kpi/example.rs).

GENERATED_DIR holds what `cargo run --example generate_wechat -- --out GENERATED_DIR` writes.
Needs xlwt (`pip install xlwt`), which writes BIFF `.xls` files as the WeChat backend does.
Written as ../../shared/reference/export-formats.md describes the downloads:

- 用户分析 → 用户增长 (§1.6): an HTML table saved as `.xls`, UTF-8, a title row above the
  headers, no account column, newest day first; one file per account and quarter, in a folder
  named after the account: `<account>/用户增长-2026Q3.xls`.
- 内容分析 → 下载数据明细 (§1.1): a BIFF `.xls` with one sheet `New Sheet1`, every cell text
  (numbers included), dates `YYYYMMDD`, newest first, no account column; one file per account
  and quarter: `<account>/内容分析-2026Q3.xls`.
- 消息分析: the CSV re-saved from Excel on a Chinese Windows: GBK, CRLF line ends.

The other exports are copied as they are.
"""

import csv
import html
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import xlwt

USERS_HEADER = ["时间", "新关注人数", "取消关注人数", "净增关注人数", "累积关注人数"]
ARTICLES_HEADER = ["发表日期", "标题", "送达人数", "公众号消息阅读人数", "图文阅读人数", "图文阅读次数", "分享人数", "点赞数", "评论数"]


def quarter(day):
    year, month = day[:4], int(day[5:7])
    return f"{year}Q{(month - 1) // 3 + 1}"


def read(path, encoding="utf-8-sig"):
    with open(path, encoding=encoding, newline="") as file:
        return list(csv.DictReader(file))


def users(generated, out):
    files = defaultdict(list)
    for path in sorted(generated.glob("users-*.csv")):
        for row in read(path):
            files[(row["公众号"], quarter(row["时间"]))].append(row)
    for (account, period), rows in sorted(files.items()):
        rows.sort(key=lambda r: r["时间"], reverse=True)
        lines = ['<html><head><meta charset="utf-8"></head><body>', '<table class="tb">']
        lines.append(f'<tr><th colspan="{len(USERS_HEADER)}">用户增长</th></tr>')
        lines.append("<tr>" + "".join(f"<th>{h}</th>" for h in USERS_HEADER) + "</tr>")
        for row in rows:
            lines.append("<tr>" + "".join(f"<td>{html.escape(row[h])}</td>" for h in USERS_HEADER) + "</tr>")
        lines.append("</table></body></html>")
        folder = out / account
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"用户增长-{period}.xls").write_text("\n".join(lines) + "\n", encoding="utf-8")


def articles(generated, out):
    files = defaultdict(list)
    for row in read(generated / "articles.csv"):
        files[(row["公众号"], quarter(row["发表日期"]))].append(row)
    for (account, period), rows in sorted(files.items()):
        rows.sort(key=lambda r: r["发表日期"], reverse=True)
        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("New Sheet1")
        for column, header in enumerate(ARTICLES_HEADER):
            sheet.write(0, column, header)
        for line, row in enumerate(rows, start=1):
            for column, header in enumerate(ARTICLES_HEADER):
                value = row[header].replace("-", "") if header == "发表日期" else row[header]
                sheet.write(line, column, value)  # text, as the backend writes every cell
        folder = out / account
        folder.mkdir(parents=True, exist_ok=True)
        book.save(str(folder / f"内容分析-{period}.xls"))


def messages(generated, out):
    with open(generated / "messages.csv", encoding="utf-8", newline="") as file:
        text = file.read()
    with open(out / "messages.csv", "w", encoding="gbk", newline="\r\n") as file:
        file.write(text)


def by_year(day):
    return day[:4]


def main():
    global quarter
    generated, out = Path(sys.argv[1]), Path(sys.argv[2])
    samples = "--by-year" in sys.argv[3:]
    if samples:
        quarter = by_year
    converted = ("users-", "articles") if samples else ("users-", "articles", "messages")
    out.mkdir(parents=True, exist_ok=True)
    for path in generated.glob("*.csv"):
        if not path.name.startswith(converted):
            shutil.copy(path, out / path.name)
    users(generated, out)
    articles(generated, out)
    if not samples:
        messages(generated, out)


if __name__ == "__main__":
    main()
