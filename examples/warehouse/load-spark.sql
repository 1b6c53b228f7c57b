-- Spark tables holding the example's rows, as a warehouse would: run from the repository's
-- folder, `spark-sql -f examples/warehouse/load-spark.sql`. Without a hive-site.xml, Spark
-- keeps its catalog in ./metastore_db and the tables in ./spark-warehouse.
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE TEMPORARY VIEW users_csv USING csv OPTIONS (path 'examples/warehouse/data/users.csv', header 'true', inferSchema 'true');
CREATE TEMPORARY VIEW articles_csv USING csv OPTIONS (path 'examples/warehouse/data/articles.csv', header 'true', inferSchema 'true');
CREATE TEMPORARY VIEW accounts_csv USING csv OPTIONS (path 'examples/warehouse/data/accounts.csv', header 'true', inferSchema 'true');
DROP TABLE IF EXISTS analytics.wechat_users;
CREATE TABLE analytics.wechat_users USING parquet AS SELECT * FROM users_csv;
DROP TABLE IF EXISTS analytics.wechat_articles;
CREATE TABLE analytics.wechat_articles USING parquet AS SELECT * FROM articles_csv;
DROP TABLE IF EXISTS analytics.accounts;
CREATE TABLE analytics.accounts USING parquet AS SELECT * FROM accounts_csv;
