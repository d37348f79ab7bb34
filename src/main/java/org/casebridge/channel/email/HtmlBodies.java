package org.casebridge.channel.email;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Entities;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

import java.util.Locale;
import java.util.Set;

/**
 * HTML bodies with jsoup: readable plain text (paragraphs, line breaks, list items and quotes kept, quotes marked
 * with {@code > } so that quoted history can be told from the new text) and a sanitised copy of the HTML.
 * <p>
 * jsoup's parser and traversal are iterative, so deeply nested HTML never exhausts the stack, and the text costs
 * time in proportion to its size; only sanitising is refused beyond {@link #MAX_DEPTH} levels.
 */
final class HtmlBodies {

    /**
     * jsoup's relaxed list (formatting, lists, tables, links, images) without any way to load remote content:
     * images only by {@code cid:} (the message's own inline parts), no style attributes or elements, no scripts,
     * event handlers, forms, frames or base URLs, no relative links; links carry {@code rel="nofollow noopener
     * noreferrer"}.
     */
    private static final Safelist SAFELIST = Safelist.relaxed()
            .addTags("hr", "s", "del", "ins", "mark", "abbr", "address", "figure", "figcaption", "center")
            .removeProtocols("img", "src", "http", "https")
            .addProtocols("img", "src", "cid")
            .addEnforcedAttribute("a", "rel", "nofollow noopener noreferrer");

    /** Marketing mail nests tables some 30 to 60 levels deep; far beyond that is hostile. */
    static final int MAX_DEPTH = 512;

    /** Never shown by a mail client (scripts do not run there, so noscript content is shown and kept). */
    private static final Set<String> SKIPPED = Set.of("head", "script", "style", "title", "template",
            "object", "embed", "iframe", "svg", "math", "select", "option");
    private static final String UNSHOWN = "head, script, style, title, template";
    private static final Set<String> PARAGRAPHS = Set.of("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl",
            "table", "pre", "blockquote", "hr", "figure", "address");
    private static final Set<String> LINES = Set.of("div", "li", "tr", "dt", "dd", "section", "article", "header",
            "footer", "main", "nav", "aside", "center", "form", "fieldset", "caption", "details", "summary",
            "figcaption", "tbody", "thead", "tfoot", "body");

    private HtmlBodies() {
    }

    static Document parse(String html) {
        return Jsoup.parse(html);
    }

    /**
     * The sanitised body HTML, or null for HTML nested deeper than {@value #MAX_DEPTH} levels: jsoup's Cleaner takes
     * time in proportion to depth for every element, no mail client renders such HTML either, and its text is
     * kept in {@code body.text}. Call after {@link #text(Document)}, it changes the document.
     */
    static String sanitise(Document document) {
        if (depth(document) > MAX_DEPTH) {
            return null;
        }
        // the Cleaner keeps the text of elements it drops: text that was never shown (a stray <title> in the body,
        // style sheets) must go with its element
        document.select(UNSHOWN).remove();
        Document clean = new Cleaner(SAFELIST).clean(document);
        clean.outputSettings().prettyPrint(false).escapeMode(Entities.EscapeMode.base);
        return clean.body().html();
    }

    private static int depth(Document document) {
        int[] max = {0};
        NodeTraversor.filter(new NodeFilter() {
            @Override
            public FilterResult head(Node node, int depth) {
                max[0] = Math.max(max[0], depth);
                return depth > MAX_DEPTH ? FilterResult.STOP : FilterResult.CONTINUE;
            }
        }, document);
        return max[0];
    }

    /** Readable text of the document's body. */
    static String text(Document document) {
        TextWriter writer = new TextWriter();
        Element body = document.body();
        NodeTraversor.filter(writer, body != null ? body : document);
        return writer.result();
    }

    /** Writes text line by line, tracking pending line breaks and the blockquote depth of the current line. */
    private static final class TextWriter implements NodeFilter {

        private final StringBuilder out = new StringBuilder();
        private int quoteDepth;
        private int preformatted;
        /** Line breaks owed before the next text: 1 ends the line, 2 leaves a blank line. */
        private int breaks;
        private boolean lineStarted;
        private boolean space;

        @Override
        public FilterResult head(Node node, int depth) {
            if (node instanceof TextNode text) {
                write(text.getWholeText());
                return FilterResult.CONTINUE;
            }
            if (!(node instanceof Element element)) {
                return FilterResult.CONTINUE;
            }
            String name = element.normalName();
            if (SKIPPED.contains(name)) {
                return FilterResult.SKIP_ENTIRELY;
            }
            switch (name) {
                case "br" -> lineBreak();
                case "li" -> {
                    block(1);
                    write("-");
                    space = true;
                }
                case "blockquote" -> {
                    block(2);
                    quoteDepth++;
                }
                case "pre" -> {
                    block(2);
                    preformatted++;
                }
                case "td", "th" -> space = lineStarted;
                case "img" -> {
                    String alt = element.attr("alt").strip();
                    if (!alt.isEmpty()) {
                        write("[" + alt + "]");
                    }
                }
                default -> blockEdge(element, name);
            }
            return FilterResult.CONTINUE;
        }

        @Override
        public FilterResult tail(Node node, int depth) {
            if (!(node instanceof Element element)) {
                return FilterResult.CONTINUE;
            }
            String name = element.normalName();
            switch (name) {
                case "blockquote" -> {
                    block(2);
                    quoteDepth = Math.max(0, quoteDepth - 1);
                }
                case "pre" -> {
                    block(2);
                    preformatted = Math.max(0, preformatted - 1);
                }
                case "a" -> {
                    // the address of a link the reader cannot click in plain text, unless the text already shows it
                    String href = element.attr("href").strip();
                    String lower = href.toLowerCase(Locale.ROOT);
                    if ((lower.startsWith("http://") || lower.startsWith("https://")) && href.length() <= 500
                            && !element.text().contains(href.replaceFirst("(?i)^https?://", ""))) {
                        write(" <" + href + ">");
                    }
                }
                default -> blockEdge(element, name);
            }
            return FilterResult.CONTINUE;
        }

        /** A paragraph starts and ends with a blank line, a line-level element with a line break. */
        private void blockEdge(Element element, String name) {
            if (name.equals("p")) {
                block(isOutlookParagraph(element) ? 1 : 2);
            } else if (PARAGRAPHS.contains(name)) {
                block(2);
            } else if (LINES.contains(name)) {
                block(1);
            }
        }

        /** Outlook writes every line as {@code <p class=MsoNormal>} with no margin: one line each, not paragraphs. */
        private static boolean isOutlookParagraph(Element element) {
            return element.className().contains("MsoNormal");
        }

        private void block(int count) {
            if (lineStarted || out.length() > 0) {
                breaks = Math.max(breaks, count);
            }
        }

        private void lineBreak() {
            if (lineStarted) {
                breaks = Math.max(breaks, 1);
                lineStarted = false;
            } else {
                breaks = Math.min(2, breaks + 1);
            }
            space = false;
        }

        private void write(String text) {
            if (preformatted > 0) {
                String[] lines = text.split("\r?\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    if (i > 0) {
                        newLine();
                        lineStarted = false;
                    }
                    if (!lines[i].isEmpty()) {
                        startText();
                        out.append(lines[i]);
                    }
                }
                return;
            }
            int i = 0;
            int length = text.length();
            while (i < length) {
                char c = text.charAt(i);
                if (isSpace(c)) {
                    space = lineStarted;
                    i++;
                    continue;
                }
                int end = i;
                while (end < length && !isSpace(text.charAt(end))) {
                    end++;
                }
                startText();
                if (space) {
                    out.append(' ');
                }
                out.append(text, i, end);
                space = false;
                i = end;
            }
        }

        private static boolean isSpace(char c) {
            return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u00A0';
        }

        /** Pays the owed line breaks and starts a line with its quote marks. */
        private void startText() {
            if (breaks > 0 && out.length() > 0) {
                for (int b = 0; b < breaks; b++) {
                    newLine();
                }
                lineStarted = false;
                space = false;
            }
            breaks = 0;
            if (!lineStarted) {
                for (int q = 0; q < quoteDepth; q++) {
                    out.append("> ");
                }
                lineStarted = true;
                space = false;
            }
        }

        private void newLine() {
            int end = out.length();
            while (end > 0 && out.charAt(end - 1) == ' ') {
                end--;
            }
            out.setLength(end);
            out.append('\n');
        }

        /** The text without leading line breaks and trailing blanks; leading spaces of preformatted text stay. */
        String result() {
            int start = 0;
            while (start < out.length() && out.charAt(start) == '\n') {
                start++;
            }
            return out.substring(start).stripTrailing();
        }
    }
}
