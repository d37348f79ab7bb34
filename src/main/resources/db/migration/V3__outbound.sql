-- Outbound replies to customers (routes/case-replies-to-customer.yaml), stored in cb_message with direction 'outbound'.
--
-- An outbound message's delivery_state is 'unsent' until it has gone out and 'published' afterwards (only published
-- messages are shown on the case); 'pending' stays reserved for inbound messages not yet on the broker, which the
-- bridge discards when a publish fails. delivery_status (V2) says where the reply is: queued, sent or failed.

-- Who in the back office wrote the reply, and the back-office system's own id for it: neither is part of the Case
-- format, and both are needed to report a delivery back to the back office.
alter table cb_message add column author_name varchar(256);
alter table cb_message add column reply_reference varchar(255);
