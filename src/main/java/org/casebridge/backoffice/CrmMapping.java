package org.casebridge.backoffice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.schibsted.spt.data.jslt.Expression;
import com.schibsted.spt.data.jslt.JsltException;
import com.schibsted.spt.data.jslt.Parser;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Case -> CRM shape mapping: a JSLT template in {@code config/} (one file per CRM and operation), so supporting
 * another CRM is a template, not Java. A template sees the Case as its input and the variables {@code $crmId} (the
 * CRM's id of the case, null when creating) and {@code $target} (the delivering route). A changed file is read again
 * on the next message.
 */
final class CrmMapping {

    private record Compiled(FileTime modified, Expression expression) {
    }

    private final Map<Path, Compiled> compiled = new ConcurrentHashMap<>();

    /** The CRM request body for {@code caseNode}, by the template in {@code file}. */
    JsonNode apply(Path file, JsonNode caseNode, String crmId, String target) {
        Expression expression = expression(file);
        return expression.apply(Map.of("crmId", crmId == null ? com.fasterxml.jackson.databind.node.NullNode.instance : new TextNode(crmId),
                "target", new TextNode(target)), caseNode);
    }

    /** The template in {@code file}, compiled (checks it: the validate command uses this too). */
    Expression expression(Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            Compiled cached = compiled.get(file);
            if (cached != null && cached.modified().equals(modified)) {
                return cached.expression();
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Expression expression = Parser.compileString(text);
            compiled.put(file, new Compiled(modified, expression));
            return expression;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the CRM mapping " + file + ": " + e.getMessage(), e);
        } catch (JsltException e) {
            throw new IllegalStateException("The CRM mapping " + file + " is not valid JSLT: " + e.getMessage(), e);
        }
    }

    /** Compiles {@code text} only, for checks; returns the problem or null. */
    static String check(String text) {
        try {
            new Parser(new StringReader(text)).compile();
            return null;
        } catch (JsltException e) {
            return e.getMessage();
        }
    }
}
