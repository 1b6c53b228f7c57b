"""The xlsx reading benchmark's job in pandas: read the workbook with the given engine
(openpyxl or calamine), sum reads and shares per account and month, write a CSV.

    python xlsx_sums_pandas.py ENGINE IN.xlsx OUT.csv
"""

import sys

import pandas as pd


def main() -> None:
    engine, path, out = sys.argv[1], sys.argv[2], sys.argv[3]
    frame = pd.read_excel(path, engine=engine)
    frame["month"] = pd.to_datetime(frame["日期"]).dt.to_period("M").astype(str)
    sums = frame.groupby(["账号", "month"], as_index=False)[["阅读人数", "分享人数"]].sum()
    sums.to_csv(out, index=False)


if __name__ == "__main__":
    main()
