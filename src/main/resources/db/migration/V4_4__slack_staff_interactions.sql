-- Slack, for staff (channel/slack): what staff did through the bridge's Slack app. Never customer messages.
-- Every signed call to /webhooks/slack is kept here (and in cb_webhook_event): Events API events, button presses
-- such as "Take case", slash commands. slack_event_id (Slack's event_id, or the trigger id of an interaction or
-- command) makes Slack's retries of the same call find the stored row instead of adding a second one.
create table cb_slack_interaction (
    interaction_id varchar(36)  not null primary key,
    received_at    timestamp with time zone not null,
    kind           varchar(32)  not null,
    event_type     varchar(128) not null,
    slack_event_id varchar(255),
    team_id        varchar(64),
    user_id        varchar(64),
    user_name      varchar(256),
    case_id        varchar(16),
    action         varchar(128),
    raw_ref        varchar(512)
);

create unique index cb_slack_interaction_by_event_id on cb_slack_interaction (slack_event_id);
create index cb_slack_interaction_by_case on cb_slack_interaction (case_id, received_at);
