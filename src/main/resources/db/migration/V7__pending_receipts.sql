-- Delivery receipts that arrive before the bridge has recorded the platform's id for the message they report on
-- (Meta, for one, may call the webhook before its Send API call has answered): kept here and applied the moment the
-- sender records the id (OutboundMessages.markSent). Old ones are removed when new ones are kept.
create table cb_pending_receipt (
    receipt_id  varchar(36)   not null primary key,
    channel     varchar(16)   not null,
    external_id varchar(998)  not null,
    status      varchar(16)   not null,
    detail      varchar(2000),
    reported_at timestamp with time zone not null,
    received_at timestamp with time zone not null
);

create index cb_pending_receipt_by_message on cb_pending_receipt (external_id);
