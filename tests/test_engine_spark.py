"""The engine's Ibis expressions run unchanged on PySpark (local mode) with identical numbers."""

import shutil

import numpy as np
import pandas as pd
import pytest

from kpi_lib.data.dataset import Dataset
from kpi_lib.indicators.engine import compute_indicators
from kpi_lib.paths import project_root

pytestmark = pytest.mark.spark

SAMPLE = project_root() / "data" / "sample"
TIME_COLUMNS = {
    "calls": "started_at", "orders": "ordered_at", "leads": "assigned_at",
    "qa_reviews": "reviewed_at", "surveys": "answered_at", "complaints": "opened_at",
    "trainings": "taken_at", "proposals": "submitted_at",
}  # fmt: skip


@pytest.fixture(scope="module")
def spark_con():
    pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed")
    if shutil.which("java") is None:
        pytest.skip("Java is missing: the PySpark backend test needs a JRE (java on PATH)")
    import ibis
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("kpi-engine-test")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    assert pyspark.__version__
    yield ibis.pyspark.connect(spark)
    spark.stop()


@pytest.fixture(scope="module")
def subset():
    if not (SAMPLE / "calls.parquet").is_file():
        pytest.skip("data/sample has not been generated")
    tables = {}
    lo, hi = pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")
    for p in SAMPLE.glob("*.parquet"):
        df = pd.read_parquet(p)
        col = TIME_COLUMNS.get(p.stem)
        if col is not None:
            df = df[(df[col] >= lo) & (df[col] < hi)]
        tables[p.stem] = df.reset_index(drop=True)
    return Dataset(tables=tables, timezone="Asia/Shanghai", name="sample-january-2026")


def test_spark_gives_identical_numbers(spark_con, subset):
    d = {"data_end": "2026-02-01", "repurchase_window_days": 14}
    duck = compute_indicators(subset, definitions=d)
    spark = compute_indicators(subset, definitions=d, backend=spark_con)
    assert duck.shape == spark.shape
    m = duck.merge(spark, on=["agent_id", "period", "indicator"], suffixes=("", "_spark"))
    assert len(m) == len(duck)
    for col in ("value", "numerator", "denominator"):
        np.testing.assert_allclose(
            m[col], m[col + "_spark"], rtol=1e-9, equal_nan=True, err_msg=col
        )
    assert (m["reason"] == m["reason_spark"]).all()
    weekly_duck = compute_indicators(subset, granularity="week", indicators=["connect_rate"])
    weekly_spark = compute_indicators(
        subset, granularity="week", indicators=["connect_rate"], backend=spark_con
    )
    pd.testing.assert_frame_equal(weekly_duck, weekly_spark)
