package org.casebridge.backoffice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Translator from a Case to the file a legacy housing system imports: one CSV line (with a header line) or one small
 * XML document per message, with the columns or elements the kamelet names, in the encoding the system reads.
 * <p>
 * CSV is written by Jackson's CSV module (quoting as RFC 4180). In a single-byte encoding such as windows-1252, a
 * character the encoding lacks becomes {@code ?} in CSV (the format has no escape); XML writes it as a character
 * reference, so nothing is lost there.
 */
@org.springframework.stereotype.Component("housingFileTranslator")
public class HousingFileTranslator {

    private final ObjectMapper mapper;
    private final CsvMapper csv = CsvMapper.builder().enable(com.fasterxml.jackson.dataformat.csv.CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();
    private final XMLOutputFactory xml = XMLOutputFactory.newFactory();
    private final Map<String, FieldMapping> mappings = new ConcurrentHashMap<>();

    HousingFileTranslator(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Route step: the body becomes the file's bytes, and {@code CamelFileName} its name ({@code <prefix><caseId>_<messageId>.csv|xml}). */
    public void translate(Exchange exchange) throws InvalidPayloadException, IOException {
        String format = exchange.getProperty(BackofficeHeaders.FILE_FORMAT, "csv", String.class).strip().toLowerCase(Locale.ROOT);
        String spec = exchange.getProperty(BackofficeHeaders.FILE_FIELDS, String.class);
        FieldMapping fields = mappings.computeIfAbsent(spec, FieldMapping::parse);
        Charset charset = Charset.forName(exchange.getProperty(BackofficeHeaders.FILE_ENCODING, "UTF-8", String.class).strip());
        JsonNode node = mapper.readTree(exchange.getMessage().getMandatoryBody(String.class));
        Map<String, String> values = fields.values(node);
        byte[] bytes = switch (format) {
            case "csv" -> csv(fields, values, charset, exchange.getProperty(BackofficeHeaders.FILE_DELIMITER, ",", String.class));
            case "xml" -> xml(values, charset, exchange.getProperty(BackofficeHeaders.FILE_ROOT_ELEMENT, "case", String.class));
            default -> throw new IllegalArgumentException("file format '" + format + "' is not csv or xml");
        };
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        String prefix = exchange.getProperty(BackofficeHeaders.FILE_PREFIX, "", String.class);
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.FILE_NAME, prefix + value.caseId() + "_" + value.messageId() + "." + format);
        exchange.getMessage().setBody(bytes);
    }

    byte[] csv(FieldMapping fields, Map<String, String> values, Charset charset, String delimiter) throws IOException {
        if (delimiter.length() != 1) {
            throw new IllegalArgumentException("CSV delimiter '" + delimiter + "' must be one character");
        }
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true).setColumnSeparator(delimiter.charAt(0))
                .setLineSeparator("\r\n");
        fields.names().forEach(schema::addColumn);
        String text = csv.writer(schema.build()).writeValueAsString(List.of(values));
        return text.getBytes(charset);
    }

    byte[] xml(Map<String, String> values, Charset charset, String root) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            XMLStreamWriter writer = xml.createXMLStreamWriter(out, charset.name());
            writer.writeStartDocument(charset.name(), "1.0");
            writer.writeCharacters("\n");
            writer.writeStartElement(root);
            for (Map.Entry<String, String> value : values.entrySet()) {
                writer.writeCharacters("\n  ");
                writer.writeStartElement(value.getKey());
                writer.writeCharacters(value.getValue());
                writer.writeEndElement();
            }
            writer.writeCharacters("\n");
            writer.writeEndElement();
            writer.writeCharacters("\n");
            writer.writeEndDocument();
            writer.close();
        } catch (XMLStreamException e) {
            throw new UncheckedIOException(new IOException("Cannot write the XML file: " + e.getMessage(), e));
        }
        return out.toByteArray();
    }
}
