package org.casebridge.channel.email;

import org.apache.james.mime4j.dom.field.ContentDispositionField;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.util.MimeParameterMapping;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One entity of a parsed email: its header fields, what it declares about its content and, for a leaf, the content
 * with the transfer encoding (base64, quoted-printable) already undone.
 */
final class MimePart {

    final List<Field> fields = new ArrayList<>();
    final List<MimePart> children = new ArrayList<>();
    /** Effective type, as mime4j settles it (a multipart without boundary is text/plain; digest parts default to message/rfc822). */
    String mimeType = "text/plain";
    /** The Content-Type as written, or null: a detector needs {@code multipart/report} even when its boundary is missing. */
    String declaredType;
    Map<String, String> typeParameters = Map.of();
    /** The charset as declared, or null when none was (which is not the same as us-ascii for 8-bit content). */
    String charset;
    String disposition;
    String filename;
    String contentId;
    String transferEncoding;
    boolean multipart;
    /** Leaf content; for message/rfc822 the embedded message's bytes. */
    byte[] body;

    /** Reads the descriptor mime4j built from this part's header fields. */
    void describe(BodyDescriptor descriptor) {
        mimeType = descriptor.getMimeType() == null ? "text/plain" : descriptor.getMimeType().toLowerCase(Locale.ROOT);
        transferEncoding = descriptor.getTransferEncoding() == null ? null : descriptor.getTransferEncoding().toLowerCase(Locale.ROOT);
        ContentTypeField type = field("Content-Type", ContentTypeField.class);
        String name = null;
        if (type != null) {
            declaredType = type.getMimeType();
            typeParameters = type.getParameters();
            charset = type.getParameter("charset");
            // Content-Type parameters get no RFC 2231 treatment in mime4j's lenient parser: apply it here
            MimeParameterMapping mapping = new MimeParameterMapping();
            type.getParameters().forEach(mapping::addParameter);
            name = mapping.get("name");
        }
        ContentDispositionField dispositionField = field("Content-Disposition", ContentDispositionField.class);
        String dispositionName = null;
        if (dispositionField != null) {
            disposition = dispositionField.getDispositionType();
            dispositionName = dispositionField.getFilename();
        }
        filename = blankToNull(dispositionName != null && !dispositionName.isBlank() ? dispositionName : name);
        Field id = first("Content-ID");
        if (id != null && id.getBody() != null) {
            contentId = blankToNull(id.getBody().strip().replaceAll("^<|>$", "").strip());
        }
    }

    /**
     * The first charset a text part of this message declares (other than us-ascii): the best guess for header
     * fields that carry raw 8-bit text without saying in which charset. Null when there is none.
     */
    Charset charsetHint() {
        if (!multipart) {
            Charset charset = mediaType().equals("text") ? MailCharsets.lookup(this.charset) : null;
            return charset == null || charset.equals(StandardCharsets.US_ASCII) ? null : charset;
        }
        for (MimePart child : children) {
            Charset charset = child.charsetHint();
            if (charset != null) {
                return charset;
            }
        }
        return null;
    }

    Field first(String name) {
        for (Field field : fields) {
            if (field.getName().equalsIgnoreCase(name)) {
                return field;
            }
        }
        return null;
    }

    private <T> T field(String name, Class<T> type) {
        Field field = first(name);
        return type.isInstance(field) ? type.cast(field) : null;
    }

    String mediaType() {
        int slash = mimeType.indexOf('/');
        return slash < 0 ? mimeType : mimeType.substring(0, slash);
    }

    String subType() {
        int slash = mimeType.indexOf('/');
        return slash < 0 ? "" : mimeType.substring(slash + 1);
    }

    boolean isAttachmentDisposition() {
        return "attachment".equals(disposition);
    }

    boolean isMessage() {
        return !multipart && (mimeType.equals("message/rfc822") || mimeType.equals("message/global"));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
