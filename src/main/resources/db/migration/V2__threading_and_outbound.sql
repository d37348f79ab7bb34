-- Threading, participants and outbound delivery.

-- Every Message-ID (email) or platform message id seen or sent for a case: a reply naming one of them in
-- In-Reply-To/References joins that case.
create table cb_message_ref (
    message_ref varchar(998) not null,
    case_id     varchar(16)  not null references cb_case (case_id),
    message_id  varchar(64),
    direction   varchar(8)   not null,
    created_at  timestamp with time zone not null,
    primary key (message_ref, case_id)
);

create index cb_message_ref_by_case on cb_message_ref (case_id);

-- Who takes part in a case (lower-case email addresses, E.164 phone numbers, platform ids): only a participant
-- continues a case by its token; anyone else opens a new case marked as possibly related.
create table cb_case_participant (
    case_id    varchar(16)  not null references cb_case (case_id),
    channel    varchar(16)  not null,
    address    varchar(320) not null,
    created_at timestamp with time zone not null,
    primary key (case_id, channel, address)
);

create index cb_case_participant_by_address on cb_case_participant (channel, address);

-- A new case opened by a non-participant using another case's token.
alter table cb_case add column possibly_related_to varchar(16);

-- Delivery of outbound messages: queued, sent, delivered, read, failed (with the reason).
alter table cb_message add column delivery_status varchar(16);
alter table cb_message add column delivery_detail varchar(2000);
alter table cb_message add column delivery_updated_at timestamp with time zone;

-- Acknowledgements sent, per recipient, for the rate limit.
create table cb_acknowledgement (
    recipient varchar(320) not null,
    case_id   varchar(16)  not null,
    sent_at   timestamp with time zone not null
);

create index cb_acknowledgement_by_recipient on cb_acknowledgement (recipient, sent_at);
