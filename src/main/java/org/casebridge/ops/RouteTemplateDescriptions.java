package org.casebridge.ops;

import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gives a route made from a route template ({@code templatedRoute} in {@code routes/}) the description its file gives:
 * Camel fills template parameters into endpoints and expressions but not into a route's description, so
 * {@code description: "{{description}}"} in a template would show as written in Hawtio and the logs. Camel picks up
 * this bean before it loads the route files.
 */
@Component
class RouteTemplateDescriptions extends ModelLifecycleStrategySupport {

    private static final Pattern PARAMETER = Pattern.compile("\\{\\{([^{}]+)}}");

    @Override
    public void onAddRouteDefinition(RouteDefinition definition) {
        Map<String, Object> parameters = definition.getTemplateParameters();
        if (parameters != null && definition.getDescription() != null) {
            definition.setDescription(fill(definition.getDescription(), parameters));
        }
    }

    static String fill(String text, Map<String, Object> parameters) {
        Matcher m = PARAMETER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = parameters.get(m.group(1).strip());
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : String.valueOf(value)));
        }
        return m.appendTail(out).toString();
    }
}
