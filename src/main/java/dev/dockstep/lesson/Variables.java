package dev.dockstep.lesson;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of {@code {{user}}}, {@code {{registry}}} and {@code {{repo}}} for one learner.
 *
 * @param user the learner's registry user name
 * @param registry the registry's host and port ({@code docker.io} for Docker Hub)
 * @param repo the prefix the learner's images take ({@code localhost:5000/alice}, or {@code alice})
 */
public record Variables(String user, String registry, String repo) {
    /** Every variable a lesson may use. */
    public static final Set<String> NAMES = Set.of("user", "registry", "repo");

    static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]*)\\s*}}");

    /** The variables of a learner on the practice registry at {@code registry}. */
    public static Variables forRegistry(String user, String registry) {
        boolean hub = registry.equals("docker.io");
        return new Variables(user, registry, hub ? user : registry + "/" + user);
    }

    /** Sample values used by lint to check references once substituted. */
    public static Variables sample() {
        return forRegistry("learner", "localhost:5000");
    }

    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("user", user);
        map.put("registry", registry);
        map.put("repo", repo);
        return map;
    }

    /** Replaces every known variable in plain text; unknown ones are left for lint to report. */
    public String apply(String text) {
        return replace(text, false);
    }

    /** Replaces every known variable in rendered HTML, escaping the values so a name cannot add markup. */
    public String applyToHtml(String html) {
        return replace(html, true);
    }

    private String replace(String text, boolean html) {
        if (!text.contains("{{")) {
            return text;
        }
        Map<String, String> values = asMap();
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            String replacement = value == null ? m.group() : html ? escapeHtml(value) : value;
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&#39;");
    }
}
