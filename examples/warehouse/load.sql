-- A DuckDB database holding the example's tables, as a warehouse would: run from the
-- repository's folder, `duckdb examples/warehouse/warehouse.duckdb < examples/warehouse/load.sql`.
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE OR REPLACE TABLE analytics.wechat_users AS SELECT * FROM read_csv('examples/warehouse/data/users.csv');
CREATE OR REPLACE TABLE analytics.wechat_articles AS SELECT * FROM read_csv('examples/warehouse/data/articles.csv');
CREATE OR REPLACE TABLE analytics.accounts AS SELECT * FROM read_csv('examples/warehouse/data/accounts.csv');
