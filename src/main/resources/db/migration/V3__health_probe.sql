-- One row that /healthz writes to: a database that answers reads but cannot commit a write
-- (read-only, or its disk full) is down, not ok.
CREATE TABLE health_probe (
    id         INTEGER PRIMARY KEY,
    written_at BIGINT  NOT NULL
);
INSERT INTO health_probe (id, written_at) VALUES (1, 0);
