package dev.dockstep.sandbox;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A request target (path and query) read the way the daemon's router reads it: percent-escapes
 * decoded, an optional {@code /vX.Y} prefix split off. Anything the router could read in more
 * than one way ({@code ..}, {@code //}, a trailing slash, characters no Docker name holds, a
 * {@code ;} that Go's query parser drops) is refused instead of guessed at.
 *
 * @param version the API version of a {@code /vX.Y} prefix, or empty
 * @param segments the decoded path segments after the version, none empty, none {@code .} or {@code ..}
 * @param rawQuery the query as sent, without {@code ?}; empty when there is none
 */
record GateTarget(Optional<String> version, List<String> segments, String rawQuery) {
    /** Every byte a Docker object name, image reference, ID or digest can hold, after decoding. */
    private static final Pattern PATH_BYTES = Pattern.compile("[A-Za-z0-9._:@/-]*");
    private static final Pattern VERSION = Pattern.compile("v[0-9.]+");
    private static final Pattern EXACT_VERSION = Pattern.compile("v([0-9]{1,3})\\.([0-9]{1,3})");
    /** Older versions let {@code POST /containers/{id}/start} carry a HostConfig of its own. */
    static final int OLDEST_MINOR = 24;

    static GateTarget parse(String target) throws GateError {
        if (!target.startsWith("/")) {
            throw GateError.malformed("the request target must be a path starting with /");
        }
        int question = target.indexOf('?');
        String rawPath = question < 0 ? target : target.substring(0, question);
        String rawQuery = question < 0 ? "" : target.substring(question + 1);
        String path = decodePath(rawPath);
        if (!PATH_BYTES.matcher(path).matches()) {
            throw GateError.malformed("the path holds a character that no Docker name has");
        }
        List<String> segments = new ArrayList<>(List.of(path.substring(1).split("/", -1)));
        for (String segment : segments) {
            if (segment.isEmpty() && !path.equals("/")) {
                throw GateError.malformed("the path has an empty segment (// or a trailing /)");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw GateError.malformed("the path has a . or .. segment");
            }
        }
        if (path.equals("/")) {
            segments.clear();
        }
        Optional<String> version = Optional.empty();
        // The daemon's router takes any first segment matching v[0-9.]+ as a version.
        if (!segments.isEmpty() && VERSION.matcher(segments.get(0)).matches()) {
            var exact = EXACT_VERSION.matcher(segments.get(0));
            if (!exact.matches()) {
                throw GateError.malformed("the API version " + segments.get(0) + " is not of the form vX.Y");
            }
            int major = Integer.parseInt(exact.group(1));
            int minor = Integer.parseInt(exact.group(2));
            if (major < 1 || major == 1 && minor < OLDEST_MINOR) {
                throw new GateError(400, "dockstep: API version " + major + "." + minor
                        + " is too old for this sandbox; use 1." + OLDEST_MINOR + " or newer");
            }
            version = Optional.of(major + "." + minor);
            segments.remove(0);
        }
        checkQuery(rawQuery);
        return new GateTarget(version, List.copyOf(segments), rawQuery);
    }

    /** The path without its version: {@code /images/json}. */
    String path() {
        return "/" + String.join("/", segments);
    }

    /** What the gate sends on: the decoded path (only safe characters are left) and the query as sent. */
    String forward() {
        return version.map(v -> "/v" + v).orElse("") + path() + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }

    /**
     * The first value of a query parameter, as the daemon's {@code r.Form.Get} sees it; a name given
     * twice is refused, since a reader that took the last would see another request.
     */
    Optional<String> param(String name) throws GateError {
        Optional<String> found = Optional.empty();
        if (rawQuery.isEmpty()) {
            return found;
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = decodeQuery(equals < 0 ? pair : pair.substring(0, equals));
            if (!key.equals(name)) {
                continue;
            }
            if (found.isPresent()) {
                throw GateError.malformed("the query names " + name + " twice");
            }
            found = Optional.of(equals < 0 ? "" : decodeQuery(pair.substring(equals + 1)));
        }
        return found;
    }

    private static void checkQuery(String rawQuery) throws GateError {
        for (int i = 0; i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                throw GateError.malformed("the query holds a character that must be percent-encoded");
            }
            if (c == ';') {
                // Go's query parser skips a pair holding ';', so the gate and the daemon would differ.
                throw GateError.malformed("the query holds a ';'");
            }
        }
        for (String pair : rawQuery.split("&", -1)) {
            decodeQuery(pair);
        }
    }

    private static String decodePath(String raw) throws GateError {
        return decode(raw, false);
    }

    private static String decodeQuery(String raw) throws GateError {
        return decode(raw, true);
    }

    private static String decode(String raw, boolean plusIsSpace) throws GateError {
        ByteBuffer bytes = ByteBuffer.allocate(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                    throw GateError.malformed("the request target has a broken %-escape");
                }
                bytes.put((byte) (hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2))));
                i += 2;
            } else if (c > 0x20 && c < 0x7f) {
                bytes.put((byte) (plusIsSpace && c == '+' ? ' ' : c));
            } else {
                throw GateError.malformed("the request target holds a character that must be percent-encoded");
            }
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw GateError.malformed("the request target is not UTF-8 once decoded");
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
