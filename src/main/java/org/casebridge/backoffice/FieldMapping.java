package org.casebridge.backoffice;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which Case fields go into which column or element of a housing-system file, written in a kamelet parameter as
 * {@code name=/json/pointer,name=/json/pointer} (e.g. {@code case_ref=/caseId,email=/customer/email}).
 */
record FieldMapping(List<Field> fields) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    /** One column: its name in the file and the JSON pointer of its value in the case. */
    record Field(String name, JsonPointer pointer) {
    }

    static FieldMapping parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no fields given: write them as name=/json/pointer,name=/json/pointer");
        }
        List<Field> fields = new ArrayList<>();
        for (String item : spec.split(",")) {
            String entry = item.strip();
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("field '" + entry + "' must be name=/json/pointer");
            }
            String name = entry.substring(0, eq).strip();
            String pointer = entry.substring(eq + 1).strip();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("field name '" + name + "' must be a letter or '_' followed by letters, digits, '_', '.' or '-'");
            }
            if (!pointer.startsWith("/")) {
                throw new IllegalArgumentException("field '" + name + "': '" + pointer + "' is not a JSON pointer (it starts with '/')");
            }
            fields.add(new Field(name, JsonPointer.compile(pointer)));
        }
        return new FieldMapping(List.copyOf(fields));
    }

    /** The values of {@code node} for each field, in order: text as is, numbers and booleans as written, structures as JSON, missing and null as "". */
    Map<String, String> values(JsonNode node) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Field field : fields) {
            JsonNode value = node.at(field.pointer());
            values.put(field.name(), value.isMissingNode() || value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString());
        }
        return values;
    }

    List<String> names() {
        return fields.stream().map(Field::name).toList();
    }
}
