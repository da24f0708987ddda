"""Platform clients (X, YouTube), media download and the offline sandbox; no Prefect, no DuckDB."""
