package org.casebridge.ops;

import jakarta.servlet.http.HttpServletRequest;
import org.casebridge.cases.Attachment;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.cases.CaseIds;
import org.casebridge.cases.CaseViews;
import org.casebridge.shared.Problem;
import org.casebridge.shared.RejectedRequestException;
import org.casebridge.store.AttachmentStore;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/cases/{caseId}/attachments/{sha256}}: the bytes of a case's attachment for a back-office client.
 * A Spring MVC controller rather than a Camel route because a {@link Resource} body gets Spring's range requests
 * ({@code Range}, {@code 206}, multipart byte ranges) and {@code If-None-Match} for free, without the file in memory.
 */
@RestController
class AttachmentDownloads {

    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

    private final CaseViews views;
    private final ApiClients clients;
    private final AttachmentStore store;

    AttachmentDownloads(CaseViews views, ApiClients clients, AttachmentStore store) {
        this.views = views;
        this.clients = clients;
        this.store = store;
    }

    /**
     * Only trusted back-office clients download: a web form's key sits in a browser and must not read what tenants
     * sent. A case or digest the client cannot see answers 404, as {@code GET /api/v1/cases/{caseId}} does, so an
     * unknown case and another's case look the same.
     */
    @GetMapping("/api/v1/cases/{caseId}/attachments/{sha256}")
    ResponseEntity<Resource> download(@PathVariable String caseId, @PathVariable String sha256,
                                      @RequestHeader(name = CaseHeaders.CLIENT_ID, required = false) String clientId) {
        boolean trusted = clients.byId(clientId).map(ApiClients.ApiClient::trustedIdentity).orElse(false);
        if (!trusted) {
            throw new RejectedRequestException(403, "forbidden", "Forbidden",
                    "Only back-office clients (trusted-identity) may download attachments.");
        }
        String normalisedCase = caseId.strip().toUpperCase(Locale.ROOT);
        String digest = sha256.strip().toLowerCase(Locale.ROOT);
        Attachment attachment = (CaseIds.isCaseId(normalisedCase) && SHA256.matcher(digest).matches()
                ? views.findAttachment(normalisedCase, null, digest) : java.util.Optional.<Attachment>empty())
                .orElseThrow(() -> notFound(caseId, sha256));
        Path file = store.file(attachment.ref());
        if (!Files.isRegularFile(file)) {
            throw notFound(caseId, sha256);
        }
        ContentDisposition disposition = ContentDisposition.attachment()
                .filename(attachment.filename() == null ? digest : attachment.filename(), StandardCharsets.UTF_8).build();
        return ResponseEntity.ok()
                .eTag(digest)
                // the bytes behind a digest never change; tenants' files stay out of shared caches
                .cacheControl(CacheControl.noCache().cachePrivate())
                .contentType(mediaType(attachment.contentType()))
                .header(HttpHeaders.CONTENT_DISPOSITION, disposition.toString())
                .header("X-Content-Type-Options", "nosniff")
                .body(new FileSystemResource(file));
    }

    @ExceptionHandler(RejectedRequestException.class)
    ResponseEntity<Problem> refused(RejectedRequestException rejection, HttpServletRequest request) {
        return ResponseEntity.status(rejection.status()).contentType(MediaType.parseMediaType(Problem.MEDIA_TYPE))
                .body(rejection.toProblem(request.getRequestURI()));
    }

    private static RejectedRequestException notFound(String caseId, String sha256) {
        return new RejectedRequestException(404, "attachment-not-found", "Attachment not found",
                "Case '" + caseId + "' has no attachment '" + sha256 + "' visible to this client.");
    }

    private static MediaType mediaType(String contentType) {
        try {
            return MediaType.parseMediaType(contentType);
        } catch (RuntimeException e) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }
}
