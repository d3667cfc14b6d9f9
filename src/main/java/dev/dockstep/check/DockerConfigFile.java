package dev.dockstep.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Reads the docker CLI's {@code config.json} the way the CLI does: a {@code credHelpers} entry
 * for the registry wins, then {@code credsStore}, then the base64 {@code auths} entry. Secrets
 * are returned, never logged.
 */
final class DockerConfigFile {
    static final String HUB_KEY = "https://index.docker.io/v1/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerConfigFile() {
    }

    /** What the learner's config says about one registry. */
    sealed interface Lookup {
        record Found(Credentials credentials, String source) implements Lookup {
        }

        /** No credentials; {@code why} says what the config holds instead. */
        record Missing(String why) implements Lookup {
        }
    }

    /** @param helpers how the credential helpers that the config names are asked */
    static Lookup lookup(Path configDir, String registry, CredentialHelpers helpers) {
        Path file = configDir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            return new Lookup.Missing("you have not logged in to any registry yet (there is no config.json)");
        }
        JsonNode config;
        try {
            config = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Lookup.Missing("your config.json is not valid JSON, so Docker cannot read its logins either");
        }
        String key = registry.equals(ImageRef.DOCKER_HUB) ? HUB_KEY : registry;
        JsonNode helper = config.path("credHelpers").path(key);
        if (helper.isTextual()) {
            return fromHelper(helper.asText(), key, helpers);
        }
        Optional<JsonNode> auth = authEntry(config.path("auths"), key);
        if (config.path("credsStore").isTextual() && auth.isPresent()) {
            return fromHelper(config.path("credsStore").asText(), key, helpers);
        }
        if (auth.isPresent() && auth.get().path("auth").isTextual()) {
            return decode(auth.get().path("auth").asText());
        }
        List<String> known = new ArrayList<>();
        config.path("auths").fieldNames().forEachRemaining(known::add);
        return new Lookup.Missing(known.isEmpty() ? "your docker config holds no logins"
                : "your docker config holds logins for " + Sentences.codes(known) + " but not for " + registry);
    }

    /** The CLI stores {@code localhost:5000}, but older ones wrote {@code http://localhost:5000}. */
    private static Optional<JsonNode> authEntry(JsonNode auths, String key) {
        for (Iterator<String> names = auths.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String bare = name.replaceFirst("^https?://", "").replaceFirst("/.*$", "");
            if (name.equals(key) || bare.equals(key) || (key.equals(HUB_KEY) && bare.equals("index.docker.io"))) {
                return Optional.of(auths.get(name));
            }
        }
        return Optional.empty();
    }

    private static Lookup decode(String auth) {
        try {
            String pair = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            if (colon < 1) {
                return new Lookup.Missing("the login saved in your config.json is not a user:password pair");
            }
            return new Lookup.Found(new Credentials(pair.substring(0, colon), pair.substring(colon + 1)), "config.json");
        } catch (IllegalArgumentException e) {
            return new Lookup.Missing("the login saved in your config.json is not valid base64");
        }
    }

    private static Lookup fromHelper(String helper, String serverUrl, CredentialHelpers helpers) {
        CredentialHelpers.Answer answer = helpers.get(helper, serverUrl);
        if (answer instanceof CredentialHelpers.Answer.Found found) {
            return new Lookup.Found(found.credentials(), "docker-credential-" + helper);
        }
        return new Lookup.Missing(((CredentialHelpers.Answer.Missing) answer).why());
    }
}
