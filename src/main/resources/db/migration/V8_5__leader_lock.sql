-- Spring Integration's JDBC lock registry (its schema-h2.sql / schema-postgresql.sql, the same on both): the lock
-- row of the leader election (casebridge.leader). A row older than casebridge.leader.lease belongs to no one.
CREATE TABLE INT_LOCK (
    LOCK_KEY CHAR(36) NOT NULL,
    REGION VARCHAR(100) NOT NULL,
    CLIENT_ID CHAR(36),
    CREATED_DATE TIMESTAMP NOT NULL,
    CONSTRAINT INT_LOCK_PK PRIMARY KEY (LOCK_KEY, REGION)
);
