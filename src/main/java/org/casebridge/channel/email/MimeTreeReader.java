package org.casebridge.channel.email;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.field.LenientFieldParser;
import org.apache.james.mime4j.io.MaxHeaderLengthLimitException;
import org.apache.james.mime4j.io.MaxHeaderLimitException;
import org.apache.james.mime4j.io.MaxLineLimitException;
import org.apache.james.mime4j.message.DefaultBodyDescriptorBuilder;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Parses the bytes of one message into a tree of {@link MimePart}s with mime4j's streaming parser, within the
 * configured limits: too many or too long header fields, over-long header lines, too many parts or too deep nesting end
 * in an {@link EmailRejectedException}, never in a parser exception or an exhausted stack.
 * <p>
 * Embedded messages (message/rfc822) are not parsed in place: their bytes are kept whole, because they are
 * stored as an attachment, and are read again with this reader on their own when their text is wanted.
 */
final class MimeTreeReader {

    private final EmailLimits limits;
    private final MimeConfig config;

    MimeTreeReader(EmailLimits limits) {
        this.limits = limits;
        this.config = MimeConfig.custom()
                .setStrictParsing(false)
                .setMaxHeaderCount(limits.maxHeaderCount())
                .setMaxHeaderLen(limits.maxHeaderLength())
                .setMaxLineLen(limits.maxLineLength())
                .build();
    }

    /**
     * The tree of {@code raw}; {@code depth} is how deep inside other messages this one sits.
     * <p>
     * A header line without a colon is dropped (mime4j's default) when real fields follow it: it is a broken fold
     * or an mbox "From " line. When such lines end the header, the sender forgot the blank line (or sent no header
     * at all): the message is read again with a blank line put before them, so that they start the body and no text
     * is lost. (mime4j's own {@code malformedHeaderStartsBody} loses the line after the malformed one.)
     */
    MimePart read(byte[] raw, int depth) {
        TreeBuilder first = parse(raw, depth);
        if (first.malformedEndsHeader()) {
            int bodyStart = malformedHeaderTail(raw);
            if (bodyStart >= 0) {
                byte[] repaired = new byte[raw.length + 2];
                System.arraycopy(raw, 0, repaired, 0, bodyStart);
                repaired[bodyStart] = '\r';
                repaired[bodyStart + 1] = '\n';
                System.arraycopy(raw, bodyStart, repaired, bodyStart + 2, raw.length - bodyStart);
                return parse(repaired, depth).root;
            }
        }
        return first.root;
    }

    /** Offset of the first header line without a colon that no valid field follows, or -1. */
    static int malformedHeaderTail(byte[] raw) {
        int candidate = -1;
        int pos = 0;
        while (pos < raw.length) {
            int end = pos;
            while (end < raw.length && raw[end] != '\n') {
                end++;
            }
            int lineEnd = end > pos && raw[end - 1] == '\r' ? end - 1 : end;
            if (lineEnd == pos) {
                break;
            }
            if (raw[pos] != ' ' && raw[pos] != '\t') {
                if (isFieldLine(raw, pos, lineEnd)) {
                    candidate = -1;
                } else if (candidate < 0) {
                    candidate = pos;
                }
            }
            pos = end + 1;
        }
        return candidate;
    }

    /** A field line as mime4j accepts it: a name of visible ASCII characters, optional blanks, a colon. */
    private static boolean isFieldLine(byte[] raw, int from, int to) {
        int colon = from;
        while (colon < to && raw[colon] != ':') {
            colon++;
        }
        if (colon == to) {
            return false;
        }
        int nameEnd = colon;
        while (nameEnd > from && (raw[nameEnd - 1] == ' ' || raw[nameEnd - 1] == '\t')) {
            nameEnd--;
        }
        if (nameEnd == from) {
            return false;
        }
        for (int i = from; i < nameEnd; i++) {
            if (raw[i] <= 32 || raw[i] >= 127) {
                return false;
            }
        }
        return true;
    }

    private TreeBuilder parse(byte[] raw, int depth) {
        TreeBuilder builder = new TreeBuilder(depth);
        DecodeMonitor monitor = builder.monitor;
        MimeStreamParser parser = new MimeStreamParser(config, monitor,
                new DefaultBodyDescriptorBuilder(null, LenientFieldParser.getParser(), monitor));
        parser.setContentHandler(builder);
        parser.setContentDecoding(true);
        parser.setNoRecurse();
        try {
            parser.parse(new ByteArrayInputStream(raw));
        } catch (MimeException | IOException e) {
            throw rejection(e);
        } catch (EmailRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            // the parser's own state errors on hostile input: a rejection of this message, not a failed route
            throw new EmailRejectedException("unreadable-message", "The MIME structure cannot be read: " + e, e);
        }
        if (builder.root == null) {
            throw new EmailRejectedException("unreadable-message", "The message has no header and no body.");
        }
        return builder;
    }

    private EmailRejectedException rejection(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MaxHeaderLimitException) {
                return new EmailRejectedException("too-many-header-fields",
                        "A header has more than " + limits.maxHeaderCount() + " fields.", e);
            }
            if (cause instanceof MaxHeaderLengthLimitException) {
                return new EmailRejectedException("header-field-too-long",
                        "A header field is longer than " + limits.maxHeaderLength() + " characters.", e);
            }
            if (cause instanceof MaxLineLimitException) {
                return new EmailRejectedException("line-too-long",
                        "A line is longer than " + limits.maxLineLength() + " characters.", e);
            }
        }
        return new EmailRejectedException("unreadable-message", "The MIME structure cannot be read: " + e.getMessage(), e);
    }

    /** Builds the part tree from the parser's events, counting parts and nesting as it goes. */
    private final class TreeBuilder extends AbstractContentHandler {

        private final Deque<MimePart> stack = new ArrayDeque<>();
        private final int baseDepth;
        private MimePart root;
        private int parts;
        private boolean inRootHeader;
        /** Valid fields of the message's own header before its last malformed line, or -1 when it has none. */
        private int malformedAfterFields = -1;

        /** Listens for the lines mime4j drops from the message's header; decoding problems stay silent. */
        final DecodeMonitor monitor = new DecodeMonitor() {
            @Override
            public boolean warn(String error, String dropDesc) {
                if (inRootHeader && error != null && error.contains("Invalid header")) {
                    malformedAfterFields = root.fields.size();
                }
                return false;
            }

            @Override
            public boolean isListening() {
                return true;
            }
        };

        TreeBuilder(int baseDepth) {
            this.baseDepth = baseDepth;
        }

        boolean malformedEndsHeader() {
            return malformedAfterFields >= 0 && malformedAfterFields == root.fields.size();
        }

        @Override
        public void startHeader() {
            inRootHeader = stack.size() == 1 && stack.peek() == root && root.fields.isEmpty();
        }

        @Override
        public void endHeader() {
            inRootHeader = false;
        }

        @Override
        public void startMessage() {
            root = new MimePart();
            stack.push(root);
        }

        @Override
        public void endMessage() {
            stack.pop();
        }

        @Override
        public void startBodyPart() {
            if (++parts > limits.maxParts()) {
                throw new EmailRejectedException("too-many-parts", "The message has more than " + limits.maxParts() + " MIME parts.");
            }
            MimePart child = new MimePart();
            stack.peek().children.add(child);
            stack.push(child);
        }

        @Override
        public void endBodyPart() {
            stack.pop();
        }

        @Override
        public void field(Field field) {
            stack.peek().fields.add(field);
        }

        @Override
        public void startMultipart(BodyDescriptor descriptor) {
            if (baseDepth + stack.size() > limits.maxNestingDepth()) {
                throw new EmailRejectedException("nesting-too-deep",
                        "MIME parts are nested more than " + limits.maxNestingDepth() + " levels deep.");
            }
            MimePart part = stack.peek();
            part.describe(descriptor);
            part.multipart = true;
        }

        @Override
        public void body(BodyDescriptor descriptor, InputStream content) throws IOException {
            MimePart part = stack.peek();
            part.describe(descriptor);
            part.body = content.readAllBytes();
        }
    }
}
