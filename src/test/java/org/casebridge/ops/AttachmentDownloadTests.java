package org.casebridge.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.casebridge.store.BlobStore;
import org.casebridge.support.BridgeTest;
import org.casebridge.support.Http;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The back office downloads a tenant's photo over real HTTP: bytes, names, ETag, ranges, and who is refused. */
class AttachmentDownloadTests extends BridgeTest {

    private static final String BACKOFFICE_KEY = "backoffice-key-change-me";

    @LocalServerPort
    int port;
    @Autowired
    ObjectMapper mapper;

    Http http;
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    /** 1 KiB of every byte value: a body that survives only a binary-clean path. */
    private static byte[] photo() {
        byte[] bytes = new byte[1024];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private String caseWith(byte[] bytes) throws Exception {
        String body = """
                {"sender": {"name": "Amira Hassan", "email": "amira.download@example.org"},
                 "subject": "Mould", "text": "Photo of the mould attached.",
                 "attachments": [{"filename": "mould in bathroom.jpg", "contentType": "image/jpeg", "content": "%s"}]}
                """.formatted(Base64.getEncoder().encodeToString(bytes));
        HttpResponse<String> created = http.post("/api/v1/messages", "application/json", body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Api-Key", API_KEY));
        assertThat(created.statusCode()).isEqualTo(202);
        return mapper.readTree(created.body()).get("caseId").asText();
    }

    private HttpResponse<byte[]> download(String path, String key, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http.base() + path)).GET().header("X-Api-Key", key);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesTheBytesWithTheirNameTypeAndDigestToTheBackOffice() throws Exception {
        byte[] photo = photo();
        String sha256 = BlobStore.sha256Hex(photo);
        String path = "/api/v1/cases/" + caseWith(photo) + "/attachments/" + sha256;

        await().atMost(Duration.ofSeconds(10)).until(() -> download(path, BACKOFFICE_KEY).statusCode() == 200);
        HttpResponse<byte[]> response = download(path, BACKOFFICE_KEY);

        assertThat(response.body()).isEqualTo(photo);
        assertThat(response.headers().firstValue("Content-Type")).contains("image/jpeg");
        assertThat(response.headers().firstValue("ETag")).contains("\"" + sha256 + "\"");
        assertThat(response.headers().firstValue("Accept-Ranges")).contains("bytes");
        assertThat(response.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment;").contains("mould%20in%20bathroom.jpg");
        assertThat(download(path, BACKOFFICE_KEY, "If-None-Match", "\"" + sha256 + "\"").statusCode()).isEqualTo(304);
    }

    @Test
    void answersARangeRequestWithPartialContent() throws Exception {
        byte[] photo = photo();
        photo[0] = 42; // its own digest, so this test's blob is not the other test's
        String path = "/api/v1/cases/" + caseWith(photo) + "/attachments/" + BlobStore.sha256Hex(photo);
        await().atMost(Duration.ofSeconds(10)).until(() -> download(path, BACKOFFICE_KEY).statusCode() == 200);

        HttpResponse<byte[]> response = download(path, BACKOFFICE_KEY, "Range", "bytes=100-199");

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range")).contains("bytes 100-199/1024");
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(photo, 100, 200));
    }

    @Test
    void refusesAWebFormClientAndHidesUnknownCasesAndDigests() throws Exception {
        byte[] photo = photo();
        photo[1] = 7;
        String sha256 = BlobStore.sha256Hex(photo);
        String caseId = caseWith(photo);
        String path = "/api/v1/cases/" + caseId + "/attachments/" + sha256;
        await().atMost(Duration.ofSeconds(10)).until(() -> download(path, BACKOFFICE_KEY).statusCode() == 200);

        HttpResponse<byte[]> webForm = download(path, API_KEY);
        assertThat(webForm.statusCode()).isEqualTo(403);
        assertThat(webForm.headers().firstValue("Content-Type")).contains("application/problem+json");

        HttpResponse<byte[]> otherDigest = download("/api/v1/cases/" + caseId + "/attachments/" + "0".repeat(64), BACKOFFICE_KEY);
        assertThat(otherDigest.statusCode()).isEqualTo(404);
        JsonNode problem = mapper.readTree(otherDigest.body());
        assertThat(problem.get("type").asText()).endsWith("attachment-not-found");
        assertThat(download("/api/v1/cases/CB-222222/attachments/" + sha256, BACKOFFICE_KEY).statusCode()).isEqualTo(404);
        assertThat(download("/api/v1/cases/" + caseId + "/attachments/..%2f..%2fraw", BACKOFFICE_KEY).statusCode()).isIn(400, 404);
        assertThat(download(path, "no-such-key").statusCode()).isEqualTo(401);
    }
}
