"""Synthetic telesales data with planted, documented behaviours.

:func:`generate` writes a dataset folder in the data contract (one Parquet file per table,
``dataset.yaml`` and ``PLANTED.json``). Every behaviour an analysis should find is planted on
purpose, with its parameters and the agents it affects written to ``PLANTED.json`` so tests
and notebooks can check that it is recovered. ``docs/synthetic-data.md`` describes the model.

The calls table (and the tables derived call by call: leads, surveys, qa_reviews) is
generated one chunk (one month x a group of agents) at a time and streamed to Parquet, so
memory stays bounded for tens of millions of calls. Every chunk has its own random stream
seeded from ``(seed, month, chunk)``: the same parameters give byte-identical files.

Files: ``presets`` (presets and the planted behaviours' parameters), ``agents``, ``calls`` (one
chunk of calls with its leads, surveys and reviews), ``orders`` (orders and complaints),
``activities`` (trainings, proposals), ``targets``, ``planted`` (``PLANTED.json``), ``dates``
and ``arrow`` (shared helpers), ``build`` (:func:`generate`).
"""

from __future__ import annotations

from kpi_lib.data.synth.build import GENERATOR_VERSION, generate
from kpi_lib.data.synth.presets import CALL_PADDING, OVER_PROMISE, PADDING, PRESETS, SCHEME

__all__ = [
    "generate",
    "PRESETS",
    "SCHEME",
    "PADDING",
    "CALL_PADDING",
    "OVER_PROMISE",
    "GENERATOR_VERSION",
]
