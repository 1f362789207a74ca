"""Arrow arrays and Parquet files: ids, timestamps, compact deterministic encodings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = [
    "string_ids",
    "take_values",
    "timestamps",
    "write_table",
    "ParquetStream",
    "STREAM_SCHEMAS",
]


def string_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Zero-padded string ids such as ``C000001234``, written straight into Arrow buffers."""
    numbers = np.asarray(numbers, dtype="int64")
    if len(numbers) and (numbers.min() < 0 or numbers.max() >= 10**width):
        raise ValueError(f"ids with prefix {prefix!r} need more than {width} digits.")
    size = len(prefix) + width
    chars = np.empty((len(numbers), size), dtype="uint8")
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype="uint8")
    rest = numbers.copy()
    for pos in range(size - 1, len(prefix) - 1, -1):
        chars[:, pos] = 48 + rest % 10
        rest //= 10
    offsets = np.arange(0, (len(numbers) + 1) * size, size, dtype="int32")
    return pa.StringArray.from_buffers(
        len(numbers), pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())
    )


def take_values(values: pa.Array, indices: np.ndarray) -> pa.Array:
    """``values[indices]`` for a small string vocabulary (agent ids, outcomes), done in Arrow."""
    if not isinstance(values, pa.Array):
        values = pa.array(values)
    return pc.take(values, pa.array(np.asarray(indices, dtype="int64")))


def timestamps(seconds: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Naive second-resolution Arrow timestamps from seconds since 1970 (``mask``: nulls)."""
    return pa.array(seconds.astype("int64"), type=pa.timestamp("s"), mask=mask)


_LOW_CARDINALITY_IDS = {"agent_id", "team_id", "scope_id", "reviewer"}


def _parquet_options(schema: pa.Schema) -> dict:
    """Compact, deterministic encodings: delta for timestamps and unique ids, dictionary else."""
    dictionary, encoding = [], {}
    for f in schema:
        if pa.types.is_timestamp(f.type):
            encoding[f.name] = "DELTA_BINARY_PACKED"
        elif (
            pa.types.is_string(f.type)
            and f.name.endswith("_id")
            and f.name not in _LOW_CARDINALITY_IDS
        ):
            encoding[f.name] = "DELTA_BYTE_ARRAY"
        else:
            dictionary.append(f.name)
    return {
        "compression": "zstd",
        "compression_level": 6,
        "use_dictionary": dictionary,
        "column_encoding": encoding,
    }


def write_table(path: Path, table: pa.Table) -> None:
    """Write ``table`` to ``path`` as Parquet with compact, deterministic encodings."""
    pq.write_table(table, path, **_parquet_options(table.schema))


class ParquetStream:
    """A Parquet file written chunk by chunk."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path = path
        self.schema = schema
        self.rows = 0
        self.writer = pq.ParquetWriter(path, schema, **_parquet_options(schema))

    def write(self, columns: dict) -> None:
        table = pa.table(columns, schema=self.schema)
        self.rows += table.num_rows
        if table.num_rows:
            self.writer.write_table(table)

    def close(self) -> None:
        self.writer.close()


STREAM_SCHEMAS = {
    "calls": pa.schema(
        [
            ("call_id", pa.string()),
            ("agent_id", pa.string()),
            ("started_at", pa.timestamp("s")),
            ("duration_s", pa.int32()),
            ("outcome", pa.string()),
            ("need_captured", pa.bool_()),
            ("intent_rating", pa.int8()),
            ("lead_id", pa.string()),
            ("customer_id", pa.string()),
        ]
    ),
    "leads": pa.schema(
        [
            ("lead_id", pa.string()),
            ("agent_id", pa.string()),
            ("assigned_at", pa.timestamp("s")),
            ("source", pa.string()),
        ]
    ),
    "surveys": pa.schema(
        [
            ("survey_id", pa.string()),
            ("agent_id", pa.string()),
            ("answered_at", pa.timestamp("s")),
            ("score", pa.int8()),
            ("call_id", pa.string()),
            ("customer_id", pa.string()),
        ]
    ),
    "qa_reviews": pa.schema(
        [
            ("review_id", pa.string()),
            ("call_id", pa.string()),
            ("agent_id", pa.string()),
            ("reviewed_at", pa.timestamp("s")),
            ("reviewer", pa.string()),
            ("compliant", pa.bool_()),
            ("effective", pa.bool_()),
            ("score", pa.float32()),
        ]
    ),
}
