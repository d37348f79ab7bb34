-- Things about a case a person must act on, raised by the bridge itself: e.g. a WhatsApp reply not delivered because
-- the customer's 24-hour service window had closed (flag whatsapp-window-closed). Shown as "attention" on
-- GET /api/v1/cases/{id}; a flag is cleared when what it reports is resolved (a later reply went out as written).
create table cb_case_attention (
    case_id   varchar(16)   not null references cb_case (case_id),
    flag      varchar(64)   not null,
    raised_at timestamp with time zone not null,
    detail    varchar(2000) not null,
    primary key (case_id, flag)
);
