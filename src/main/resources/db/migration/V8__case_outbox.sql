-- Transactional outbox for casebridge.cases.new: a row is written in the same transaction as the case and its message,
-- and removed in the same transaction that marks the message published. Whoever holds the claim (the request that
-- stored it, a client's retry, or any instance's sweeper once claimed_until has passed) publishes it; so a crash
-- between the commit and the publish leaves a row that is published within seconds, and never a second case.
-- Written for both H2 and PostgreSQL.
create table cb_outbox (
    message_id    varchar(64)  not null primary key,
    case_id       varchar(16)  not null,
    created_at    timestamp with time zone not null,
    -- the instance publishing it now, and until when its claim holds; null: anyone may take it
    claimed_by    varchar(128),
    claimed_until timestamp with time zone,
    attempts      integer      not null default 0
);

create index cb_outbox_by_claim on cb_outbox (claimed_until);

-- messages left pending before the outbox existed: the sweeper publishes them
insert into cb_outbox (message_id, case_id, created_at)
    select message_id, case_id, received_at from cb_message where delivery_state = 'pending';
