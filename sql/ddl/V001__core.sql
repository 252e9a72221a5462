-- Core bookkeeping of the warehouse (仓库台账): what was loaded, what was rejected and why.
-- Nothing here holds a raw identifier: offending values are stored masked.

CREATE TABLE IF NOT EXISTS manifest (
    batch_id VARCHAR PRIMARY KEY,      -- one per loaded file
    file_name VARCHAR NOT NULL,        -- path as given, relative where possible
    file_sha256 VARCHAR NOT NULL,
    file_bytes BIGINT,
    kind VARCHAR,                      -- contract kind, NULL when the file could not be recognised
    company_code VARCHAR,
    file_format VARCHAR,               -- xlsx / csv / parquet
    encoding VARCHAR,                  -- utf-8-sig / utf-8 / gb18030 for text files
    rows_read BIGINT NOT NULL DEFAULT 0,
    rows_loaded BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    rows_normalised BIGINT NOT NULL DEFAULT 0,
    rows_warned BIGINT NOT NULL DEFAULT 0,
    status VARCHAR NOT NULL,           -- loaded / replaced / failed
    message_zh VARCHAR,
    message_en VARCHAR,
    replaced_by VARCHAR,               -- batch that superseded this one (resubmission)
    key_fingerprint VARCHAR,           -- which tokenization key made the tokens (never the key)
    operator VARCHAR,
    loaded_at TIMESTAMP NOT NULL
);

-- One row per rejected row and reason (退回记录).
CREATE TABLE IF NOT EXISTS rejects (
    batch_id VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    company_code VARCHAR,
    kind VARCHAR,
    "row" INTEGER NOT NULL,            -- spreadsheet row: header is row 1
    field VARCHAR,                     -- English field name, NULL for whole-row reasons
    header VARCHAR,                    -- the column header as submitted
    code VARCHAR NOT NULL,
    reason_zh VARCHAR NOT NULL,
    reason_en VARCHAR NOT NULL,
    value_mask VARCHAR                 -- the offending value, masked
);

-- Warnings and normalisations on rows that were loaded (规范化与警告记录).
CREATE TABLE IF NOT EXISTS row_notes (
    batch_id VARCHAR NOT NULL,
    "row" INTEGER NOT NULL,
    field VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,         -- normalised / warning
    code VARCHAR NOT NULL,
    note_zh VARCHAR NOT NULL,
    note_en VARCHAR NOT NULL
);
