package dev.dockstep.web;

import java.util.Optional;

/**
 * A request that the client got wrong or cut short, found among an exception's causes: it is
 * answered with a 4xx and one line, never a 500 and a stack trace, since anyone can send one.
 */
record ClientError(int status, String message) {
    static Optional<ClientError> of(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof java.io.EOFException) {
                return Optional.of(new ClientError(400, "The request ended before its body did: it is shorter than"
                        + " its Content-Length says."));
            }
        }
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof org.eclipse.jetty.http.HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return Optional.of(new ClientError(http.getCode(), describe(http.getCode())));
            }
            if (e instanceof java.nio.charset.IllegalCharsetNameException
                    || e instanceof java.nio.charset.UnsupportedCharsetException) {
                return Optional.of(new ClientError(415, "The request names a character set dockstep cannot read;"
                        + " send UTF-8."));
            }
            if (e instanceof java.util.concurrent.TimeoutException) {
                return Optional.of(new ClientError(408, describe(408)));
            }
        }
        return Optional.empty();
    }

    static String describe(int status) {
        return switch (status) {
            case 408 -> "The request arrived too slowly; send it all at once.";
            case 413 -> "The request is larger than " + WebServer.MAX_BODY / 1024 + " KB.";
            case 415 -> "The request's content type is not one this address takes.";
            case 431 -> "The request's headers are too large.";
            default -> status >= 500 ? "Something went wrong on our side." : "The request is malformed; it could not be read.";
        };
    }
}
