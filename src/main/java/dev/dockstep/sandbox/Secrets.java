package dev.dockstep.sandbox;

import java.security.SecureRandom;
import java.util.Base64;

/** Random secrets for accounts and names that nobody should guess. */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** {@code bytes} random bytes, URL-safe base64 without padding. */
    static String token(int bytes) {
        byte[] secret = new byte[bytes];
        RANDOM.nextBytes(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
