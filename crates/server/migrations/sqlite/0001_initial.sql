CREATE TABLE orders (
    number           TEXT PRIMARY KEY,
    email            TEXT NOT NULL,
    placed_at        TEXT NOT NULL,
    currency         TEXT NOT NULL,
    shipping_country TEXT
);
-- A line is stored as the JSON of its snapshot (aftersales_core::order::Line); the claimed
-- quantity is never stored, it is summed from the cases when the order is read.
CREATE TABLE order_lines (
    order_number TEXT NOT NULL REFERENCES orders(number) ON DELETE CASCADE,
    line_id      TEXT NOT NULL,
    position     INTEGER NOT NULL,
    line_json    TEXT NOT NULL,
    PRIMARY KEY (order_number, line_id)
);
CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    tracking_number TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    holds_claim     INTEGER NOT NULL DEFAULT 1,
    order_number    TEXT NOT NULL,
    resolution      TEXT,
    reason          TEXT,
    refund_minor    INTEGER,
    currency        TEXT NOT NULL,
    needs_review    INTEGER NOT NULL DEFAULT 0,
    draft_json      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    respond_by      TEXT NOT NULL,
    resolve_by      TEXT
);
CREATE TABLE case_lines (
    case_id  INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    line_id  TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (case_id, line_id)
);
CREATE TABLE case_events (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor     TEXT NOT NULL,
    at        TEXT NOT NULL
);
CREATE INDEX cases_by_order ON cases(order_number);
CREATE INDEX case_lines_by_line ON case_lines(line_id);
