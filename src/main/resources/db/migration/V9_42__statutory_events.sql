-- Warning and breach events of the statutory clocks (org.casebridge.statutory.StatutoryEvents, docs/statutory.md):
-- a row claims an event, the unique key lets one instance win, so each is published once across instances and
-- restarts (as cb_sla_event does for the SLA clocks). Written for both H2 and PostgreSQL.
create table cb_statutory_event (
    event_id     varchar(36)   not null primary key,
    clock_id     varchar(36)   not null references cb_statutory_clock (clock_id),
    case_id      varchar(16)   not null,
    -- statutory.warning or statutory.breached
    event_type   varchar(32)   not null,
    due_at       timestamp with time zone not null,
    created_at   timestamp with time zone not null,
    claimed_by   varchar(128)  not null,
    claimed_at   timestamp with time zone not null,
    published_at timestamp with time zone,
    payload      text          not null,
    -- once per milestone and due time: an extension (a new due) may warn and breach again
    constraint cb_statutory_event_once unique (clock_id, event_type, due_at)
);
create index cb_statutory_event_unpublished on cb_statutory_event (published_at, claimed_at);

-- When a running milestone warns (casebridge.statutory.warning-share of its time gone); null for rows started before
-- this column, which get their breach but no warning.
alter table cb_statutory_clock add column warn_at timestamp with time zone;
create index cb_statutory_clock_warn on cb_statutory_clock (status, warn_at);
