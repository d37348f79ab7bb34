package org.casebridge.backoffice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.casebridge.cases.CaseIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the export files of a legacy housing system (CSV with a header line, e.g. repair job status changes) into
 * {@link StatusUpdate}s. A file is taken whole or not at all: any line that cannot be read makes the whole file a
 * {@link MalformedExportException}, and the file goes to {@code error/} with a reason file {@code <name>.reason.txt}
 * beside it that lists every problem by line, so the housing team can fix the file and drop it in again.
 */
@Component("housingExportReader")
public class HousingExportReader {

    private static final Logger LOG = LoggerFactory.getLogger(HousingExportReader.class);
    private static final Pattern COLUMN = Pattern.compile("\\{([^{}]+)}");
    private static final int MAX_PROBLEMS = 50;

    private final ObjectMapper mapper;
    private final CsvMapper csv = new CsvMapper();
    private final Clock clock;

    HousingExportReader(ObjectMapper mapper, Clock clock) {
        this.clock = clock;
        this.mapper = mapper;
    }

    /** Route step: the export file in the body becomes the list of its status updates (JSON each), or a {@link MalformedExportException}. */
    public List<String> read(Exchange exchange) throws InvalidPayloadException {
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, "export", String.class);
        byte[] raw = exchange.getMessage().getMandatoryBody(byte[].class);
        Charset charset = Charset.forName(exchange.getProperty(BackofficeHeaders.EXPORT_ENCODING, "UTF-8", String.class).strip());
        String delimiter = exchange.getProperty(BackofficeHeaders.EXPORT_DELIMITER, ",", String.class);
        String caseColumn = exchange.getProperty(BackofficeHeaders.EXPORT_CASE_COLUMN, String.class);
        String updateIdColumn = blankToNull(exchange.getProperty(BackofficeHeaders.EXPORT_UPDATE_ID_COLUMN, String.class));
        String referenceColumn = blankToNull(exchange.getProperty(BackofficeHeaders.EXPORT_REFERENCE_COLUMN, String.class));
        String template = exchange.getProperty(BackofficeHeaders.EXPORT_TEXT, String.class);
        String source = exchange.getProperty(BackofficeHeaders.EXPORT_SOURCE, "housing-export", String.class);
        List<StatusUpdate> updates = parse(name, raw, charset, delimiter, caseColumn, updateIdColumn, referenceColumn, template, source);
        List<String> json = new ArrayList<>(updates.size());
        for (StatusUpdate update : updates) {
            try {
                json.add(mapper.writeValueAsString(update));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write a status update as JSON", e);
            }
        }
        LOG.info("Export file {}: {} status updates", name, json.size());
        return json;
    }

    List<StatusUpdate> parse(String name, byte[] raw, Charset charset, String delimiter, String caseColumn, String updateIdColumn,
                             String referenceColumn, String template, String source) {
        if (delimiter == null || delimiter.length() != 1) {
            throw new MalformedExportException(name, List.of("the configured delimiter '" + delimiter + "' is not one character"));
        }
        String text = decode(name, raw, charset);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark some Windows tools write
        }
        List<String> problems = new ArrayList<>();
        List<StatusUpdate> updates = new ArrayList<>();
        CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(delimiter.charAt(0));
        try (MappingIterator<String[]> rows = csv.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY).with(schema).readValues(text)) {
            if (!rows.hasNextValue()) {
                throw new MalformedExportException(name, List.of("line 1: the file is empty (a header line is expected)"));
            }
            List<String> header = Arrays.stream(rows.nextValue()).map(String::strip).toList();
            List<String> required = new ArrayList<>();
            required.add(caseColumn);
            if (updateIdColumn != null) {
                required.add(updateIdColumn);
            }
            if (referenceColumn != null) {
                required.add(referenceColumn);
            }
            Matcher columns = COLUMN.matcher(template == null ? "" : template);
            while (columns.find()) {
                required.add(columns.group(1).strip());
            }
            for (String column : required) {
                if (!header.contains(column)) {
                    problems.add("line 1: the header has no column '" + column + "' (columns: " + String.join(", ", header) + ")");
                }
            }
            if (!problems.isEmpty()) {
                throw new MalformedExportException(name, problems);
            }
            while (rows.hasNextValue() && problems.size() < MAX_PROBLEMS) {
                int line = rows.getCurrentLocation().getLineNr();
                String[] cells = rows.nextValue();
                if (cells.length == 1 && cells[0].isBlank()) {
                    continue; // a blank line, e.g. at the end
                }
                if (cells.length != header.size()) {
                    problems.add("line " + line + ": " + cells.length + " fields, the header has " + header.size());
                    continue;
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < cells.length; i++) {
                    row.put(header.get(i), cells[i].strip());
                }
                String caseId = row.get(caseColumn).toUpperCase(Locale.ROOT);
                if (!CaseIds.isCaseId(caseId)) {
                    problems.add("line " + line + ": '" + row.get(caseColumn) + "' in column " + caseColumn + " is not a case reference (CB-XXXXXX)");
                    continue;
                }
                if (updateIdColumn != null && row.get(updateIdColumn).isEmpty()) {
                    problems.add("line " + line + ": column " + updateIdColumn + " is empty");
                    continue;
                }
                String message = fill(template, row);
                if (message.isBlank()) {
                    problems.add("line " + line + ": the message to the customer is empty");
                    continue;
                }
                updates.add(new StatusUpdate(caseId, message, referenceColumn == null ? null : blankToNull(row.get(referenceColumn)),
                        updateIdColumn == null ? null : row.get(updateIdColumn), source + ":" + name));
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof MalformedExportException malformed) {
                throw malformed;
            }
            problems.add("the file cannot be read as CSV: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new MalformedExportException(name, problems);
        }
        return updates;
    }

    /**
     * Route step when a file could not be taken: writes {@code error/<name>.reason.txt} beside where the file consumer
     * moves it, then lets the failure through (so the consumer moves the file to {@code error/}).
     */
    public void failed(Exchange exchange) throws Exception {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String parent = exchange.getMessage().getHeader(Exchange.FILE_PARENT, String.class);
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        if (parent != null && name != null) {
            StringBuilder reason = new StringBuilder();
            reason.append("File: ").append(name).append('\n');
            reason.append("Refused at: ").append(clock.instant()).append('\n');
            if (cause instanceof MalformedExportException malformed) {
                reason.append("Problems (the file was not processed; fix them and put the file back into the folder):\n");
                malformed.problems().forEach(p -> reason.append("  ").append(p).append('\n'));
            } else {
                reason.append("The file could not be processed (nothing of it was taken; put it back to retry):\n  ")
                        .append(cause == null ? "unknown" : cause.getMessage()).append('\n');
            }
            Path errors = Path.of(parent, "error");
            Files.createDirectories(errors);
            Files.writeString(errors.resolve(name + ".reason.txt"), reason, StandardCharsets.UTF_8);
            LOG.warn("Export file {} refused, moved to {}: {}", name, errors, cause == null ? "unknown" : cause.getMessage());
        }
        if (cause instanceof Exception e) {
            throw e;
        }
        throw new IllegalStateException(cause);
    }

    private static String fill(String template, Map<String, String> row) {
        Matcher m = COLUMN.matcher(template == null ? "" : template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(row.getOrDefault(m.group(1).strip(), "")));
        }
        m.appendTail(out);
        return out.toString().strip();
    }

    /** The bytes as text, refusing bytes that are not valid in the configured encoding (with their position). */
    private static String decode(String name, byte[] raw, Charset charset) {
        CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer out = CharBuffer.allocate((int) (raw.length * (double) decoder.maxCharsPerByte()) + 16);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            out.flip();
            int line = (int) out.chars().filter(c -> c == '\n').count() + 1;
            throw new MalformedExportException(name, List.of("line " + line + ": byte " + (in.position() + 1)
                    + " (0x" + String.format("%02X", raw[in.position()] & 0xff) + ") is not valid " + charset.name()
                    + "; is the file in another encoding?"));
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
