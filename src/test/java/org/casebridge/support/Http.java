package org.casebridge.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** A small real HTTP client for tests: requests go over TCP to the bridge's port. */
public final class Http {

    private final HttpClient client = HttpClient.newHttpClient();
    private final String base;
    private final Map<String, String> defaults;

    public Http(int port) {
        this(port, Map.of());
    }

    private Http(int port, Map<String, String> defaults) {
        this.base = "http://127.0.0.1:" + port;
        this.defaults = defaults;
    }

    /** A client that logs every request in as {@code user} (HTTP Basic), e.g. for the admin paths. */
    public Http as(String user, String password) {
        return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), Map.of("Authorization", basic(user, password)));
    }

    /** A client logged in as the test contexts' administrator ({@link TestInfrastructure#ADMIN_USER}). */
    public Http asAdmin() {
        return as(TestInfrastructure.ADMIN_USER, TestInfrastructure.ADMIN_PASSWORD);
    }

    public static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public HttpResponse<String> post(String path, String contentType, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        defaults.forEach((name, value) -> { if (!headers.containsKey(name)) request.header(name, value); });
        headers.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        defaults.forEach((name, value) -> { if (!headers.containsKey(name)) request.header(name, value); });
        headers.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String base() {
        return base;
    }
}
