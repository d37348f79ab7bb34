-- casebridge schema, version 1: cases, their messages, API idempotency keys and the rejection record.
-- Written for both H2 (default) and PostgreSQL (profile "postgres"): keep to the types both understand.

create table cb_case (
    case_id            varchar(16)  not null primary key,
    channel            varchar(16)  not null,
    status             varchar(16)  not null,
    client_id          varchar(64),
    customer_name      varchar(256),
    customer_email     varchar(320),
    customer_phone     varchar(32),
    subject            varchar(998),
    priority           varchar(2)   not null,
    first_response_due timestamp with time zone,
    created_at         timestamp with time zone not null,
    updated_at         timestamp with time zone not null
);

create table cb_message (
    message_id     varchar(64)  not null primary key,
    case_id        varchar(16)  not null references cb_case (case_id),
    direction      varchar(8)   not null,
    kind           varchar(16)  not null,
    channel        varchar(16)  not null,
    received_at    timestamp with time zone not null,
    external_id    varchar(998),
    raw_ref        varchar(512),
    -- pending: stored, not yet on the broker; published: durably on casebridge.cases.new
    delivery_state varchar(16)  not null,
    published_at   timestamp with time zone,
    -- the Case v1 JSON document exactly as published
    payload        text         not null
);

create index cb_message_by_case on cb_message (case_id, received_at);

create table cb_idempotency_key (
    client_id       varchar(64)  not null,
    idempotency_key varchar(255) not null,
    request_sha256  varchar(64)  not null,
    case_id         varchar(16)  not null,
    message_id      varchar(64)  not null,
    created_at      timestamp with time zone not null,
    primary key (client_id, idempotency_key)
);

create index cb_idempotency_key_by_message on cb_idempotency_key (message_id);

create table cb_rejection (
    rejection_id  varchar(36)   not null primary key,
    received_at   timestamp with time zone not null,
    channel       varchar(16)   not null,
    source_system varchar(255)  not null,
    status        integer       not null,
    problem_type  varchar(255)  not null,
    detail        varchar(4000) not null,
    raw_ref       varchar(512)
);

create index cb_rejection_by_time on cb_rejection (received_at);
