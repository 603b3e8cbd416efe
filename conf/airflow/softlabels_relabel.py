"""Airflow DAG: the nightly relabel on a Spark cluster (an example to adapt, not imported by the project).

Build the cluster jar first (mvn -Pcluster package -> target/softlabels-cluster.jar) and put it where the
Spark cluster can read it; SOFTLABELS_HOME (default /opt/softlabels) is the installation on the workers,
whose conf/jvm.properties gives the JVM options (SchedulingIT runs this file's option reading). Each run applies the night {{ ds }} (the DAG's logical date); re-running a
night that was applied is a no-op, so retries and backfills in date order are safe.
"""
import os
import re
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# The softlabels installation on the Airflow workers: conf/jvm.properties and target/softlabels-cluster.jar.
SOFTLABELS_HOME = os.environ.get("SOFTLABELS_HOME", "/opt/softlabels")


def java_property(path, key):
    """The value of key in a Java properties file, read as java.util.Properties reads it: comment lines
    (# or !) skipped, a line ending in an odd number of backslashes continued on the next one (its leading
    blanks dropped), the key ended by '=', ':' or a blank, backslash escapes resolved; the last one wins."""
    value = None
    for line in _logical_lines(path):
        name, rest = re.match(r"((?:\\.|[^=:\s\\])*)[ \t\f]*[=:]?[ \t\f]*(.*)", line, re.S).groups()
        if _unescape(name) == key:
            value = _unescape(rest)
    if value is None:
        raise KeyError(f"{key} is not set in {path}")
    return value


def _logical_lines(path):
    pending = None
    with open(path, encoding="latin-1") as lines:  # Properties.load(InputStream) reads ISO 8859-1
        for raw in lines:
            line = raw.rstrip("\r\n").lstrip(" \t\f")
            if pending is None and (not line or line[0] in "#!"):
                continue
            continued = (len(line) - len(line.rstrip("\\"))) % 2 == 1
            pending = (pending or "") + (line[:-1] if continued else line)
            if not continued:
                yield pending
                pending = None
    if pending is not None:
        yield pending


def _unescape(text):
    special = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}
    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)",
                  lambda m: chr(int(m[1][1:], 16)) if len(m[1]) == 5 else special.get(m[1], m[1]), text, flags=re.S)


# The JDK 17 module options every softlabels JVM needs, from the single list bin/softlabels and Maven read.
JVM_OPTIONS = java_property(os.path.join(SOFTLABELS_HOME, "conf", "jvm.properties"), "jvm.module.options")

with DAG(
    dag_id="softlabels_relabel",
    schedule="30 2 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=True,
    max_active_runs=1,  # nights are applied in date order, one at a time
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
) as dag:
    SparkSubmitOperator(
        task_id="relabel",
        conn_id="spark_default",
        application=os.path.join(SOFTLABELS_HOME, "target", "softlabels-cluster.jar"),
        java_class="dev.softlabels.cli.SoftLabels",
        application_args=[
            "relabel",
            "--state", "s3a://labels/store",
            "--batch", "s3a://labels/inbox/{{ ds }}.csv",
            "--date", "{{ ds }}",
        ],
        conf={
            "spark.driver.extraJavaOptions": JVM_OPTIONS,
            "spark.executor.extraJavaOptions": JVM_OPTIONS,
        },
    )
