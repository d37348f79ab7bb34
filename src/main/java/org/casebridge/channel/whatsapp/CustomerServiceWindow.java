package org.casebridge.channel.whatsapp;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * WhatsApp's customer-service window: a business may send free text to a customer only within 24 hours of the
 * customer's last message; after that only approved templates. Read from the case's stored inbound messages (so every
 * instance agrees), and a closed window that stopped a reply is flagged on the case for a person to see.
 */
@Component
public class CustomerServiceWindow {

    /** The case flag raised when a reply could not go out as free text. */
    public static final String FLAG = "whatsapp-window-closed";

    private final JdbcTemplate jdbc;
    private final WhatsAppProperties properties;
    private final Clock clock;

    public CustomerServiceWindow(JdbcTemplate jdbc, WhatsAppProperties properties, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** When the customer last wrote on case {@code caseId} on WhatsApp, if ever. */
    public Optional<Instant> lastCustomerMessage(String caseId) {
        List<Timestamp> latest = jdbc.queryForList("select max(received_at) from cb_message where case_id = ? and direction = 'inbound'"
                + " and channel = 'whatsapp' and kind = 'message'", Timestamp.class, caseId);
        return latest.isEmpty() || latest.get(0) == null ? Optional.empty() : Optional.of(latest.get(0).toInstant());
    }

    /** Whether free text may go to the customer of {@code caseId} at {@code now}; the reason when not. */
    public Optional<String> closedReason(String caseId, Instant now) {
        Duration window = properties.getCustomerServiceWindow();
        Optional<Instant> last = lastCustomerMessage(caseId);
        if (last.isEmpty()) {
            return Optional.of("Not sent: the customer has not written on WhatsApp on this case, so WhatsApp's "
                    + hours(window) + "-hour customer-service window is not open");
        }
        if (last.get().plus(window).isBefore(now)) {
            return Optional.of("Not sent: outside the " + hours(window) + "-hour window - the customer last wrote on WhatsApp at "
                    + last.get() + ", and WhatsApp accepts only template messages after that");
        }
        return Optional.empty();
    }

    /**
     * The customer's email address, if the bridge knows it: on the case itself, or on the latest case of the same
     * phone number (a web form or email case where the customer gave both).
     */
    public Optional<String> knownEmail(String caseId, String phone) {
        return jdbc.queryForList("select customer_email from cb_case where customer_email is not null and customer_email <> ''"
                        + " and (case_id = ? or customer_phone = ?) order by case when case_id = ? then 0 else 1 end, updated_at desc limit 1",
                String.class, caseId, phone == null ? "" : phone, caseId).stream().findFirst();
    }

    /** Raises (or refreshes) the flag on the case. */
    public void flag(String caseId, String detail) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        String text = detail.length() <= 2000 ? detail : detail.substring(0, 2000);
        if (jdbc.update("update cb_case_attention set raised_at = ?, detail = ? where case_id = ? and flag = ?", now, text, caseId, FLAG) == 0) {
            try {
                jdbc.update("insert into cb_case_attention (case_id, flag, raised_at, detail) values (?, ?, ?, ?)", caseId, FLAG, now, text);
            } catch (org.springframework.dao.DuplicateKeyException raced) {
                // another instance flagged it at the same moment: flagged either way
            }
        }
    }

    /** Clears the flag: a reply reached the customer as written. */
    public void clear(String caseId) {
        jdbc.update("delete from cb_case_attention where case_id = ? and flag = ?", caseId, FLAG);
    }

    private static long hours(Duration window) {
        return window.toHours();
    }
}
