# kpi's driver on Spark, run by `spark-submit` with the run's private folder as its argument,
# from the folder kpi runs in (where Spark finds a catalog of its own). It reads job.json:
# statements to run in turn, then queries whose rows to write, each to NAME.jsonl (first line:
# its columns' names and types; then one row per line, as Spark writes a row in JSON, without
# its null values). The statements are given one by one, never as a script a client splits, and
# no `${…}` in them is substituted. An error is written to error.txt (Spark relays the driver's
# standard error through its own, and may exit before it has relayed all of it).

import json
import os
import sys
import unicodedata

from pyspark.sql import SparkSession
from pyspark.sql.functions import struct, to_json


def session():
    builder = SparkSession.builder.appName("kpi")
    try:
        return builder.enableHiveSupport().getOrCreate()
    except Exception:
        # A Spark without Hive's classes: its own catalog, as configured.
        return SparkSession.builder.appName("kpi").getOrCreate()


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "job.json"), encoding="utf-8") as file:
        job = json.load(file)
    spark = session()
    spark.conf.set("spark.sql.variable.substitute", "false")
    spark.conf.set("spark.sql.ansi.enabled", "true")
    # Names compared in Unicode's composed form, as kpi compares them on files.
    spark.udf.register("kpi_nfc", lambda s: None if s is None else unicodedata.normalize("NFC", s), "string")
    try:
        for statement in job["statements"]:
            spark.sql(statement)
        for name, query in job["outputs"]:
            frame = spark.sql(query)
            with open(os.path.join(folder, name + ".jsonl"), "w", encoding="utf-8") as out:
                fields = [[field.name, field.dataType.simpleString()] for field in frame.schema.fields]
                out.write(json.dumps(fields) + "\n")
                # The driver fetches a partition whole: spread over the shuffle's partitions,
                # none nears spark.driver.maxResultSize (a grid of a million rows can be a
                # gigabyte of JSON in one).
                partitions = int(spark.conf.get("spark.sql.shuffle.partitions"))
                rows = frame.select(to_json(struct("*"))).repartition(partitions)
                for row in rows.toLocalIterator():
                    out.write(row[0] + "\n")
    except Exception as error:
        with open(os.path.join(folder, "error.txt"), "w", encoding="utf-8") as out:
            out.write(str(error))
        sys.exit(3)
    finally:
        spark.stop()


main()
