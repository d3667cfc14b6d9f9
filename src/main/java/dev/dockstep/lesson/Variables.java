package dev.dockstep.lesson;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of {@code {{user}}}, {@code {{registry}}} and {@code {{repo}}} for one learner, and
 * of {@code {{company_registry}}} and {@code {{company_repo}}} where a second, "company" registry runs.
 *
 * @param user the learner's registry user name
 * @param registry the registry's host and port ({@code docker.io} for Docker Hub)
 * @param repo the prefix the learner's images take ({@code localhost:5000/alice}, or {@code alice})
 * @param companyRegistry the company registry's host and port, when this server runs one
 */
public record Variables(String user, String registry, String repo, Optional<String> companyRegistry) {
    /** Every variable a lesson may use. */
    public static final Set<String> NAMES = Set.of("user", "registry", "repo", "company_registry", "company_repo");
    /** The variables that only a lesson whose setup asks for the company registry may use. */
    public static final Set<String> COMPANY_NAMES = Set.of("company_registry", "company_repo");

    public Variables(String user, String registry, String repo) {
        this(user, registry, repo, Optional.empty());
    }

    static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.-]*)\\s*}}");

    /** The variables of a learner on the practice registry at {@code registry}. */
    public static Variables forRegistry(String user, String registry) {
        return forRegistries(user, registry, Optional.empty());
    }

    /** The variables of a learner on the practice registry at {@code registry} and, if any, the company one. */
    public static Variables forRegistries(String user, String registry, Optional<String> companyRegistry) {
        boolean hub = registry.equals("docker.io");
        return new Variables(user, registry, hub ? user : registry + "/" + user, companyRegistry);
    }

    /** Sample values used by lint to check references once substituted. */
    public static Variables sample() {
        return forRegistries("learner", "localhost:5000", Optional.of("127.0.0.1:5001"));
    }

    /** The values; without a company registry its two variables have none, and stay as written. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("user", user);
        map.put("registry", registry);
        map.put("repo", repo);
        companyRegistry.ifPresent(company -> {
            map.put("company_registry", company);
            map.put("company_repo", company + "/" + user);
        });
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
