"""The example ruleset's measures, KPIs, targets and scores, as a user writes them by hand with
pandas: the comparison `benches/compare.py` times against `kpi run`.

    python wechat_kpis_pandas.py DATA_DIR OUT.csv
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

KEYS = ["公众号", "month"]


def read(data: Path, name: str, date: str) -> pd.DataFrame:
    frame = pd.read_csv(data / name, parse_dates=[date])
    frame["month"] = frame[date].dt.to_period("M").dt.to_timestamp()
    return frame


def read_monthly(data: Path, name: str) -> pd.DataFrame:
    frame = pd.read_csv(data / name)
    frame["month"] = pd.to_datetime(frame["月份"] + "-01")
    return frame


def by_month(frame: pd.DataFrame, **aggregations) -> pd.DataFrame:
    return frame.groupby(KEYS, sort=False).agg(**aggregations).reset_index()


def divide(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator / denominator.replace(0, np.nan)


def attainment(grid: pd.DataFrame, value: str, target: str, lower: bool = False) -> None:
    ratio = divide(grid[target], grid[value]) if lower else divide(grid[value], grid[target])
    grid[f"score_{value}"] = ratio.clip(0.0, 1.2) * 100.0


def measures(data: Path) -> list[pd.DataFrame]:
    users = pd.concat([read(data, "users-2025.csv", "时间"), read(data, "users-2026.csv", "时间")])
    users = users.sort_values("时间", kind="stable")
    articles = read(data, "articles.csv", "发表日期")
    articles["likes_and_comments"] = articles["点赞数"] + articles["评论数"]
    features = read(data, "features.csv", "日期")
    features["feature_users"] = features["菜单点击人数"] + features["小程序访问人数"]
    conversions = read(data, "conversions.csv", "日期")
    conversions["conversions"] = conversions["下单数"] + conversions["留资数"] + conversions["注册数"]
    reviews = read_monthly(data, "reviews.csv")
    reviews["review"] = (reviews["标题吸引力"] + reviews["正文实用性"] + reviews["栏目设计"] + reviews["多媒体使用"]) / 4.0
    return [
        by_month(
            users,
            new_follows=("新关注人数", "sum"),
            unfollows=("取消关注人数", "sum"),
            followers_start=("累积关注人数", "first"),
            followers=("累积关注人数", "last"),
        ),
        by_month(
            articles,
            delivered=("送达人数", "sum"),
            chat_readers=("公众号消息阅读人数", "sum"),
            readers=("图文阅读人数", "sum"),
            readers_per_article=("图文阅读人数", "mean"),
            reads=("图文阅读次数", "sum"),
            sharers=("分享人数", "sum"),
            likes_and_comments=("likes_and_comments", "sum"),
        ),
        by_month(read(data, "messages.csv", "日期"), messages_received=("消息发送次数", "sum"), message_replies=("回复次数", "sum")),
        by_month(features, feature_users=("feature_users", "sum")),
        by_month(read(data, "events.csv", "活动日期"), event_reach=("触达人数", "sum"), event_participants=("参与人数", "sum")),
        by_month(
            read(data, "ads.csv", "日期"),
            impressions=("曝光次数", "sum"),
            clicks=("点击次数", "sum"),
            ad_spend=("花费", "sum"),
            ad_revenue=("成交金额", "sum"),
            leads_generated=("销售线索数", "sum"),
        ),
        by_month(conversions, conversions=("conversions", "sum")),
        by_month(read_monthly(data, "audience.csv"), audience_total=("粉丝总数", "last"), audience_in_target=("目标受众粉丝数", "last")),
        by_month(reviews, review_score=("review", "mean")),
    ]


def kpis(data: Path) -> pd.DataFrame:
    tables = measures(data)
    users = tables[0]
    # Every account × every month, so that `shift` is calendar-correct.
    grid = pd.MultiIndex.from_product([sorted(users["公众号"].unique()), sorted(users["month"].unique())], names=KEYS)
    grid = grid.to_frame(index=False)
    for table in tables:
        grid = grid.merge(table, on=KEYS, how="left")
    account = grid.groupby("公众号", sort=False)
    month = grid.groupby("month", sort=False)
    grid["net_follower_growth"] = grid["new_follows"] - grid["unfollows"]
    grid["compound_follower_growth"] = divide(grid["followers"], account["followers_start"].shift(2)) - 1.0
    grid["churn_rate"] = divide(grid["unfollows"], grid["followers_start"])
    grid["follower_precision"] = divide(grid["audience_in_target"], grid["audience_total"])
    grid["read_rate"] = divide(grid["readers_per_article"], grid["followers"])
    grid["open_rate"] = divide(grid["chat_readers"], grid["delivered"])
    grid["share_rate"] = divide(grid["sharers"], grid["readers"])
    grid["reads_mom"] = divide(grid["reads"], account["reads"].shift(1)) - 1.0
    grid["content_value"] = grid["review_score"] / 10.0
    grid["interaction_rate"] = divide(grid["likes_and_comments"] + grid["message_replies"], grid["followers"])
    grid["activity_participation_rate"] = divide(grid["event_participants"], grid["event_reach"])
    grid["feature_usage_rate"] = divide(grid["feature_users"], grid["followers"])
    grid["message_reply_rate"] = divide(grid["message_replies"], grid["messages_received"])
    grid["conversion_rate"] = divide(grid["conversions"], grid["reads"])
    grid["roi"] = divide(grid["ad_revenue"] - grid["ad_spend"], grid["ad_spend"])
    grid["cpm"] = divide(grid["ad_spend"], grid["impressions"]) * 1000.0
    grid["cpc"] = divide(grid["ad_spend"], grid["clicks"])
    grid["leads"] = grid["leads_generated"]
    grid["new_followers"] = grid["new_follows"]
    grid["loyalty"] = grid["content_value"] * grid["interaction_rate"] * grid["feature_usage_rate"]

    month = grid.groupby("month", sort=False)
    account = grid.groupby("公众号", sort=False)
    for kpi in ["follower_precision", "share_rate", "feature_usage_rate", "loyalty", "conversion_rate", "cpc"]:
        grid[f"target_{kpi}"] = month[kpi].transform("mean")
    grid["target_leads"] = account["leads"].shift(1)
    grid["target_new_followers"] = account["new_followers"].transform(lambda s: s.rolling(3, min_periods=1).mean())
    fixed = {
        "compound_follower_growth": 0.2,
        "churn_rate": 0.02,
        "read_rate": 0.3,
        "open_rate": 0.4,
        "reads_mom": 0.15,
        "content_value": 0.8,
        "interaction_rate": 0.1,
        "activity_participation_rate": 0.2,
        "message_reply_rate": 0.85,
    }
    for kpi, target in fixed.items():
        grid[f"target_{kpi}"] = target

    for kpi in [
        "compound_follower_growth", "follower_precision", "read_rate", "open_rate", "share_rate", "reads_mom",
        "content_value", "interaction_rate", "activity_participation_rate", "feature_usage_rate", "loyalty",
        "message_reply_rate", "conversion_rate", "leads", "new_followers",
    ]:
        attainment(grid, kpi, f"target_{kpi}")
    for kpi in ["churn_rate", "cpc"]:
        attainment(grid, kpi, f"target_{kpi}", lower=True)
    grid["score_roi"] = (grid["roi"] / 2.0 * 100.0).clip(0.0, 100.0)
    grid["score_cpm"] = ((grid["cpm"] - 24.0) / -12.0 * 100.0).clip(0.0, 100.0)
    return grid


if __name__ == "__main__":
    data, out = Path(sys.argv[1]), Path(sys.argv[2])
    kpis(data).to_csv(out, index=False)
