package org.casebridge.channel.email;

import org.apache.poi.hmef.Attachment;
import org.apache.poi.hmef.HMEFMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Unpacks Outlook's TNEF container ({@code winmail.dat}, application/ms-tnef) into the files it carries, with Apache
 * POI's HMEF reader: without it the back office receives one file nobody outside Outlook can open.
 */
final class TnefFiles {

    /** One file carried in a TNEF container; {@code name} may be null when Outlook gave none. */
    record File(String name, byte[] bytes) {
    }

    private TnefFiles() {
    }

    /** Whether a part is a TNEF container, by its media type or, as some relays relabel it, by its name. */
    static boolean isTnef(String mimeType, String filename) {
        String type = mimeType == null ? "" : mimeType.toLowerCase(Locale.ROOT);
        return type.equals("application/ms-tnef") || type.equals("application/vnd.ms-tnef")
                || (filename != null && filename.strip().equalsIgnoreCase("winmail.dat"));
    }

    /**
     * The files in {@code bytes}, in the container's order; empty when it holds none or is not TNEF at all (the
     * original is kept either way, so a damaged container loses nothing).
     */
    static List<File> unpack(byte[] bytes) {
        HMEFMessage message;
        try {
            message = new HMEFMessage(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            // POI reports a damaged container with IllegalArgumentException, RecordFormatException and friends
            return List.of();
        }
        List<File> files = new ArrayList<>();
        for (Attachment attachment : message.getAttachments()) {
            byte[] contents;
            String name;
            try {
                contents = attachment.getContents();
                // the MAPI long name where Outlook wrote one, else the TNEF title (an 8.3 name in older Outlooks)
                name = attachment.getLongFilename();
                if (name == null || name.isBlank()) {
                    name = attachment.getFilename();
                }
            } catch (RuntimeException e) {
                continue;
            }
            if (contents != null) {
                files.add(new File(name, contents));
            }
        }
        return files;
    }
}
