package dev.dockstep.registry.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
    @TempDir
    Path dir;

    @Test
    void the_key_is_made_once_kept_private_and_read_again_unchanged() throws Exception {
        SigningKey made = SigningKey.loadOrCreate(dir.resolve("token"), Clock.systemUTC());
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(dir.resolve("token/" + SigningKey.KEY_FILE)));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(dir.resolve("token")));
        assertTrue(made.notice().isEmpty(), "a first start has nothing to explain");
        SigningKey again = SigningKey.loadOrCreate(dir.resolve("token"), Clock.systemUTC());
        assertEquals(made.certificate(), again.certificate());
        assertEquals(made.key().getS(), again.key().getS());
        assertTrue(again.notice().isEmpty());
    }

    @Test
    void a_lost_key_is_made_anew_and_the_notice_says_old_tokens_are_refused() throws Exception {
        SigningKey first = SigningKey.loadOrCreate(dir, Clock.systemUTC());
        Files.delete(dir.resolve(SigningKey.KEY_FILE));
        SigningKey second = SigningKey.loadOrCreate(dir, Clock.systemUTC());
        assertNotEquals(first.certificate(), second.certificate());
        assertTrue(second.notice().orElseThrow().contains("was missing, so dockstep made a new one; tokens issued"
                + " before this start are refused"), second.notice().orElseThrow());
    }

    @Test
    void a_replaced_key_is_noticed_because_its_certificate_no_longer_matches() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        SigningKey.loadOrCreate(other, Clock.systemUTC());
        SigningKey first = SigningKey.loadOrCreate(dir, Clock.systemUTC());
        Files.copy(other.resolve(SigningKey.KEY_FILE), dir.resolve(SigningKey.KEY_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        SigningKey changed = SigningKey.loadOrCreate(dir, Clock.systemUTC());
        assertNotEquals(first.certificate(), changed.certificate(), "a certificate for the new key");
        assertTrue(changed.notice().orElseThrow().contains("is not the key its certificate"), changed.notice().orElseThrow());
        assertTrue(SigningKey.loadOrCreate(dir, Clock.systemUTC()).notice().isEmpty(), "explained once");
    }

    @Test
    void a_lost_certificate_is_made_again_from_the_same_key_so_tokens_stay_valid() throws Exception {
        SigningKey first = SigningKey.loadOrCreate(dir, Clock.systemUTC());
        Files.delete(dir.resolve(SigningKey.CERT_FILE));
        SigningKey second = SigningKey.loadOrCreate(dir, Clock.systemUTC());
        assertEquals(first.certificate().getPublicKey(), second.certificate().getPublicKey());
        assertFalse(second.notice().isPresent());
    }

    @Test
    void an_unreadable_key_stops_the_start_with_one_line_naming_the_file_and_what_to_do() throws Exception {
        SigningKey.loadOrCreate(dir, Clock.systemUTC());
        Files.writeString(dir.resolve(SigningKey.KEY_FILE), "not a key");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SigningKey.loadOrCreate(dir, Clock.systemUTC()));
        assertTrue(e.getMessage().startsWith("the registry's signing key under " + dir + " cannot be used ("),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("remove " + dir.resolve(SigningKey.KEY_FILE) + " and "
                + dir.resolve(SigningKey.CERT_FILE) + " to make a new one"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
