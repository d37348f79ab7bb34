package org.casebridge.backoffice;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The housing system's file formats: CSV and XML out in its encoding, CSV export files in, and updates read twice recognised. */
class HousingFilesTests {

    private final HousingFileTranslator translator = new HousingFileTranslator(new ObjectMapper());
    private final HousingExportReader reader = new HousingExportReader(new ObjectMapper(), Clock.systemUTC());

    @Test
    void xmlKeepsCharactersTheEncodingLacksAsCharacterReferences() {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("case_ref", "CB-7K3M9Q");
        values.put("name", "Zoë Łukasiewicz <Flat 3>");
        String xml = new String(translator.xml(values, Charset.forName("ISO-8859-1"), "repairRequest"), Charset.forName("ISO-8859-1"));
        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>")
                .contains("<case_ref>CB-7K3M9Q</case_ref>")
                .contains("<name>Zoë &#x141;ukasiewicz &lt;Flat 3&gt;</name>".replace("&#x141;", xml.contains("&#321;") ? "&#321;" : "&#x141;"));
    }

    @Test
    void csvIsWrittenInTheConfiguredEncodingWithQuotingOnlyWhereNeeded() throws Exception {
        FieldMapping fields = FieldMapping.parse("case_ref=/caseId,text=/body/latest");
        Map<String, String> values = fields.values(new ObjectMapper().readTree("{\"caseId\": \"CB-7K3M9Q\", \"body\": {\"latest\": \"Café; \\\"broken\\\"\"}}"));
        byte[] bytes = translator.csv(fields, values, Charset.forName("windows-1252"), ";");
        assertThat(bytes).contains((byte) 0xE9); // é in windows-1252
        assertThat(new String(bytes, Charset.forName("windows-1252"))).isEqualTo("case_ref;text\r\nCB-7K3M9Q;\"Café; \"\"broken\"\"\"\r\n");
    }

    @Test
    void fieldMappingMistakesAreNamed() {
        assertThatThrownBy(() -> FieldMapping.parse("case_ref=caseId")).hasMessageContaining("'caseId' is not a JSON pointer");
        assertThatThrownBy(() -> FieldMapping.parse("1st=/caseId")).hasMessageContaining("field name '1st'");
    }

    @Test
    void exportFileInWindows1252IsReadWithItsTemplate() {
        byte[] file = "case_ref;job_ref;status;event_id\r\ncb-7k3m9q;J-1;réparé;E-1\r\n".getBytes(Charset.forName("windows-1252"));
        List<StatusUpdate> updates = reader.parse("x.csv", file, Charset.forName("windows-1252"), ";", "case_ref", "event_id", "job_ref",
                "Job {job_ref}: {status}", "northgate");
        assertThat(updates).containsExactly(new StatusUpdate("CB-7K3M9Q", "Job J-1: réparé", "J-1", "E-1", "northgate:x.csv"));
    }

    @Test
    void exportFileWithoutTheConfiguredColumnsIsRefusedAtLineOne() {
        byte[] file = "case,status\nCB-7K3M9Q,booked\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> reader.parse("x.csv", file, StandardCharsets.UTF_8, ",", "case_ref", null, null, "{status}", "h"))
                .isInstanceOf(MalformedExportException.class)
                .hasMessageContaining("line 1: the header has no column 'case_ref' (columns: case, status)");
    }

    @Test
    void theSameUpdateAlwaysGetsTheSameReplyIdWhicheverFileItCameIn() {
        StatusUpdate first = new StatusUpdate("CB-7K3M9Q", "booked", "J-1", "E-1", "housing-export:a.csv");
        StatusUpdate again = new StatusUpdate("CB-7K3M9Q", "booked", "J-1", "E-1", "housing-export:b.csv");
        StatusUpdate other = new StatusUpdate("CB-7K3M9Q", "booked", "J-1", "E-2", "housing-export:a.csv");
        assertThat(StatusUpdateTranslator.replyId(first, "CB-7K3M9Q")).isEqualTo(StatusUpdateTranslator.replyId(again, "CB-7K3M9Q"))
                .isNotEqualTo(StatusUpdateTranslator.replyId(other, "CB-7K3M9Q"))
                .matches("msg-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    }
}
