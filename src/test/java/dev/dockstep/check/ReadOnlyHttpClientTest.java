package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReadOnlyHttpClientTest {
    @Test
    void reads_pass() {
        assertTrue(ReadOnlyHttpClient.allowed("GET", "/v1.41/images/json"));
        assertTrue(ReadOnlyHttpClient.allowed("HEAD", "/_ping"));
    }

    @Test
    void only_the_credential_check_may_post() {
        assertTrue(ReadOnlyHttpClient.allowed("POST", "/v1.41/auth"));
        assertTrue(ReadOnlyHttpClient.allowed("POST", "/auth"));
        assertFalse(ReadOnlyHttpClient.allowed("POST", "/v1.41/auth/../images/create"));
        assertFalse(ReadOnlyHttpClient.allowed("POST", "/v1.41/images/backend/tag?repo=x"));
        assertFalse(ReadOnlyHttpClient.allowed("POST", "/images/create?fromImage=x"));
        assertFalse(ReadOnlyHttpClient.allowed("DELETE", "/v1.41/images/backend"));
        assertFalse(ReadOnlyHttpClient.allowed("PUT", "/v1.41/containers/x/archive"));
    }
}
