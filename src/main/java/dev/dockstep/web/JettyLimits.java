package dev.dockstep.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JettyConfig;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.server.handler.EagerContentHandler.ContentLoader;
import org.eclipse.jetty.server.handler.EagerContentHandler.ContentLoaderFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * What Jetty does with a slow or broken client, before any of dockstep's handlers sees it.
 *
 * <p>Each request body is read in full before a handler gets a thread: a body sent a byte at a
 * time then holds a connection, not one of the pool's threads. What Jetty's loaders forgive is
 * not forgiven here. A client that goes quiet for the idle timeout, or sends its body slower than
 * the minimum rate, is answered 408 (Jetty would wait again, and again). And each chunk counts
 * 4 KB more than it holds, so a trickle is refused (413) after a few dozen chunks at most, while a
 * real body (under a kilobyte here) arrives in one or two. A request Jetty cannot parse is
 * answered with one line of JSON.
 */
final class JettyLimits {
    private static final int CHUNK_COST = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private JettyLimits() {
    }

    static void apply(JettyConfig jetty, Limits limits, long maxBody) {
        long idle = limits.idleTimeout().toMillis();
        jetty.modifyHttpConfiguration(http -> {
            // While a request is open, a client quiet this long is cut off. Jetty's own minimum data
            // rate stays off: bodies are in memory before a handler reads them, and its check then
            // times the handler's reads (a 2-byte body read 3 ms apart is "too slow"), not the client.
            http.setIdleTimeout(idle);
            http.setSendServerVersion(false);
        });
        jetty.modifyServer(server -> {
            server.setHandler(eagerBodies(maxBody, limits.minRequestBytesPerSecond()));
            server.setErrorHandler(JettyLimits::protocolError);
            // Between requests too; Javalin's connector would keep Jetty's 30 s.
            server.addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStarting(LifeCycle event) {
                    for (var connector : server.getConnectors()) {
                        if (connector instanceof AbstractConnector network) {
                            network.setIdleTimeout(idle);
                        }
                    }
                }
            });
        });
    }

    /**
     * Jetty's own answer to a request it cannot parse or refuses before dockstep sees it (a bad
     * Content-Length or URI, a body too slow or too large): one line of JSON, as dockstep's own.
     */
    private static boolean protocolError(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String reason = request.getAttribute(ErrorHandler.ERROR_MESSAGE) instanceof String text && !text.isBlank()
                && !text.equals(HttpStatus.getMessage(status)) ? text.lines().findFirst().orElse("") : "";
        String message = ClientError.describe(status) + (reason.isEmpty() || status != 400 ? "" : " (" + reason + ")");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        try {
            response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(Map.of("error", message))), callback);
        } catch (JsonProcessingException e) {
            callback.failed(e);
        }
        return true;
    }

    private static EagerContentHandler eagerBodies(long maxBody, long minBytesPerSecond) {
        // Forms too are kept as their bytes: Javalin reads a form from the body, which Jetty's own
        // form loader would have used up.
        return new EagerContentHandler(new SlowBodyCutOff(
                new EagerContentHandler.RetainedContentLoaderFactory(2 * maxBody, CHUNK_COST, true), minBytesPerSecond));
    }

    /**
     * A loader that answers 408, and hears no more, when its client goes quiet for the idle
     * timeout (Jetty would count that a passing failure and wait again) or, after its first
     * second, has sent fewer bytes than the minimum rate asks.
     */
    private record SlowBodyCutOff(ContentLoaderFactory loader, long minBytesPerSecond) implements ContentLoaderFactory {
        private static final long GRACE_NANOS = 1_000_000_000L;

        @Override
        public String getApplicableMimeType() {
            return loader.getApplicableMimeType();
        }

        @Override
        public ContentLoader newContentLoader(String contentType, String mimeType, Handler handler, Request request,
                                              Response response, Callback callback) {
            long began = System.nanoTime();
            return loader.newContentLoader(contentType, mimeType, handler, new Request.Wrapper(request) {
                private boolean answered;
                private long bytes;

                @Override
                public Content.Chunk read() {
                    Content.Chunk chunk = super.read();
                    if (chunk != null) {
                        bytes += chunk.remaining();
                    }
                    long elapsed = System.nanoTime() - began;
                    boolean tooSlow = chunk != null && !chunk.isLast() && elapsed > GRACE_NANOS
                            && bytes < minBytesPerSecond * elapsed / 1_000_000_000L;
                    if (Content.Chunk.isFailure(chunk, false) || tooSlow) {
                        if (chunk != null) {
                            chunk.release();
                        }
                        answered = true;
                        Response.writeError(request, response, callback, HttpStatus.REQUEST_TIMEOUT_408);
                        return null;
                    }
                    return chunk;
                }

                @Override
                public void demand(Runnable demandCallback) {
                    if (!answered) {
                        super.demand(demandCallback);
                    }
                }
            }, response, callback);
        }
    }
}
