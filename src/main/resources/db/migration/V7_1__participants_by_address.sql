-- A customer's newest cases, by address, without reading all of them (IdentityStore.openCasesOf runs per message).
create index cb_case_participant_by_address_time on cb_case_participant (address, created_at desc);
