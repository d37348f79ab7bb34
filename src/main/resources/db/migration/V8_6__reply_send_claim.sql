-- A reply is sent by one copy only, also when two instances hold copies of it (a republished or redelivered queue
-- message): the copy that sends claims the outbound row first. send_claim names the queue message (JMSMessageID) that
-- holds the claim, so a redelivery of that same message after a crash takes it over at once; any other copy leaves
-- it alone until send_claimed_at is older than casebridge.replies.send-claim-timeout.
alter table cb_message add column send_claim varchar(200);
alter table cb_message add column send_claimed_at timestamp with time zone;
