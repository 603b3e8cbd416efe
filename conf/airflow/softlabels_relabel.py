"""Airflow DAG: the nightly relabel on a Spark cluster (an example to adapt, not imported by the project).

Build the cluster jar first (mvn -Pcluster package -> target/softlabels-cluster.jar) and put it where the
Spark cluster can read it. Each run applies the night {{ ds }} (the DAG's logical date); re-running a
night that was applied is a no-op, so retries and backfills in date order are safe.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# The JDK 17 module options every softlabels JVM needs: the jvm.module.options line of conf/jvm.properties.
JVM_OPTIONS = open("/opt/softlabels/conf/jvm.properties").read().split("jvm.module.options=")[1].replace("\\\n", " ")

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
        application="/opt/softlabels/target/softlabels-cluster.jar",
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
