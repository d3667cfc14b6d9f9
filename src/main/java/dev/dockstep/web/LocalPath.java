package dev.dockstep.web;

import java.util.Optional;

/**
 * A place on this site to send a browser after it signs in ({@code ?next=}), and never another
 * site. Browsers forgive a great deal in a Location header: they drop tabs and line breaks, read
 * {@code \} as {@code /}, and take {@code //host} as another host. So only a plain path with a
 * plain query is accepted, judged as written and again after each percent-decoding.
 */
final class LocalPath {
    private static final int MAX_LENGTH = 512;
    private static final int MAX_DECODINGS = 3;

    private LocalPath() {
    }

    /** {@code next} when it is a path on this site; empty otherwise. */
    static Optional<String> of(String next) {
        if (next == null || next.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String form = next;
        for (int i = 0; i <= MAX_DECODINGS; i++) {
            if (!plainPath(form)) {
                return Optional.empty();
            }
            Optional<String> decoded = percentDecoded(form);
            if (decoded.isEmpty()) {
                return Optional.empty();
            }
            if (decoded.get().equals(form)) {
                return Optional.of(next);
            }
            form = decoded.get();
        }
        return Optional.empty();
    }

    /** One slash first, never two in a row, no backslash, and only visible ASCII. */
    private static boolean plainPath(String path) {
        if (!path.startsWith("/") || path.contains("//") || path.contains("\\")) {
            return false;
        }
        return path.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** Percent-decoded once, byte for byte; empty when a {@code %} is not followed by two hex digits. */
    private static Optional<String> percentDecoded(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= text.length()) {
                return Optional.empty();
            }
            int high = Character.digit(text.charAt(i + 1), 16);
            int low = Character.digit(text.charAt(i + 2), 16);
            if (high < 0 || low < 0) {
                return Optional.empty();
            }
            out.append((char) (high * 16 + low));
            i += 2;
        }
        return Optional.of(out.toString());
    }
}
