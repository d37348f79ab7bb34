-- Chat channels (WhatsApp, Messenger, Instagram, SMS, Telegram, X, web chat).

-- Webhook events acknowledged but not acted on (reactions, typing, unknown event types), with the archived call.
create table cb_webhook_event (
    event_id    varchar(36)   not null primary key,
    received_at timestamp with time zone not null,
    channel     varchar(16)   not null,
    event_type  varchar(128)  not null,
    outcome     varchar(16)   not null,
    detail      varchar(2000) not null,
    raw_ref     varchar(512)
);

create index cb_webhook_event_by_time on cb_webhook_event (received_at);

-- Delivery receipts find the outbound message by the platform's id for it.
create index cb_message_by_external_id on cb_message (external_id);
