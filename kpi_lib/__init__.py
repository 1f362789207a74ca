"""kpi-workbench: telesales KPI analysis library.

Layers (data flows one way): data -> indicators -> scoring -> analyses -> report -> run.
"""

__version__ = "0.1.0"
