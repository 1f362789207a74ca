"""report layer of kpi_lib (see docs/architecture.md)."""
