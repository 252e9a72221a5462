-- Where a screening run's rules ran (筛查引擎): DuckDB on the warehouse, or Apache Spark over the
-- parquet export (workbench screen --engine spark, see docs/spark.md). Provenance of the clues.
ALTER TABLE screen_runs ADD COLUMN IF NOT EXISTS engine VARCHAR;        -- duckdb / spark
ALTER TABLE screen_runs ADD COLUMN IF NOT EXISTS engine_detail VARCHAR; -- JSON: master, versions, parquet location, session start, rules run on DuckDB
