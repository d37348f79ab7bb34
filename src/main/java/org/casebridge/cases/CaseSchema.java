package org.casebridge.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Format;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.apache.camel.Exchange;
import org.casebridge.shared.EmailAddresses;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * The Case JSON Schema ({@code schema/case-v1.schema.json}) and the gate every case passes before it leaves
 * the bridge: a case that does not validate is a bug and fails the route instead of reaching the back office.
 */
@Component("caseSchema")
public class CaseSchema {

    /** Classpath location of the schema. */
    public static final String LOCATION = "schema/case-v1.schema.json";

    private final ObjectMapper mapper;
    private final JsonSchema schema;

    public CaseSchema(ObjectMapper mapper) {
        this.mapper = mapper;
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = CaseSchema.class.getClassLoader().getResourceAsStream(LOCATION)) {
            if (in == null) {
                throw new IllegalStateException("Missing " + LOCATION + " on the classpath");
            }
            // the email format as the channels keep addresses: syntax only, no public suffix required (see EmailAddresses)
            JsonMetaSchema meta = JsonMetaSchema.builder(JsonMetaSchema.getV202012()).format(new MailboxFormat()).build();
            this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, factory -> factory.metaSchema(meta))
                    .getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The violations of {@code json}, empty when it is a valid case. */
    public List<String> violations(JsonNode json) {
        Set<ValidationMessage> messages = schema.validate(json);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /** Validates {@code value} and returns its JSON text; throws {@link CaseSchemaViolationException} if invalid. */
    public String toValidatedJson(Case value) {
        JsonNode json = mapper.valueToTree(value);
        List<String> violations = violations(json);
        if (!violations.isEmpty()) {
            throw new CaseSchemaViolationException(violations);
        }
        try {
            return mapper.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a validated case as JSON", e);
        }
    }

    /**
     * Route step: takes the {@link Case} from the exchange property {@link CaseHeaders#CASE_PROPERTY}, validates it
     * and makes its JSON the message body.
     */
    public void validateExchange(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        if (value == null) {
            throw new IllegalStateException("No case on the exchange (property " + CaseHeaders.CASE_PROPERTY + ")");
        }
        exchange.getMessage().setBody(toValidatedJson(value));
    }

    /**
     * JSON Schema's {@code email} (RFC 5321 Mailbox) checked for syntax: the library's own check also demands a
     * public suffix and so would refuse {@code user@members.local}, which real mail carries.
     */
    private static final class MailboxFormat implements Format {
        @Override
        public String getName() {
            return "email";
        }

        @Override
        public boolean matches(ExecutionContext context, String value) {
            return EmailAddresses.isMailbox(value);
        }
    }
}
