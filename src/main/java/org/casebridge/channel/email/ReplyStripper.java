package org.casebridge.channel.email;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the new part of a reply ({@code body.latest}): drops quoted history (attribution lines such as
 * "On … wrote:", "-----Original Message-----" separators, Outlook "From:/Sent:/To:" blocks, {@code >} quotes, in
 * English and the common European and East Asian variants) and signatures ("-- " delimiter, "Sent from my
 * iPhone" lines).
 * <p>
 * The rules are line patterns, not a model: they err on the side of keeping text, since a back-office reader can
 * always open {@code body.text}. When nothing would be left (a bare forward, a message that is all quote) the whole
 * text is the latest part.
 */
final class ReplyStripper {

    private static final int MAX_ATTRIBUTION = 400;

    /** "On <date>, <name> wrote:": English puts the verb last. */
    private static final Pattern ATTRIBUTION_EN = Pattern.compile(
            "^\\s*On\\b.{0,300}\\b(wrote|writes)\\s*:\\s*$", Pattern.CASE_INSENSITIVE);

    /** Translations put the verb anywhere: "Am … schrieb Anna <a@b>:", "Le … a écrit :", "Op … schreef …:". */
    private static final Pattern ATTRIBUTION_OTHER = Pattern.compile(
            "^\\s*(Am|Le|El|El día|Op|Il|Em|Às|Den|På|W dniu|Dne|Dňa|V|Pada|Vào|Kun|A las)\\b.{0,300}"
                    + "(schrieb|a écrit|escribió|escribio|schreef|ha scritto|scrisse|escreveu|skrev|napisał|napisała"
                    + "|napsal|napísal|menulis|đã viết|kirjoitti|írta|yazdı|написал|написала).{0,200}[:：]\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    /** East Asian attributions end in the verb ("…写道：", "…님이 작성:"), or are a date and an address ("2024年1月1日 … <a@b>:"). */
    private static final Pattern ATTRIBUTION_CJK = Pattern.compile(
            "^(?:.*(?:写道|寫道|작성)\\s*[:：]|\\s*\\d{4}年\\d{1,2}月\\d{1,2}日.*<[^>]+@[^>]+>\\s*[:：])\\s*$");

    /** "-----Original Message-----", "---------- Forwarded message ---------" and translations. */
    private static final Pattern SEPARATOR = Pattern.compile(
            "^\\s*[-_=*]{2,}\\s*(Original Message|Forwarded message|Forwarded Message|Ursprüngliche Nachricht"
                    + "|Weitergeleitete Nachricht|Message d'origine|Message transféré|Mensaje original|Mensaje reenviado"
                    + "|Messaggio originale|Messaggio inoltrato|Oorspronkelijk bericht|Doorgestuurd bericht"
                    + "|Mensagem original|Mensagem encaminhada|Originalmeddelande|Vidarebefordrat meddelande"
                    + "|Oprindelig meddelelse|Opprinnelig melding|Alkuperäinen viesti|Wiadomość oryginalna"
                    + "|Původní zpráva|Исходное сообщение|Пересылаемое сообщение|原始邮件|原始郵件|転送メッセージ"
                    + "|元のメッセージ)\\s*[-_=*]{0,}\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private static final Pattern HEADER_FROM = header(
            "From|Von|De|Van|Da|Från|Fra|Od|От|Lähettäjä|Feladó|Kimden|发件人|寄件者|差出人|보낸 사람");
    private static final Pattern HEADER_SENT = header(
            "Sent|Date|Gesendet|Datum|Envoyé|Date d'envoi|Enviado|Enviado el|Fecha|Verzonden|Inviato|Data"
                    + "|Skickat|Sendt|Wysłano|Odesláno|Отправлено|Дата|Lähetetty|Elküldve|Gönderildi|发送时间|傳送時間"
                    + "|送信日時|보낸 날짜");
    private static final Pattern HEADER_TO = header(
            "To|Subject|An|Betreff|À|A|Objet|Para|Asunto|Aan|Onderwerp|Oggetto|Till|Ämne|Til|Emne|Do"
                    + "|Temat|Komu|Předmět|Кому|Тема|Vastaanottaja|Aihe|Címzett|Tárgy|Kime|Konu|收件人|主题|主旨"
                    + "|宛先|件名|받는 사람|제목");
    /** "Anna wrote:" without a date, accepted only right before a quote. */
    private static final Pattern WRITER_VERB = Pattern.compile(
            "\\b(wrote|writes|schrieb|écrit|escribió|schreef|scritto|escreveu|skrev)\\s*:\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern RULE = Pattern.compile("^\\s*[_\\-=]{10,}\\s*$");

    /** Lines mobile and webmail clients append in place of a signature. */
    private static final Pattern DEVICE_SIGNATURE = Pattern.compile(
            "^\\s*(Sent from my .{1,60}|Sent from (Mail|Outlook|Yahoo Mail|Gmail|AOL|Samsung|my mobile).{0,60}"
                    + "|Sent via .{1,60}|Get Outlook for .{1,40}|Von meinem .{1,60} gesendet|Gesendet von .{1,60}"
                    + "|Envoyé de mon .{1,60}|Envoyé depuis .{1,60}|Enviado desde mi .{1,60}|Enviado do meu .{1,60}"
                    + "|Inviato da(l mio)? .{1,60}|Verzonden vanaf mijn .{1,60}|Verstuurd vanaf mijn .{1,60}"
                    + "|Skickat från min .{1,60}|Sendt fra min .{1,60}|Wysłane z .{1,60}|Отправлено с .{1,60})\\s*$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private ReplyStripper() {
    }

    /** A quoted header line such as "From: …", also in Outlook's bold plain-text form "*From:* …". */
    private static Pattern header(String names) {
        return Pattern.compile("^\\s*\\*?(" + names + ")\\*?\\s*[:：]\\*?.*", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** The new part of {@code text} (line breaks as {@code \n}). */
    static String latest(String text) {
        String[] lines = text.split("\n", -1);
        int end = historyStart(lines);
        List<String> kept = new ArrayList<>(end);
        for (int i = 0; i < end; i++) {
            String line = lines[i];
            if (isQuoted(line)) {
                // an attribution line right before a quote belongs to it, whatever its wording ("Anna wrote:")
                if (!kept.isEmpty() && !isQuoted(lines[i - 1]) && lines[i - 1].strip().endsWith(":")
                        && looksLikeAttribution(lines[i - 1])) {
                    kept.remove(kept.size() - 1);
                }
                continue;
            }
            kept.add(line);
        }
        cutSignature(kept);
        String latest = withSingleBlankLines(kept);
        return latest.isEmpty() ? text.strip() : latest;
    }

    /** The lines joined, runs of blank lines (invisible characters count as blank) made one, ends stripped. */
    private static String withSingleBlankLines(List<String> lines) {
        StringBuilder out = new StringBuilder();
        boolean blank = false;
        for (String line : lines) {
            if (isBlank(line)) {
                blank = !out.isEmpty();
                continue;
            }
            if (blank) {
                out.append('\n');
                blank = false;
            }
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(line.stripTrailing());
        }
        return out.toString();
    }

    /** Blank, or only zero-width and no-break spaces, which mail editors leave on empty lines. */
    private static boolean isBlank(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (!Character.isWhitespace(c) && c != '\u200B' && c != '\u200C' && c != '\u200D' && c != '\u2060'
                    && c != '\uFEFF' && c != '\u00A0') {
                return false;
            }
        }
        return true;
    }

    /** Index of the first line of quoted history, or the line count when there is none. */
    private static int historyStart(String[] lines) {
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (isBlank(line) || line.length() > MAX_ATTRIBUTION * 2) {
                continue;
            }
            // cheap tests first: the patterns run on a line only when its first or last character allows a match
            if (startsLikeRule(line) && SEPARATOR.matcher(line).matches() || endsWithColon(line) && isAttribution(line)) {
                return i;
            }
            // Gmail wraps long attributions: "On Mon, 1 Jan 2024 at 10:00, Anna Example <" / "anna@example.org> wrote:"
            if (i + 1 < lines.length && endsWithColon(lines[i + 1]) && !isQuoted(line)
                    && line.length() + lines[i + 1].length() <= MAX_ATTRIBUTION
                    && isAttribution(line.stripTrailing() + " " + lines[i + 1].strip()) && !isAttribution(lines[i + 1])) {
                return i;
            }
            if (hasEarlyColon(line) && HEADER_FROM.matcher(line).matches() && isHeaderBlock(lines, i)) {
                return precededByRule(lines, i);
            }
        }
        return lines.length;
    }

    /** An attribution names a date or an address, so a customer's own "On Monday my neighbour wrote:" is kept. */
    private static boolean isAttribution(String line) {
        return line.length() <= MAX_ATTRIBUTION && (hasDigit(line) || line.contains("@"))
                && (ATTRIBUTION_EN.matcher(line).matches() || ATTRIBUTION_OTHER.matcher(line).matches()
                || ATTRIBUTION_CJK.matcher(line).matches());
    }

    private static boolean endsWithColon(String line) {
        int end = line.length() - 1;
        while (end >= 0 && Character.isWhitespace(line.charAt(end))) {
            end--;
        }
        return end >= 0 && (line.charAt(end) == ':' || line.charAt(end) == '：');
    }

    private static boolean startsLikeRule(String line) {
        int start = 0;
        while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
            start++;
        }
        return start < line.length() && "-_=*".indexOf(line.charAt(start)) >= 0;
    }

    /** A quoted header names its field in the first few characters ("*Lähettäjä:*" is among the longest). */
    private static boolean hasEarlyColon(String line) {
        int limit = Math.min(line.length(), 24);
        for (int i = 0; i < limit; i++) {
            char c = line.charAt(i);
            if (c == ':' || c == '：') {
                return true;
            }
        }
        return false;
    }

    private static boolean hasDigit(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (Character.isDigit(line.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Lines ending in a colon that name a writer: a verb of writing, a date, or an address. */
    private static boolean looksLikeAttribution(String line) {
        return line.length() <= MAX_ATTRIBUTION
                && (isAttribution(line) || line.contains("@") || WRITER_VERB.matcher(line).find());
    }

    /** A From line followed, within the next lines, by a date line and a To or Subject line: a quoted header. */
    private static boolean isHeaderBlock(String[] lines, int from) {
        boolean sent = false;
        boolean to = false;
        for (int i = from + 1; i < lines.length && i <= from + 8; i++) {
            String line = lines[i];
            if (HEADER_SENT.matcher(line).matches()) {
                sent = true;
            } else if (HEADER_TO.matcher(line).matches()) {
                to = true;
            }
            if (sent && to) {
                return true;
            }
        }
        return false;
    }

    /** Outlook puts a rule of underscores above the quoted header: cut from the rule. */
    private static int precededByRule(String[] lines, int from) {
        int i = from - 1;
        while (i >= 0 && lines[i].isBlank()) {
            i--;
        }
        return i >= 0 && RULE.matcher(lines[i]).matches() ? i : from;
    }

    private static boolean isQuoted(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '>';
            }
        }
        return false;
    }

    /** Drops everything from the "-- " delimiter, and device signature lines that end the text. */
    private static void cutSignature(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.length() <= 4 && line.stripTrailing().equals("--")) {
                lines.subList(i, lines.size()).clear();
                break;
            }
        }
        int last = lines.size() - 1;
        while (last >= 0 && isBlank(lines.get(last))) {
            last--;
        }
        if (last >= 0 && DEVICE_SIGNATURE.matcher(lines.get(last)).matches()) {
            lines.subList(last, lines.size()).clear();
        }
    }
}
