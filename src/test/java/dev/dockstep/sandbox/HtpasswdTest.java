package dev.dockstep.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtpasswdTest {
    @TempDir
    Path dir;

    @Test
    void an_account_is_stored_as_bcrypt_and_replaced_not_duplicated() throws Exception {
        Htpasswd file = new Htpasswd(dir.resolve("htpasswd"));
        file.put("alice", "first".toCharArray());
        file.put("bob", "other".toCharArray());
        file.put("alice", "second".toCharArray());
        List<String> lines = Files.readAllLines(file.file());
        assertEquals(2, lines.size());
        String alice = lines.stream().filter(l -> l.startsWith("alice:")).findFirst().orElseThrow();
        String hash = alice.substring("alice:".length());
        assertTrue(hash.startsWith("$2y$"), hash);
        assertTrue(BCrypt.verifyer().verify("second".toCharArray(), hash).verified);
        assertFalse(BCrypt.verifyer().verify("first".toCharArray(), hash).verified);
        assertFalse(Files.readString(file.file()).contains("second"), "no password in clear text");
        assertTrue(file.has("bob"));
    }

    @Test
    void a_name_that_could_break_the_file_is_refused() {
        Htpasswd file = new Htpasswd(dir.resolve("htpasswd"));
        assertThrows(IllegalArgumentException.class, () -> file.put("eve:x\nroot", "p".toCharArray()));
    }
}
