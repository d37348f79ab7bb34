package org.casebridge.channel.webchat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import org.casebridge.cases.RejectionStore;
import org.casebridge.shared.Problem;
import org.casebridge.shared.RejectedRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.util.HtmlUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web chat's browser endpoints besides the message itself (which is a Camel route,
 * {@code routes/webchat-api-to-case.yaml}): visitor sessions, the reply stream and read receipts, and the demo page.
 * The stream is a Spring MVC {@link SseEmitter}: a long-lived response that Camel's platform-http does not hold.
 */
@RestController
class WebchatController {

    private static final Logger LOG = LoggerFactory.getLogger(WebchatController.class);

    private final WebchatProperties properties;
    private final WebchatSites sites;
    private final WebchatVisitors visitors;
    private final WebchatStreams streams;
    private final WebchatOutbox outbox;
    private final RejectionStore rejections;
    private final ObjectMapper mapper;

    WebchatController(WebchatProperties properties, WebchatSites sites, WebchatVisitors visitors, WebchatStreams streams,
                      WebchatOutbox outbox, RejectionStore rejections, ObjectMapper mapper) {
        this.properties = properties;
        this.sites = sites;
        this.visitors = visitors;
        this.streams = streams;
        this.outbox = outbox;
        this.rejections = rejections;
        this.mapper = mapper;
    }

    /** A new visitor of the site: {@code 201} with the token the widget keeps (in localStorage) and sends from then on. */
    @PostMapping(path = "/webchat/v1/sessions", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> session(@RequestHeader(name = WebchatHeaders.SITE, required = false) String siteId,
                                                @RequestHeader(name = WebchatHeaders.KEY, required = false) String key,
                                                @RequestHeader(name = "Origin", required = false) String origin) {
        requireEnabled();
        WebchatProperties.Site site = sites.authenticate(siteId, key);
        sites.checkOrigin(site, origin, true);
        WebchatVisitors.Issued issued = visitors.issue(site.getId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("visitorId", issued.visitor().visitorId());
        body.put("visitorToken", issued.token());
        body.put("events", "/webchat/v1/events");
        return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }

    /**
     * The visitor's replies as Server-Sent Events ({@code event: reply}, {@code id} = the reply's sequence number).
     * Credentials as query parameters, since a browser's EventSource cannot send headers.
     */
    @GetMapping(path = "/webchat/v1/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@RequestParam(name = WebchatHeaders.SITE_PARAM, required = false) String siteId,
                      @RequestParam(name = WebchatHeaders.KEY_PARAM, required = false) String key,
                      @RequestParam(name = WebchatHeaders.TOKEN_PARAM, required = false) String token,
                      @RequestParam(name = WebchatHeaders.LAST_EVENT_ID_PARAM, required = false) String lastEventIdParam,
                      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
                      @RequestHeader(name = "Origin", required = false) String origin) {
        requireEnabled();
        WebchatProperties.Site site = sites.authenticate(siteId, key);
        // a same-origin EventSource sends no Origin; a cross-origin one always does, and it must be the site's
        sites.checkOrigin(site, origin, false);
        WebchatVisitors.Visitor visitor = visitors.authenticate(site.getId(), token);
        // the browser's own Last-Event-ID (automatic reconnect) wins over the one the widget remembered across page loads
        return streams.open(visitor, lastEventId(lastEventIdHeader != null ? lastEventIdHeader : lastEventIdParam));
    }

    /** The widget showed replies to the visitor: {@code {"status": "read", "messageIds": [...]}}; answered 202. */
    @PostMapping(path = "/webchat/v1/receipts", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> receipts(@RequestHeader(name = WebchatHeaders.SITE, required = false) String siteId,
                                                 @RequestHeader(name = WebchatHeaders.KEY, required = false) String key,
                                                 @RequestHeader(name = WebchatHeaders.TOKEN, required = false) String token,
                                                 @RequestHeader(name = "Origin", required = false) String origin,
                                                 HttpServletRequest request) throws IOException {
        requireEnabled();
        WebchatProperties.Site site = sites.authenticate(siteId, key);
        sites.checkOrigin(site, origin, true);
        WebchatVisitors.Visitor visitor = visitors.authenticate(site.getId(), token);
        JsonNode body;
        try {
            body = mapper.readTree(request.getInputStream());
        } catch (IOException e) {
            throw new RejectedRequestException(400, "invalid-json", "Invalid JSON", "The body is not JSON.");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        if (body == null || !"read".equals(body.path("status").asText())) {
            errors.add(new Problem.FieldError("/status", "must be \"read\" (delivery is recorded when the stream writes the reply)"));
        }
        List<String> ids = new ArrayList<>();
        JsonNode list = body == null ? null : body.get("messageIds");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > 100) {
            errors.add(new Problem.FieldError("/messageIds", "required: 1 to 100 message ids"));
        } else {
            list.forEach(id -> ids.add(id.asText()));
        }
        if (!errors.isEmpty()) {
            throw new RejectedRequestException(400, "invalid-receipt", "Invalid receipt", "The receipt has invalid fields.", errors, Map.of());
        }
        int changed = outbox.markRead(visitor.visitorId(), ids);
        return ResponseEntity.accepted().body(Map.of("status", "recorded", "changed", changed));
    }

    /** The demo page: the widget embedded for the demo site, served only while {@code demo.enabled}. */
    @GetMapping(path = "/webchat/demo.html", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> demo() throws IOException {
        if (!properties.isEnabled() || !properties.getDemo().isEnabled()) {
            return ResponseEntity.notFound().build();
        }
        WebchatProperties.Site site = properties.getSites().stream().filter(s -> properties.getDemo().getSite().equals(s.getId()))
                .findFirst().orElse(null);
        if (site == null) {
            return ResponseEntity.notFound().build();
        }
        String page = new String(new ClassPathResource("webchat/demo.html").getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replace("@SITE@", HtmlUtils.htmlEscape(site.getId())).replace("@KEY@", HtmlUtils.htmlEscape(site.getKey()));
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8)).body(page);
    }

    @ExceptionHandler(RejectedRequestException.class)
    ResponseEntity<Problem> refused(RejectedRequestException rejection, HttpServletRequest request) {
        try {
            rejections.record("webchat", "webchat:" + String.valueOf(request.getHeader(WebchatHeaders.SITE) != null
                            ? request.getHeader(WebchatHeaders.SITE) : request.getParameter(WebchatHeaders.SITE_PARAM)),
                    rejection.status(), Problem.typeUri(rejection.slug()), rejection.getMessage(), null);
        } catch (RuntimeException e) {
            LOG.error("Cannot record rejection ({}): {}", rejection.slug(), e.getMessage());
        }
        LOG.info("Refused {} {}: {} {} ({})", request.getMethod(), request.getRequestURI(), rejection.status(), rejection.slug(), rejection.getMessage());
        HttpHeaders headers = new HttpHeaders();
        rejection.responseHeaders().forEach(headers::set);
        headers.setContentType(MediaType.parseMediaType(Problem.MEDIA_TYPE));
        return new ResponseEntity<>(rejection.toProblem(request.getRequestURI()), headers, HttpStatus.valueOf(rejection.status()));
    }

    private void requireEnabled() {
        if (!properties.isEnabled()) {
            throw new RejectedRequestException(404, "not-found", "Not found", "The web chat is switched off (casebridge.channels.webchat.enabled).");
        }
    }

    private static Long lastEventId(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Math.max(0, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            throw new RejectedRequestException(400, "invalid-last-event-id", "Invalid Last-Event-ID", "Last-Event-ID must be a reply's id (a number).");
        }
    }
}
