-- Statutory clocks (org.casebridge.statutory, docs/statutory.md): one row per case, regime and milestone, owned by
-- the statutory module. Written for both H2 (default) and PostgreSQL (profile "postgres").
create table cb_statutory_clock (
    clock_id             varchar(36)   not null primary key,
    case_id              varchar(16)   not null,
    regime               varchar(64)   not null,
    milestone            varchar(64)   not null,
    -- the detection's classification (emergency, significant) or null; the rule or back-office reason that started it
    classification       varchar(64),
    started_by           varchar(256)  not null,
    reference            varchar(512)  not null,
    -- running, met, breached, paused, stopped
    status               varchar(16)   not null,
    started_at           timestamp with time zone not null,
    due                  timestamp with time zone not null,
    extended             boolean       default false not null,
    completed_at         timestamp with time zone,
    -- why it was completed, extended or stopped (a back-office reason, or the reply that completed it)
    reason               varchar(1024),
    -- the message that made the landlord aware: its channel, source.externalId and raw archive sha256
    evidence_channel     varchar(32),
    evidence_external_id varchar(998),
    evidence_sha256      varchar(64),
    constraint cb_statutory_clock_once unique (case_id, regime, milestone)
);
create index cb_statutory_clock_by_case on cb_statutory_clock (case_id);
create index cb_statutory_clock_open on cb_statutory_clock (status, due);
