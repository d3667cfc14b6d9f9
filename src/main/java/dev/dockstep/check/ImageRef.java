package dev.dockstep.check;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference parsed with Docker's reference grammar (the distribution project's
 * {@code reference} package): {@code [domain/]path[:tag][@digest]}. A reference that does not
 * parse never reaches the Docker API.
 *
 * @param domain the registry host and port; {@code docker.io} when none is written
 * @param path the repository path; {@code library/} is added for a one-part Docker Hub name
 * @param tag the tag, or {@code latest} when neither a tag nor a digest is written
 * @param digest the digest, when one is written
 */
public record ImageRef(String domain, String path, String tag, Optional<String> digest) {
    public static final String DOCKER_HUB = "docker.io";

    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern PATH = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final String DOMAIN_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:" + DOMAIN_PART + "(?:\\." + DOMAIN_PART + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile(
            "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}");
    private static final Pattern SPLIT = Pattern.compile("^(.+?)(?::([^:/@]+))?(?:@(.+))?$");

    /** Parses {@code text}, or says in one sentence why it is not a valid reference. */
    public static ImageRef parse(String text) throws InvalidReference {
        if (text == null || text.isBlank()) {
            throw new InvalidReference("an image reference is empty");
        }
        if (text.length() > 255 + 128 + 80) {
            throw new InvalidReference("'" + text + "' is too long to be an image reference");
        }
        Matcher m = SPLIT.matcher(text);
        if (!m.matches()) {
            throw new InvalidReference("'" + text + "' is not a valid image reference");
        }
        String name = m.group(1);
        String tag = m.group(2);
        String digest = m.group(3);
        String domain = DOCKER_HUB;
        String path = name;
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase())) {
                domain = first;
                path = name.substring(slash + 1);
            }
        }
        if (!domain.equals(DOCKER_HUB) && !DOMAIN.matcher(domain).matches()) {
            throw new InvalidReference("'" + text + "' has an invalid registry host '" + domain + "'");
        }
        if (!path.equals(path.toLowerCase())) {
            throw new InvalidReference("'" + text + "' has uppercase letters; repository names must be lowercase");
        }
        if (!PATH.matcher(path).matches()) {
            throw new InvalidReference("'" + text + "' is not a valid image name; use lowercase letters, digits,"
                    + " and . _ - between them, with / between parts");
        }
        if (path.length() + domain.length() > 255) {
            throw new InvalidReference("'" + text + "' has a name longer than 255 characters");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new InvalidReference("'" + text + "' has an invalid tag '" + tag
                    + "'; a tag is up to 128 letters, digits, _ . or -, not starting with . or -");
        }
        if (digest != null && !DIGEST.matcher(digest).matches()) {
            throw new InvalidReference("'" + text + "' has an invalid digest '" + digest + "'");
        }
        if (domain.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        return new ImageRef(domain, path, tag == null && digest == null ? "latest" : tag, Optional.ofNullable(digest));
    }

    /** The repository without tag, as Docker shows it: {@code backend}, {@code localhost:5000/alice/backend}. */
    public String familiarName() {
        if (domain.equals(DOCKER_HUB)) {
            return path.startsWith("library/") ? path.substring("library/".length()) : path;
        }
        return domain + "/" + path;
    }

    /** The reference as Docker shows it in {@code docker images}: {@code backend:0.1}. */
    public String familiar() {
        String base = familiarName();
        if (tag != null) {
            base += ":" + tag;
        }
        return digest.map(d -> familiarName() + (tag != null ? ":" + tag : "") + "@" + d).orElse(base);
    }

    /** The last path part, used to find images with the same name under another repository. */
    public String shortName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return familiar();
    }

    /** A reference that breaks Docker's grammar. */
    public static final class InvalidReference extends Exception {
        public InvalidReference(String message) {
            super(message);
        }
    }
}
