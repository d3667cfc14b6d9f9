package dev.dockstep.common;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets and names that nobody should guess. */
public final class Tokens {
    // A SecureRandom is safe to share between threads, and seeding one is not free.
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    /** {@code bytes} random bytes, as URL-safe base64 without padding. */
    public static String urlSafe(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random(bytes));
    }

    /** {@code bytes} random bytes, as lowercase hex. */
    public static String hex(int bytes) {
        return HexFormat.of().formatHex(random(bytes));
    }

    private static byte[] random(int bytes) {
        byte[] secret = new byte[bytes];
        RANDOM.nextBytes(secret);
        return secret;
    }
}
