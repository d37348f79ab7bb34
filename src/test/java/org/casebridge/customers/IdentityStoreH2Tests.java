package org.casebridge.customers;

/** The identity store on H2 in PostgreSQL mode (the default profile's database). */
class IdentityStoreH2Tests extends IdentityStoreContract {

    private static final IdentityDatabase DB = IdentityDatabase.h2();

    @Override
    IdentityDatabase db() {
        return DB;
    }
}
