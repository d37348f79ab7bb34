-- Back office delivery: which target took which message (so a redelivered queue message is not delivered twice),
-- and the id a CRM gave each case (so later messages of the case update it instead of creating a second one).
-- Written for both H2 and PostgreSQL.

create table cb_delivery (
    -- the target, named by its delivery queue, e.g. casebridge.delivery.crm
    target       varchar(128) not null,
    message_id   varchar(64)  not null,
    case_id      varchar(16)  not null,
    delivered_at timestamp with time zone not null,
    primary key (target, message_id)
);

create table cb_crm_case (
    target     varchar(128) not null,
    case_id    varchar(16)  not null,
    -- the CRM's own id of the case, read from its answer to the create request
    crm_id     varchar(255) not null,
    created_at timestamp with time zone not null,
    updated_at timestamp with time zone not null,
    primary key (target, case_id)
);
