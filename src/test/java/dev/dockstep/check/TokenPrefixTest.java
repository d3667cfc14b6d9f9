package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.registry.AccessTokens;
import dev.dockstep.registry.token.MemoryDirectory;
import org.junit.jupiter.api.Test;

/** token-login tells an access token by how it begins, which the check engine may not ask the registry feature. */
class TokenPrefixTest {
    @Test
    void the_token_login_check_knows_how_dockstep_and_its_test_directory_begin_their_tokens() {
        assertTrue(TokenLoginCheck.TOKEN_PREFIXES.contains(AccessTokens.PREFIX), AccessTokens.PREFIX);
        assertEquals(AccessTokens.PREFIX, MemoryDirectory.TOKEN_PREFIX);
    }
}
