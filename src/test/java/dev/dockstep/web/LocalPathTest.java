package dev.dockstep.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalPathTest {
    @Test
    void known_open_redirect_bypasses_are_all_refused() {
        // Each of these, put in a Location header, takes some browser to another origin (or is
        // one decoding away from it).
        List<String> bypasses = List.of(
                "//evil.example", "///evil.example", "////evil.example/x", "/\\evil.example", "\\\\evil.example",
                "/\t/evil.example", "/%09/evil.example", "/%09/127.0.0.1:7412/x", "/%0a/evil.example",
                "/%0d/evil.example", "/%00/evil.example", "/%2f/evil.example", "/%2F%2Fevil.example",
                "/%5cevil.example", "/%5C%5Cevil.example", "/%252f/evil.example", "/%25252F/evil.example",
                "/ /evil.example", "/%20/evil.example", "https://evil.example", "http:evil.example",
                "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "evil.example", "",
                "/\u3002evil.example", "/\u2215\u2215evil.example", "/%E3%80%82evil", "/%zz", "/%", "/%4",
                "/x\u0000", "/" + "a".repeat(600));
        for (String next : bypasses) {
            assertEquals(Optional.empty(), LocalPath.of(next), next);
        }
        assertEquals(Optional.empty(), LocalPath.of(null));
    }

    @Test
    void paths_on_this_site_are_kept_as_they_were_given() {
        for (String next : List.of("/", "/courses/docker-hub/tag", "/instructor/progress.csv",
                "/courses/hub/tag?step=2&x=y", "/courses/hub/tag#step-2")) {
            assertEquals(Optional.of(next), LocalPath.of(next), next);
        }
    }
}
