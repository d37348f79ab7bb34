package org.casebridge.channel.chat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Phone numbers as platforms send them, into E.164. */
class PhonesTests {

    @Test
    void readsTheFormsPlatformsSend() {
        assertThat(Phones.toE164("447700900123", "GB")).isEqualTo("+447700900123");          // WhatsApp wa_id
        assertThat(Phones.toE164("+447700900123", "GB")).isEqualTo("+447700900123");         // Twilio From
        assertThat(Phones.toE164("whatsapp:+447700900123", "GB")).isEqualTo("+447700900123"); // Twilio WhatsApp
        assertThat(Phones.toE164("07700 900123", "GB")).isEqualTo("+447700900123");          // national
        assertThat(Phones.toE164("+1 (415) 867-5309", "GB")).isEqualTo("+14158675309");
        assertThat(Phones.toE164("14158675309", "GB")).isEqualTo("+14158675309");
    }

    @Test
    void givesNullForWhatIsNoPhoneNumber() {
        assertThat(Phones.toE164(null, "GB")).isNull();
        assertThat(Phones.toE164("  ", "GB")).isNull();
        assertThat(Phones.toE164("not a number", "GB")).isNull();
        assertThat(Phones.toE164("12", "GB")).isNull();
    }
}
