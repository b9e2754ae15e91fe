"""rinse on Spark: each JSONL line piped through the rinse binary.

    python spark_pipe.py RINSE_BIN IN.jsonl OUT_DIR

``rdd.pipe`` runs ``rinse clean --input-format jsonl --on-error record -q -``
in every partition: each input line gives exactly one output line, in order
(a failed document gives a record with an ``error`` key), and the exit
status is 0, as ``pipe(checkCode=True)`` needs. Spark runs the command with
an empty environment, so give the binary's absolute path.
"""

import shlex
import sys

from pyspark import SparkConf, SparkContext


def main(rinse_bin: str, in_path: str, out_dir: str) -> None:
    conf = (
        SparkConf()
        .setMaster("local[2]")
        .setAppName("rinse")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.driver.host", "127.0.0.1")
    )
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    try:
        cmd = f"{shlex.quote(rinse_bin)} clean --input-format jsonl --on-error record -q -"
        sc.textFile(in_path, minPartitions=2).pipe(cmd, checkCode=True).saveAsTextFile(out_dir)
    finally:
        sc.stop()


if __name__ == "__main__":
    main(*sys.argv[1:4])
