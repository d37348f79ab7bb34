-- SLA clocks (org.casebridge.sla): triage result, first- and next-response clocks, pauses and the SLA events.
-- Written for both H2 (default) and PostgreSQL (profile "postgres").

-- Case status: open, waiting-on-customer (clocks paused), closed.
alter table cb_case alter column status set data type varchar(32);

-- Triage category of the case (null: none matched).
alter table cb_case add column category varchar(64);
-- When the first-response warning falls due (a share of the target, casebridge.sla warning-share).
alter table cb_case add column first_response_warn_at timestamp with time zone;
-- When the first human reply went out on any channel (automatic acknowledgements do not count): stops the clock.
alter table cb_case add column first_response_at timestamp with time zone;
-- The next-response clock: runs from a customer's message on an answered case until the next reply.
alter table cb_case add column next_response_started_at timestamp with time zone;
alter table cb_case add column next_response_due timestamp with time zone;
alter table cb_case add column next_response_warn_at timestamp with time zone;
-- While the case waits on the customer (status waiting-on-customer) its clocks are paused since this time.
alter table cb_case add column paused_at timestamp with time zone;
-- How often the customer chased the case before its first response (each chase raises the priority a step).
alter table cb_case add column chase_count integer default 0 not null;

create index cb_case_first_response_clock on cb_case (status, first_response_at, first_response_warn_at);
create index cb_case_first_responses on cb_case (first_response_at, channel, priority);

-- One row per SLA event: the unique key makes each warning and breach of a clock cycle exactly one row (a due time
-- moved by a chase or a pause does not fire again), whichever instance sees it
-- first; published_at is set once the event is on the broker (an unpublished row with a stale claim is sent again).
create table cb_sla_event (
    event_id     varchar(36)  not null primary key,
    case_id      varchar(16)  not null references cb_case (case_id),
    clock        varchar(16)  not null,
    event_type   varchar(16)  not null,
    -- when the clock started (the case's creation, or the customer's message for a next response): one cycle
    clock_started_at timestamp with time zone not null,
    due_at       timestamp with time zone not null,
    created_at   timestamp with time zone not null,
    claimed_by   varchar(128) not null,
    claimed_at   timestamp with time zone not null,
    published_at timestamp with time zone,
    payload      text         not null,
    constraint cb_sla_event_once unique (case_id, clock, event_type, clock_started_at)
);

create index cb_sla_event_unpublished on cb_sla_event (published_at, claimed_at);
