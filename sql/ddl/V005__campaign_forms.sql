-- Campaign bookkeeping in the warehouse (专项行动台账): the results the national
-- accident & health risk system returns for the pre-2017 re-screening (全国复筛结果).

-- What the national re-screening returned for a person the association sent (tokens only).
CREATE TABLE IF NOT EXISTS national_rescreen (
    person_token VARCHAR NOT NULL,
    person_mask VARCHAR,
    result VARCHAR NOT NULL,           -- 命中/未命中 etc. as returned
    other_province_companies INTEGER,
    remarks VARCHAR,
    source_file VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL
);
