package org.casebridge.ops;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the log and dead-letter masking leaves of addresses and numbers, and what it leaves alone. */
class PersonalDataTests {

    @Test
    void masksAddressesAndPhoneNumbers() {
        assertThat(PersonalData.mask("ack to tenant@example.org sent")).isEqualTo("ack to t***@example.org sent");
        assertThat(PersonalData.mask("sms to +447911123456")).isEqualTo("sms to +44*******456");
        assertThat(PersonalData.mask("call 07911 123456 now")).isEqualTo("call 0*******456 now");
        assertThat(PersonalData.mask("[email:amira.hassan@tenants.example.co.uk, phone:+447700900123]"))
                .isEqualTo("[email:a***@tenants.example.co.uk, phone:+44*******123]");
    }

    @Test
    void leavesIdsAndTimesAlone() {
        String line = "Case CB-7K3M9Q message 1582838223385698308 at 2026-11-24T09:15:02.120Z on port 61616, HTTP 500";
        assertThat(PersonalData.mask(line)).isEqualTo(line);
        assertThat(PersonalData.mask(null)).isNull();
    }

    @Test
    void maskingTwiceChangesNothingMore() {
        String once = PersonalData.mask("tenant@example.org +447911123456");
        assertThat(PersonalData.mask(once)).isEqualTo(once);
    }
}
