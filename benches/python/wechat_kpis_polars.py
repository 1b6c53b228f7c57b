"""The example ruleset's measures, KPIs, targets and scores, as a user writes them by hand with
python-polars: the comparison `benches/compare.py` times against `kpi run`.

    python wechat_kpis_polars.py DATA_DIR OUT.csv
"""

import sys
from pathlib import Path

import polars as pl


def scan(data: Path, name: str, date: str) -> pl.LazyFrame:
    frame = pl.scan_csv(data / name, try_parse_dates=True)
    return frame.with_columns(pl.col(date).dt.truncate("1mo").alias("month"))


def scan_monthly(data: Path, name: str) -> pl.LazyFrame:
    frame = pl.scan_csv(data / name)
    return frame.with_columns((pl.col("月份") + "-01").str.to_date("%Y-%m-%d").alias("month"))


def by_month(frame: pl.LazyFrame, *aggregations: pl.Expr) -> pl.LazyFrame:
    return frame.group_by("公众号", "month").agg(*aggregations)


def per_account(expr: pl.Expr) -> pl.Expr:
    return expr.over("公众号")


def per_month(expr: pl.Expr) -> pl.Expr:
    return expr.over("month")


def attainment(value: str, target: str, lower: bool = False) -> pl.Expr:
    ratio = pl.col(target) / pl.col(value) if lower else pl.col(value) / pl.col(target)
    return (ratio.clip(0.0, 1.2) * 100.0).alias(f"score_{value}")


def kpis(data: Path) -> pl.LazyFrame:
    users = pl.concat([scan(data, "users-2025.csv", "时间"), scan(data, "users-2026.csv", "时间")])
    users = by_month(
        users.sort("时间", maintain_order=True),
        pl.col("新关注人数").sum().alias("new_follows"),
        pl.col("取消关注人数").sum().alias("unfollows"),
        pl.col("累积关注人数").first().alias("followers_start"),
        pl.col("累积关注人数").last().alias("followers"),
    )
    articles = by_month(
        scan(data, "articles.csv", "发表日期"),
        pl.col("送达人数").sum().alias("delivered"),
        pl.col("公众号消息阅读人数").sum().alias("chat_readers"),
        pl.col("图文阅读人数").sum().alias("readers"),
        pl.col("图文阅读人数").mean().alias("readers_per_article"),
        pl.col("图文阅读次数").sum().alias("reads"),
        pl.col("分享人数").sum().alias("sharers"),
        (pl.col("点赞数") + pl.col("评论数")).sum().alias("likes_and_comments"),
    )
    messages = by_month(
        scan(data, "messages.csv", "日期"),
        pl.col("消息发送次数").sum().alias("messages_received"),
        pl.col("回复次数").sum().alias("message_replies"),
    )
    features = by_month(
        scan(data, "features.csv", "日期"),
        (pl.col("菜单点击人数") + pl.col("小程序访问人数")).sum().alias("feature_users"),
    )
    events = by_month(
        scan(data, "events.csv", "活动日期"),
        pl.col("触达人数").sum().alias("event_reach"),
        pl.col("参与人数").sum().alias("event_participants"),
    )
    ads = by_month(
        scan(data, "ads.csv", "日期"),
        pl.col("曝光次数").sum().alias("impressions"),
        pl.col("点击次数").sum().alias("clicks"),
        pl.col("花费").sum().alias("ad_spend"),
        pl.col("成交金额").sum().alias("ad_revenue"),
        pl.col("销售线索数").sum().alias("leads_generated"),
    )
    conversions = by_month(
        scan(data, "conversions.csv", "日期"),
        (pl.col("下单数") + pl.col("留资数") + pl.col("注册数")).sum().alias("conversions"),
    )
    audience = by_month(
        scan_monthly(data, "audience.csv"),
        pl.col("粉丝总数").last().alias("audience_total"),
        pl.col("目标受众粉丝数").last().alias("audience_in_target"),
    )
    review = (pl.col("标题吸引力") + pl.col("正文实用性") + pl.col("栏目设计") + pl.col("多媒体使用")) / 4.0
    reviews = by_month(scan_monthly(data, "reviews.csv"), review.mean().alias("review_score"))

    # Every account × every month, so that `shift` is calendar-correct.
    accounts = users.select("公众号").unique()
    months = users.select("month").unique()
    grid = accounts.join(months, how="cross").sort("公众号", "month")
    for frame in [users, articles, messages, features, events, ads, conversions, audience, reviews]:
        grid = grid.join(frame, on=["公众号", "month"], how="left")
    return (
        grid.with_columns(
            (pl.col("new_follows") - pl.col("unfollows")).alias("net_follower_growth"),
            (pl.col("followers") / per_account(pl.col("followers_start").shift(2)) - 1.0).alias(
                "compound_follower_growth"
            ),
            (pl.col("unfollows") / pl.col("followers_start")).alias("churn_rate"),
            (pl.col("audience_in_target") / pl.col("audience_total")).alias("follower_precision"),
            (pl.col("readers_per_article") / pl.col("followers")).alias("read_rate"),
            (pl.col("chat_readers") / pl.col("delivered")).alias("open_rate"),
            (pl.col("sharers") / pl.col("readers")).alias("share_rate"),
            (pl.col("reads") / per_account(pl.col("reads").shift(1)) - 1.0).alias("reads_mom"),
            (pl.col("review_score") / 10.0).alias("content_value"),
            ((pl.col("likes_and_comments") + pl.col("message_replies")) / pl.col("followers")).alias(
                "interaction_rate"
            ),
            (pl.col("event_participants") / pl.col("event_reach")).alias("activity_participation_rate"),
            (pl.col("feature_users") / pl.col("followers")).alias("feature_usage_rate"),
            (pl.col("message_replies") / pl.col("messages_received")).alias("message_reply_rate"),
            (pl.col("conversions") / pl.col("reads")).alias("conversion_rate"),
            ((pl.col("ad_revenue") - pl.col("ad_spend")) / pl.col("ad_spend")).alias("roi"),
            (pl.col("ad_spend") / pl.col("impressions") * 1000.0).alias("cpm"),
            (pl.col("ad_spend") / pl.col("clicks")).alias("cpc"),
            pl.col("leads_generated").alias("leads"),
            pl.col("new_follows").alias("new_followers"),
        )
        .with_columns(
            (pl.col("content_value") * pl.col("interaction_rate") * pl.col("feature_usage_rate")).alias("loyalty")
        )
        .with_columns(
            per_month(pl.col("follower_precision").mean()).alias("target_follower_precision"),
            per_month(pl.col("share_rate").mean()).alias("target_share_rate"),
            per_month(pl.col("feature_usage_rate").mean()).alias("target_feature_usage_rate"),
            per_month(pl.col("loyalty").mean()).alias("target_loyalty"),
            per_month(pl.col("conversion_rate").mean()).alias("target_conversion_rate"),
            per_month(pl.col("cpc").mean()).alias("target_cpc"),
            per_account(pl.col("leads").shift(1)).alias("target_leads"),
            per_account(pl.col("new_followers").rolling_mean(3, min_samples=1)).alias("target_new_followers"),
            pl.lit(0.2).alias("target_compound_follower_growth"),
            pl.lit(0.02).alias("target_churn_rate"),
            pl.lit(0.3).alias("target_read_rate"),
            pl.lit(0.4).alias("target_open_rate"),
            pl.lit(0.15).alias("target_reads_mom"),
            pl.lit(0.8).alias("target_content_value"),
            pl.lit(0.1).alias("target_interaction_rate"),
            pl.lit(0.2).alias("target_activity_participation_rate"),
            pl.lit(0.85).alias("target_message_reply_rate"),
        )
        .with_columns(
            attainment("compound_follower_growth", "target_compound_follower_growth"),
            attainment("churn_rate", "target_churn_rate", lower=True),
            attainment("follower_precision", "target_follower_precision"),
            attainment("read_rate", "target_read_rate"),
            attainment("open_rate", "target_open_rate"),
            attainment("share_rate", "target_share_rate"),
            attainment("reads_mom", "target_reads_mom"),
            attainment("content_value", "target_content_value"),
            attainment("interaction_rate", "target_interaction_rate"),
            attainment("activity_participation_rate", "target_activity_participation_rate"),
            attainment("feature_usage_rate", "target_feature_usage_rate"),
            attainment("loyalty", "target_loyalty"),
            attainment("message_reply_rate", "target_message_reply_rate"),
            attainment("conversion_rate", "target_conversion_rate"),
            attainment("cpc", "target_cpc", lower=True),
            attainment("leads", "target_leads"),
            attainment("new_followers", "target_new_followers"),
            ((pl.col("roi") / 2.0) * 100.0).clip(0.0, 100.0).alias("score_roi"),
            ((pl.col("cpm") - 24.0) / -12.0 * 100.0).clip(0.0, 100.0).alias("score_cpm"),
        )
    )


if __name__ == "__main__":
    data, out = Path(sys.argv[1]), Path(sys.argv[2])
    kpis(data).collect().write_csv(out)
