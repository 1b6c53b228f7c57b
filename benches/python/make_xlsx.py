"""Writes the workbook the xlsx reading benchmark reads: ROWS rows of one export's columns
(日期, 账号, 阅读人数, 分享人数) over 50 accounts and a year of days, as numbers and dates in
their own cells, the way a platform's download holds them.

    python make_xlsx.py ROWS OUT.xlsx
"""

import datetime
import sys

from openpyxl import Workbook


def main() -> None:
    rows, out = int(sys.argv[1]), sys.argv[2]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet1")
    sheet.append(["日期", "账号", "阅读人数", "分享人数"])
    start = datetime.date(2025, 11, 1)
    for i in range(rows):
        day = start + datetime.timedelta(days=i % 365)
        sheet.append([day, f"账号{i % 50:02d}", 100 + (i * 7919) % 900, (i * 104729) % 97])
    book.save(out)


if __name__ == "__main__":
    main()
