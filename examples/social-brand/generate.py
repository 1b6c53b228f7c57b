"""Writes the exports of the social-brand example: one coffee brand (晨光咖啡) on four platforms,
two competitors, 13 months (2025-10 to 2026-10), in each platform's own download layout
(../../../shared/reference/export-formats.md), with the monitoring tool's mentions, the
customer-service log, the survey, the content team and the shop's sales.

    target/bench-venv/bin/python examples/social-brand/generate.py

Needs openpyxl and xlwt. Deterministic: the same script writes the same rows.
"""
import csv
import datetime
import random
from pathlib import Path

import openpyxl
import xlwt

HERE = Path(__file__).parent / "data"
START, END = datetime.date(2025, 10, 1), datetime.date(2026, 10, 31)
rnd = random.Random(20261101)

# account, brand, platform, role, audience size, how well its content does
ACCOUNTS = [
    ("晨光咖啡-小红书", "晨光咖啡", "小红书", "client", 20000, 1.0),
    ("晨光咖啡-抖音", "晨光咖啡", "抖音", "client", 60000, 1.1),
    ("晨光咖啡-头条", "晨光咖啡", "头条", "client", 8000, 0.7),
    ("晨光咖啡-公众号", "晨光咖啡", "微信", "client", 15000, 0.9),
    ("竞品A-小红书", "竞品A", "小红书", "competitor", 30000, 1.2),
    ("竞品B-抖音", "竞品B", "抖音", "competitor", 50000, 1.0),
]


def days():
    day = START
    while day <= END:
        yield day
        day += datetime.timedelta(days=1)


def quarter(day):
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def works_of(audience, quality, day):
    """A work's numbers: reach, then interactions as shares of it."""
    season = 1 + 0.2 * ((day.timetuple().tm_yday % 90) / 90)
    reach = int(audience * 0.08 * quality * season * rnd.uniform(0.5, 1.5))
    return reach, int(reach * rnd.uniform(0.03, 0.07)), int(reach * rnd.uniform(0.003, 0.01)), int(reach * rnd.uniform(0.002, 0.008)), int(reach * rnd.uniform(0.005, 0.02)), int(reach * rnd.uniform(0.002, 0.01))


def save_xlsx(path, header, rows, sheet="Sheet1", notice=None):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if notice:
        ws.append([notice] * len(header))
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


DAILY = {}  # (account, day) -> the day's works added up, for the account overview


def works():
    for account, _, platform, _, audience, quality in ACCOUNTS:
        by_quarter = {}
        for day in days():
            if rnd.random() > (0.35 if platform != "头条" else 0.2):
                continue
            reach, likes, comments, shares, saves, follows = works_of(audience, quality, day)
            total = DAILY.setdefault((account, day), [0] * 6)
            for i, value in enumerate((1, reach, likes, comments, shares, follows)):
                total[i] += value
            by_quarter.setdefault(quarter(day), []).append((day, reach, likes, comments, shares, saves, follows))
        for q, rows in by_quarter.items():
            rows.sort(reverse=True)  # newest first, as the backends write them
            folder = HERE / account
            if platform == "小红书":
                save_xlsx(folder / f"笔记列表明细表-{q}.xlsx",
                          ["笔记标题", "首次发布时间", "体裁", "曝光", "观看量", "封面点击率", "点赞", "评论", "收藏", "涨粉", "分享", "人均观看时长", "弹幕"],
                          [[f"笔记{d:%m%d}", f"{d:%Y年%m月%d日}20时00分00秒", "图文", float(r * 8), float(r), round(rnd.uniform(0.05, 0.2), 3), float(l), float(c), float(sv), float(f), float(s), 20, 0.0] for d, r, l, c, s, sv, f in rows],
                          notice="最多导出排序后前1000条笔记")
            elif platform == "抖音":
                save_xlsx(folder / f"抖音作品列表-{q}.xlsx",
                          ["作品名称", "发布时间", "体裁", "审核状态", "播放量", "完播率", "5s完播率", "封面点击率", "2s跳出率", "平均播放时长", "点赞量", "分享量", "评论量", "收藏量", "主页访问量", "粉丝增量"],
                          [[f"视频{d:%m%d}", f"{d} 19:30:00", "视频", "公开", r, f"{rnd.uniform(10, 40):.4f}%", "40%", "-", "20%", "15秒", l, s, c, sv, r // 50, f] for d, r, l, c, s, sv, f in rows])
            elif platform == "头条":
                save_xlsx(folder / f"头条作品列表-{q}.xlsx",
                          ["标题", "发布时间", "ID", "链接", "展现量", "粉丝展现量", "阅读量", "粉丝阅读量", "点击率", "平均阅读完成率", "平均阅读时长", "点赞量", "评论量", "转发量", "分享量", "收藏量"],
                          [[f"文章{d:%m%d}", f"{d} 10:26:54", str(7561639835484701219 + i), f"https://example.invalid/{i}", r * 10, r * 2, r, r // 3, "0.1", "-1.00" if i % 7 == 0 else "17.05", "40", l, c, s // 2, s, sv] for i, (d, r, l, c, s, sv, f) in enumerate(rows)])
            else:
                book = xlwt.Workbook(encoding="utf-8")
                sheet = book.add_sheet("New Sheet1")
                header = ["内容标题", "发表时间", "总阅读人数", "总阅读次数", "总分享人数", "总分享次数", "阅读后关注人数", "送达人数", "公众号消息阅读次数", "送达阅读率", "首次分享次数", "分享产生阅读次数", "首次分享率", "每次分享带来阅读次数", "阅读完成率", "内容url"]
                for c_, h in enumerate(header):
                    sheet.write(0, c_, h)
                for r_, (d, r, l, c, s, sv, f) in enumerate(rows, start=1):
                    values = [f"推送{d:%m%d}", f"{d:%Y%m%d}", str(r), str(int(r * 1.3)), str(s), str(s + 2), str(f), str(audience), str(int(r * 0.8)), "0.0875", "1", "3", "", "", "0.5", "http://mp.weixin.qq.com/s?x=1"]
                    for c_, v in enumerate(values):
                        sheet.write(r_, c_, v)
                folder.mkdir(parents=True, exist_ok=True)
                book.save(str(folder / f"内容分析-{q}.xls"))


def activity():
    """The client accounts' daily overview, in common terms: the works of the day added up, with
    followers, unfollows, active followers and clicks (competitors have only their public works)."""
    rows = [["日期", "账号", "粉丝数", "新增粉丝", "取关粉丝", "活跃粉丝", "曝光量", "触达人数", "发布数", "点赞", "评论", "分享", "转发", "点击"]]
    for account, _, platform, role, audience, _ in ACCOUNTS:
        if role != "client":
            continue
        followers = audience
        for day in days():
            posts, reach, likes, comments, shares, follows = DAILY.get((account, day), [0] * 6)
            new = follows + rnd.randint(0, audience // 2000)
            lost = rnd.randint(0, audience // 1500)
            followers += new - lost
            reposts = shares // 2 if platform == "头条" else 0
            rows.append([day.isoformat(), account, followers, new, lost, int(followers * rnd.uniform(0.05, 0.15)), reach * 8, reach, posts, likes, comments, shares, reposts, int(reach * 8 * rnd.uniform(0.01, 0.04))])
    write_csv("activity-2026.csv", rows)


def mentions():
    rows = [["日期", "账号", "平台", "内容", "情感", "链接"]]
    for day in days():
        crisis = day.year == 2026 and day.month == 8 and 10 <= day.day <= 20
        for account, _, platform, _, audience, quality in ACCOUNTS:
            for _ in range(rnd.randint(0, int(audience / 15000) + 1)):
                negative = 0.6 if crisis and account == "晨光咖啡-抖音" else 0.1
                roll = rnd.random()
                sentiment = "负面" if roll < negative else ("正面" if roll < negative + 0.5 else "中性")
                link = f"https://example.invalid/mention/{len(rows)}"
                text = {"负面": "配送太慢了", "正面": "这家咖啡不错"}.get(sentiment, "路过提到了品牌")
                rows.append([day.isoformat(), account, platform, text, sentiment, link])
    write_csv("mentions-2026.csv", rows)


def service():
    """The service desk's log: asked at, first answered at (empty while unanswered), resolved."""
    rows = [["提问时间", "账号", "回复时间", "是否解决"]]
    for day in days():
        for account, _, _, role, _, _ in ACCOUNTS:
            if role != "client" or rnd.random() > 0.3:
                continue
            asked = datetime.datetime.combine(day, datetime.time(rnd.randint(8, 22), rnd.randint(0, 59), rnd.randint(0, 59)))
            answered = asked + datetime.timedelta(seconds=rnd.randint(5 * 60, 240 * 60))
            resolved = rnd.random() < 0.85
            shown = answered.strftime("%Y-%m-%d %H:%M:%S") if resolved or rnd.random() < 0.7 else ""
            rows.append([asked.strftime("%Y-%m-%d %H:%M:%S"), account, shown, "是" if resolved else "否"])
    write_csv("service-2026.csv", rows)


def monthly():
    months = sorted({(d.year, d.month) for d in days()})
    survey = [["月份", "账号", "满意度"]]
    team = [["月份", "账号", "内容人员"]]
    for y, m in months:
        for account, _, _, role, _, _ in ACCOUNTS:
            if role == "client":
                survey.append([f"{y}-{m:02d}", account, round(rnd.uniform(70, 95), 1)])
                team.append([f"{y}-{m:02d}", account, rnd.choice([1, 2, 2, 3])])
    write_csv("survey.csv", survey)
    write_csv("team.csv", team)


def sales():
    rows = [["日期", "账号", "访问", "订单", "销售额", "广告花费", "广告收入"]]
    for day in days():
        for account in ("晨光咖啡-抖音", "晨光咖啡-公众号"):
            visits = rnd.randint(200, 800)
            orders = int(visits * rnd.uniform(0.01, 0.05))
            spend = round(rnd.uniform(100, 500), 2)
            rows.append([day.isoformat(), account, visits, orders, round(orders * rnd.uniform(30, 60), 2), spend, round(spend * rnd.uniform(1.2, 2.5), 2)])
    write_csv("sales-2026.csv", rows)


def write_csv(name, rows):
    HERE.mkdir(parents=True, exist_ok=True)
    with open(HERE / name, "w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)


if __name__ == "__main__":
    works()
    activity()
    mentions()
    service()
    monthly()
    sales()
    write_csv("accounts.csv", [["账号", "品牌", "平台", "角色"]] + [[a, b, p, r] for a, b, p, r, _, _ in ACCOUNTS])
