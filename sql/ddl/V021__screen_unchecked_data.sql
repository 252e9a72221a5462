-- A screening run's data fingerprint may be unknown (筛查数据指纹可为空): a Spark screen of parquet
-- tables without a workbench export manifest (the national platform's own tables, read as they
-- are, see docs/spark.md) cannot be checked against the warehouse, so it records no fingerprint
-- rather than the warehouse's. Status is running / done / failed / interrupted (Ctrl-C).
ALTER TABLE screen_runs ALTER COLUMN data_fingerprint DROP NOT NULL;
