package dev.dockstep.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ImageRefTest {
    @ParameterizedTest
    @CsvSource({
            "backend:0.1, docker.io, library/backend, 0.1, backend:0.1",
            "alice/backend, docker.io, alice/backend, latest, alice/backend:latest",
            "localhost:5000/alice/backend:0.1, localhost:5000, alice/backend, 0.1, localhost:5000/alice/backend:0.1",
            "registry.example.com/team/app:v1.2-rc_3, registry.example.com, team/app, v1.2-rc_3, registry.example.com/team/app:v1.2-rc_3",
            "docker.io/library/backend:0.1, docker.io, library/backend, 0.1, backend:0.1",
            "a__b/c-d--e.f:1, docker.io, a__b/c-d--e.f, 1, a__b/c-d--e.f:1",
    })
    void references_parse_and_normalise_as_docker_does(String text, String domain, String path, String tag, String familiar)
            throws Exception {
        ImageRef ref = ImageRef.parse(text);
        assertEquals(domain, ref.domain());
        assertEquals(path, ref.path());
        assertEquals(tag, ref.tag());
        assertEquals(familiar, ref.familiar());
    }

    @Test
    void a_digest_is_kept_and_means_no_default_tag() throws Exception {
        String digest = "sha256:" + "a".repeat(64);
        ImageRef ref = ImageRef.parse("alice/backend@" + digest);
        assertEquals(Optional.of(digest), ref.digest());
        assertEquals(null, ref.tag());
        assertEquals("alice/backend@" + digest, ref.familiar());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Backend:0.1 | 'Backend:0.1' has uppercase letters; repository names must be lowercase",
            "local_host:5000/backend | 'local_host:5000/backend' has an invalid registry host 'local_host:5000'",
            "alice/Backend:0.1 | 'alice/Backend:0.1' has uppercase letters; repository names must be lowercase",
            "alice/back end:0.1 | 'alice/back end:0.1' is not a valid image name",
            "alice/backend:.1 | 'alice/backend:.1' has an invalid tag '.1'",
            "alice//backend | 'alice//backend' is not a valid image name",
            "-alice/backend | '-alice/backend' is not a valid image name",
            "alice/backend@sha256:123 | 'alice/backend@sha256:123' has an invalid digest 'sha256:123'",
    })
    void bad_references_say_what_is_wrong(String text, String message) {
        ImageRef.InvalidReference e = assertThrows(ImageRef.InvalidReference.class, () -> ImageRef.parse(text));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void an_empty_reference_is_refused() {
        assertThrows(ImageRef.InvalidReference.class, () -> ImageRef.parse(" "));
    }
}
