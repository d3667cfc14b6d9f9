package dev.dockstep.sandbox;

import java.nio.ByteBuffer;

/**
 * Takes a request body off the bytes a client sends, so that the gate knows exactly where the
 * request ends: nothing after it is ever sent to the daemon. Chunked bodies are decoded here and
 * chunked again by the gate, so their extensions and trailers never reach the daemon.
 */
abstract sealed class GateFraming {
    /** Moves body bytes from {@code from} (read mode) to {@code to} (write mode), as many as fit. */
    abstract void decode(ByteBuffer from, ByteBuffer to) throws GateError;

    abstract boolean complete();

    /** The body's length when the head stated it. */
    abstract long knownLength();

    static GateFraming of(GateHead.Framing framing) {
        if (framing instanceof GateHead.Framing.Length length) {
            return new Length(length.bytes());
        }
        return framing instanceof GateHead.Framing.Chunked ? new Chunked() : new Length(0);
    }

    static final class Length extends GateFraming {
        private final long length;
        private long left;

        Length(long length) {
            this.length = length;
            this.left = length;
        }

        @Override
        void decode(ByteBuffer from, ByteBuffer to) {
            int n = (int) Math.min(left, Math.min(from.remaining(), to.remaining()));
            copy(from, to, n);
            left -= n;
        }

        @Override
        boolean complete() {
            return left == 0;
        }

        @Override
        long knownLength() {
            return length;
        }
    }

    static final class Chunked extends GateFraming {
        private enum State { SIZE, DATA, DATA_CR, DATA_LF, TRAILER, DONE }

        private static final int MAX_LINE = 4096;
        private static final int MAX_TRAILERS = 64;

        private State state = State.SIZE;
        private final StringBuilder line = new StringBuilder();
        private long left;
        private int trailers;

        @Override
        void decode(ByteBuffer from, ByteBuffer to) throws GateError {
            while (from.hasRemaining() && state != State.DONE) {
                switch (state) {
                    case SIZE, TRAILER -> readLine(from.get());
                    case DATA -> {
                        if (!to.hasRemaining()) {
                            return;
                        }
                        int n = (int) Math.min(left, Math.min(from.remaining(), to.remaining()));
                        copy(from, to, n);
                        left -= n;
                        if (left == 0) {
                            state = State.DATA_CR;
                        }
                    }
                    case DATA_CR -> {
                        expect(from.get(), '\r');
                        state = State.DATA_LF;
                    }
                    case DATA_LF -> {
                        expect(from.get(), '\n');
                        state = State.SIZE;
                    }
                    default -> throw new IllegalStateException(state.name());
                }
            }
        }

        private void readLine(byte b) throws GateError {
            if (b != '\n') {
                if (line.length() >= MAX_LINE) {
                    throw GateError.malformed("a line of the chunked body is too long");
                }
                line.append((char) (b & 0xff));
                return;
            }
            if (line.length() == 0 || line.charAt(line.length() - 1) != '\r') {
                throw GateError.malformed("a line of the chunked body does not end with CRLF");
            }
            String text = line.substring(0, line.length() - 1);
            line.setLength(0);
            if (state == State.SIZE) {
                left = size(text);
                state = left == 0 ? State.TRAILER : State.DATA;
            } else if (text.isEmpty()) {
                state = State.DONE;
            } else if (++trailers > MAX_TRAILERS) {
                throw GateError.malformed("too many trailers after the chunked body");
            }
        }

        private static long size(String line) throws GateError {
            String digits = line.split(";", 2)[0].replaceAll("[ \t]+$", "");
            if (!digits.matches("[0-9A-Fa-f]{1,15}")) {
                throw GateError.malformed("a chunk size is not a hexadecimal number");
            }
            return Long.parseLong(digits, 16);
        }

        private static void expect(byte got, char wanted) throws GateError {
            if (got != wanted) {
                throw GateError.malformed("a chunk of the body does not end with CRLF");
            }
        }

        @Override
        boolean complete() {
            return state == State.DONE;
        }

        @Override
        long knownLength() {
            return -1;
        }
    }

    private static void copy(ByteBuffer from, ByteBuffer to, int n) {
        ByteBuffer part = from.slice(from.position(), n);
        to.put(part);
        from.position(from.position() + n);
    }
}
