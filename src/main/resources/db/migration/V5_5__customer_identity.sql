-- Customers across channels (issue 5, enrichment and identity): one customer holds email addresses, phone numbers and
-- platform ids. Written for both H2 (PostgreSQL mode) and PostgreSQL.

-- A customer as the bridge knows it. customer_id is the bridge's own id (CU-XXXXXX); housing_customer_id is the
-- housing system's id once a lookup found it. merged_into is set while this customer is merged into another one.
create table cb_customer (
    customer_id         varchar(16)   not null primary key,
    housing_customer_id varchar(128),
    display_name        varchar(256),
    tenancy_ref         varchar(128),
    property_ref        varchar(128),
    -- the housing system's flags, comma-separated (e.g. vulnerable,hearing-impaired)
    flags               varchar(1000),
    merged_into         varchar(16),
    created_at          timestamp with time zone not null,
    updated_at          timestamp with time zone not null
);

create unique index cb_customer_by_housing_id on cb_customer (housing_customer_id);

-- An identity and the customer it belongs to. kind: 'email' (lower-case address), 'phone' (E.164), or a channel's
-- wire name for a platform id on that channel ('whatsapp', 'messenger' ...). An identity belongs to one customer.
-- verified: the housing system (or an operator) said so; false: inferred by the bridge from the messages it saw.
create table cb_customer_identity (
    kind         varchar(16)  not null,
    address      varchar(320) not null,
    customer_id  varchar(16)  not null references cb_customer (customer_id),
    verified     boolean      not null,
    -- who made the link: message:<channel>, housing:<lookup>, admin
    source       varchar(64)  not null,
    created_at   timestamp with time zone not null,
    last_seen_at timestamp with time zone not null,
    primary key (kind, address)
);

create index cb_customer_identity_by_customer on cb_customer_identity (customer_id);

-- Every merge of two customers: who, when, why; and its undoing. A merge moves the source's links to the target.
create table cb_customer_merge (
    merge_id           varchar(36)   not null primary key,
    source_customer_id varchar(16)   not null references cb_customer (customer_id),
    target_customer_id varchar(16)   not null references cb_customer (customer_id),
    merged_by          varchar(256)  not null,
    reason             varchar(2000) not null,
    merged_at          timestamp with time zone not null,
    -- the housing id the target took over from the source, if any (given back on unmerge)
    moved_housing_id   varchar(128),
    unmerged_by        varchar(256),
    unmerge_reason     varchar(2000),
    unmerged_at        timestamp with time zone
);

create index cb_customer_merge_by_target on cb_customer_merge (target_customer_id, merged_at);

-- The links a merge moved, exactly as they were, so an unmerge restores them.
create table cb_customer_merge_link (
    merge_id varchar(36)  not null references cb_customer_merge (merge_id),
    kind     varchar(16)  not null,
    address  varchar(320) not null,
    verified boolean      not null,
    source   varchar(64)  not null,
    primary key (merge_id, kind, address)
);

-- Answers of the housing system lookup, shared by every instance until they expire.
-- lookup_key: '<lookup source>|<kind>|<address>'; status: enriched or not-found (unavailable is never cached).
create table cb_enrichment_cache (
    lookup_key varchar(420)  not null primary key,
    status     varchar(16)   not null,
    -- the housing record as JSON (enriched only)
    result     text,
    fetched_at timestamp with time zone not null,
    expires_at timestamp with time zone not null
);

create index cb_enrichment_cache_by_expiry on cb_enrichment_cache (expires_at);
