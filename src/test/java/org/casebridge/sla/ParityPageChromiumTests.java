package org.casebridge.sla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.cases.CaseIds;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parity page as a manager sees it: headless Chromium (Debian package {@code chromium}, installed by
 * {@code .ci/run}) loads {@code /parity} from the running bridge, its script fetches the figures and draws them, and
 * the rendered DOM shows the figures of the seeded cases.
 */
class ParityPageChromiumTests extends BridgeTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper mapper;

    @Test
    void showsTodaysAndThisWeeksMedianFirstResponseAndSlaMetPerChannel() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            // CI installs it (.ci/run); elsewhere: apt-get install chromium
            assertThat(System.getenv("CI")).as("CI must have " + CHROMIUM + " (.ci/run installs the Debian package chromium)").isNotEqualTo("true");
            Assumptions.abort("no " + CHROMIUM + " here: apt-get install chromium chromium-driver");
        }
        // WhatsApp: 10, 20 and 30 minutes, all within the due time -> median 20 min, 100 % met
        for (int minutes : new int[]{10, 20, 30}) {
            seed("whatsapp", Duration.ofMinutes(minutes), Duration.ofHours(4), Duration.ofSeconds(30));
        }
        // web chat: 5 minutes (met), 90 minutes (due after 60: missed), one unanswered past its due time (missed)
        seed("webchat", Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofSeconds(30));
        seed("webchat", Duration.ofMinutes(90), Duration.ofHours(1), Duration.ofSeconds(30));
        seed("webchat", null, Duration.ofMinutes(-1), Duration.ofSeconds(30));
        // ten days ago: outside this week and today
        seed("whatsapp", Duration.ofDays(2), Duration.ofHours(4), Duration.ofDays(10));

        // the page and its figures need a viewer's login; Chromium keeps the one in the URL for the page's fetch
        Document page = Jsoup.parse(render("http://" + TestInfrastructure.VIEWER_USER + ":" + TestInfrastructure.USER_PASSWORD
                + "@127.0.0.1:" + port + "/parity"));

        assertThat(page.body().attr("data-state")).as(page.select("#error").text()).isEqualTo("ready");
        Element whatsapp = page.selectFirst("#figures tr[data-channel=whatsapp]");
        assertThat(whatsapp).isNotNull();
        assertThat(figure(whatsapp, "today-median")).isEqualTo("20 min");
        assertThat(figure(whatsapp, "today-met")).isEqualTo("100%");
        assertThat(figure(whatsapp, "week-median")).isEqualTo("20 min");
        assertThat(figure(whatsapp, "week-met")).isEqualTo("100%");
        assertThat(figure(whatsapp, "week-answered")).isEqualTo("3");
        Element webchat = page.selectFirst("#figures tr[data-channel=webchat]");
        assertThat(figure(webchat, "today-median")).isEqualTo("48 min");
        assertThat(figure(webchat, "today-met")).isEqualTo("33.3%");
        assertThat(webchat.selectFirst("[data-figure=today-met]").className()).isEqualTo("poor");
        // email, the reference, always has its row
        assertThat(page.selectFirst("#figures tr[data-channel=email]")).isNotNull();
        // the chart has a today and a week bar per channel
        assertThat(page.select("#chart rect[data-channel=whatsapp]")).hasSize(2);
        // the parity ratio shown is the one the bridge computed
        JsonNode report = mapper.readTree(new Http(port).asAdmin().get("/api/v1/admin/parity", Map.of()).body());
        JsonNode ratio = report.at("/parity/ratio");
        assertThat(page.selectFirst("#parity-ratio").text()).isEqualTo(ratio.isNull() ? "–" : String.format(java.util.Locale.ROOT, "%.2f", ratio.asDouble()));
    }

    private static String figure(Element row, String name) {
        return row.selectFirst("[data-figure=" + name + "]").text();
    }

    /** The DOM after the page's scripts ran: headless Chromium, a fresh profile, nothing fetched from elsewhere. */
    private static String render(String url) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile-");
        List<String> command = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                // virtual time: the dump waits until the page's fetch has been answered and rendered
                "--virtual-time-budget=15000", "--dump-dom", url);
        Path out = Files.createTempFile("parity-dom-", ".html");
        Process chromium = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!chromium.waitFor(120, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 120 s");
        }
        String dom = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(chromium.exitValue()).as("chromium exit; DOM: " + dom).isZero();
        return dom;
    }

    /** A case of {@code channel} opened {@code ago}, answered after {@code took} (null: unanswered), due after {@code target}. */
    private void seed(String channel, Duration took, Duration target, Duration ago) {
        Instant created = Instant.now().minus(ago);
        jdbc.update("insert into cb_case (case_id, channel, status, priority, created_at, updated_at, first_response_at, first_response_due)"
                        + " values (?, ?, 'open', 'P3', ?, ?, ?, ?)", CaseIds.newCaseId(), channel, utc(created), utc(created),
                took == null ? null : utc(created.plus(took)), utc(created.plus(target)));
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
