-- 4: photos attached to cases, stored re-encoded (crate::evidence), tied to their order
-- when uploaded and to their case when it is submitted.
CREATE TABLE evidence (
    id           TEXT PRIMARY KEY,
    order_number TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    case_id      INTEGER REFERENCES cases(id) ON DELETE SET NULL
);
CREATE INDEX evidence_by_order ON evidence(order_number);
