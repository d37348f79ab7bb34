package org.casebridge.channel.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.casebridge.support.Http;
import org.casebridge.support.TestInfrastructure;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The widget in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven by
 * Selenium; nothing is downloaded) opens the demo page, the visitor writes, the back office answers through the API,
 * and the answer appears on the page.
 */
class WebchatBrowserTests extends WebchatBridgeTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @Autowired
    ObjectMapper mapper;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void widgetSendsTheVisitorsMessageAndShowsTheBackOfficeReply() throws Exception {
        requireChromium();
        Path profile = TestInfrastructure.tempDir("chromium-profile");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile);
        WebDriver browser = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            browser.get(ORIGIN + "/webchat/demo.html");

            WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".cb-webchat-input")));
            browser.findElement(By.cssSelector(".cb-webchat-name")).sendKeys("Amira Hassan");
            input.sendKeys("My front door lock is broken");
            browser.findElement(By.cssSelector(".cb-webchat-send")).click();

            // shown as sent once the bridge answered (the case is durably on the broker by then)
            wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.xpath("//li[contains(@class,'cb-from-visitor') and not(contains(@class,'cb-pending')) and .='My front door lock is broken']")));
            Object stored = ((JavascriptExecutor) browser).executeScript("return JSON.parse(localStorage.getItem('casebridge.webchat.demo.token'))");
            assertThat(stored).isInstanceOf(String.class);
            String visitorId = WebchatVisitors.visitorIdOf((String) stored);
            String caseId = jdbc.queryForObject("select case_id from cb_case_participant where channel = 'webchat' and address = ?",
                    String.class, visitorId);
            JsonNode inbound = mapper.readTree(jdbc.queryForObject("select payload from cb_message where case_id = ? and direction = 'inbound'",
                    String.class, caseId));
            assertThat(inbound.at("/body/text").asText()).isEqualTo("My front door lock is broken");
            assertThat(inbound.at("/customer/displayName").asText()).isEqualTo("Amira Hassan");

            // the acknowledgement with the case reference arrives by the stream
            wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.xpath("//li[contains(@class,'cb-from-agent') and contains(., '" + caseId + "')]")));

            Http http = new Http(PORT);
            HttpResponse<String> reply = http.post("/api/v1/cases/" + caseId + "/replies", "application/json",
                    "{\"text\": \"A locksmith is on the way, arriving within two hours.\"}".getBytes(StandardCharsets.UTF_8),
                    Map.of("X-Api-Key", BACKOFFICE_KEY));
            assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
            String replyId = mapper.readTree(reply.body()).get("replyId").asText();

            WebElement shown = wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.xpath("//li[contains(@class,'cb-from-agent') and .='A locksmith is on the way, arriving within two hours.']")));
            assertThat(shown.getAttribute("data-id")).isEqualTo(replyId);

            // the page is open and visible: the widget reports the reply read, and the case shows it
            String status = Awaitility.await("reply read").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> jdbc.queryForList("select delivery_status from cb_message where message_id = ?", String.class, replyId)
                            .stream().findFirst().orElse(null), "read"::equals);
            assertThat(status).isEqualTo("read");

            // a reload keeps the conversation and the visitor
            browser.navigate().refresh();
            wait.until(ExpectedConditions.presenceOfElementLocated(
                    By.xpath("//li[contains(@class,'cb-from-agent') and .='A locksmith is on the way, arriving within two hours.']")));
            List<WebElement> mine = browser.findElements(By.cssSelector(".cb-from-visitor"));
            assertThat(mine).extracting(WebElement::getText).containsExactly("My front door lock is broken");
        } finally {
            browser.quit();
            service.stop();
        }
    }

    /** Skips on a developer machine without Chromium; in CI (CI=true) a missing browser is a failure, not a skip. */
    private static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: .ci/run installs the Debian packages chromium and chromium-driver");
        }
        Assumptions.assumeTrue(present, "Chromium is not installed (apt-get install chromium chromium-driver)");
        // Selenium must never go looking for (or downloading) a driver of its own
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    }
}
