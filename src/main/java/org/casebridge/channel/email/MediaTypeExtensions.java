package org.casebridge.channel.email;

import java.util.Locale;
import java.util.Map;

/** The file extension of a media type, for naming parts the sender left unnamed so the back office can open them. */
final class MediaTypeExtensions {

    /** The types real mail carries unnamed most often: inline images, documents, calendar and contact cards. */
    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("image/jpeg", "jpg"), Map.entry("image/jpg", "jpg"), Map.entry("image/pjpeg", "jpg"),
            Map.entry("image/png", "png"), Map.entry("image/gif", "gif"), Map.entry("image/bmp", "bmp"),
            Map.entry("image/tiff", "tif"), Map.entry("image/webp", "webp"), Map.entry("image/heic", "heic"),
            Map.entry("image/svg+xml", "svg"),
            Map.entry("application/pdf", "pdf"), Map.entry("application/rtf", "rtf"), Map.entry("text/rtf", "rtf"),
            Map.entry("application/msword", "doc"), Map.entry("application/vnd.ms-excel", "xls"),
            Map.entry("application/vnd.ms-powerpoint", "ppt"),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
            Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
            Map.entry("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
            Map.entry("application/vnd.oasis.opendocument.text", "odt"),
            Map.entry("application/zip", "zip"), Map.entry("application/gzip", "gz"), Map.entry("application/x-gzip", "gz"),
            Map.entry("application/json", "json"), Map.entry("application/xml", "xml"), Map.entry("text/xml", "xml"),
            Map.entry("application/ms-tnef", "dat"), Map.entry("application/vnd.ms-tnef", "dat"),
            Map.entry("application/pkcs7-signature", "p7s"), Map.entry("application/x-pkcs7-signature", "p7s"),
            Map.entry("application/pgp-signature", "asc"), Map.entry("application/pgp-encrypted", "asc"),
            Map.entry("text/plain", "txt"), Map.entry("text/html", "html"), Map.entry("text/csv", "csv"),
            Map.entry("text/calendar", "ics"), Map.entry("text/x-vcalendar", "vcs"), Map.entry("text/vcard", "vcf"),
            Map.entry("text/x-vcard", "vcf"), Map.entry("text/directory", "vcf"), Map.entry("text/css", "css"),
            Map.entry("message/rfc822", "eml"), Map.entry("message/delivery-status", "txt"),
            Map.entry("message/disposition-notification", "txt"), Map.entry("text/rfc822-headers", "txt"),
            Map.entry("audio/mpeg", "mp3"), Map.entry("audio/ogg", "ogg"), Map.entry("audio/wav", "wav"),
            Map.entry("audio/x-wav", "wav"), Map.entry("audio/amr", "amr"), Map.entry("audio/mp4", "m4a"),
            Map.entry("video/mp4", "mp4"), Map.entry("video/quicktime", "mov"), Map.entry("video/mpeg", "mpg"));

    private MediaTypeExtensions() {
    }

    /** The extension for {@code mediaType} without its dot; {@code bin} for a type this table does not know. */
    static String of(String mediaType) {
        if (mediaType == null) {
            return "bin";
        }
        return EXTENSIONS.getOrDefault(mediaType.toLowerCase(Locale.ROOT), "bin");
    }
}
