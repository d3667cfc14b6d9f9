package dev.dockstep.check;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.util.Set;

/**
 * The transport under every check: it refuses any request that could change the learner's
 * Docker, whatever the code above it asks for. Only GET and HEAD pass, plus the one POST that
 * validates registry credentials ({@code /auth}), which changes nothing in the daemon.
 */
final class ReadOnlyHttpClient implements DockerHttpClient {
    private static final Set<String> SAFE = Set.of("GET", "HEAD");

    private final DockerHttpClient delegate;

    ReadOnlyHttpClient(DockerHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public Response execute(Request request) {
        if (!allowed(request.method(), request.path())) {
            throw new ReadOnlyViolation(request.method() + " " + request.path());
        }
        return delegate.execute(request);
    }

    static boolean allowed(String method, String path) {
        if (SAFE.contains(method)) {
            return true;
        }
        String bare = path.replaceFirst("^/v[0-9.]+", "").replaceFirst("\\?.*$", "");
        return method.equals("POST") && bare.equals("/auth");
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    /** A check tried to change something; that is a bug in dockstep, never in the learner's work. */
    static final class ReadOnlyViolation extends RuntimeException {
        ReadOnlyViolation(String request) {
            super("checks may only read from Docker; refused " + request);
        }
    }
}
