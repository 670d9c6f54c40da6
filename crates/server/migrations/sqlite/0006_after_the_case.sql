-- 6: after the case: notes on moves, messages, surveys and follow-ups, self-service
-- events, withdrawals (which claim their units like a return), merchant API tokens
-- (hashed), and the server's own settings (the link-signing key).
ALTER TABLE case_events ADD COLUMN note TEXT;
ALTER TABLE cases ADD COLUMN follow_up INTEGER NOT NULL DEFAULT 0;
CREATE TABLE case_messages (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    author  TEXT NOT NULL,
    body    TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE TABLE surveys (
    case_id         INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    attitude        INTEGER NOT NULL CHECK (attitude BETWEEN 1 AND 5),
    speed           INTEGER NOT NULL CHECK (speed BETWEEN 1 AND 5),
    problem_solving INTEGER NOT NULL CHECK (problem_solving BETWEEN 1 AND 5),
    comment         TEXT NOT NULL,
    at              TEXT NOT NULL
);
CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    article TEXT,
    query   TEXT,
    lang    TEXT,
    at      TEXT NOT NULL
);
CREATE TABLE withdrawals (
    id           INTEGER PRIMARY KEY,
    reference    TEXT NOT NULL UNIQUE,
    order_number TEXT NOT NULL,
    name         TEXT NOT NULL,
    confirm_to   TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
CREATE TABLE withdrawal_lines (
    withdrawal_id INTEGER NOT NULL REFERENCES withdrawals(id) ON DELETE CASCADE,
    line_id       TEXT NOT NULL,
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (withdrawal_id, line_id)
);
CREATE INDEX withdrawals_by_order ON withdrawals(order_number);
CREATE TABLE merchant_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    scope      TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
