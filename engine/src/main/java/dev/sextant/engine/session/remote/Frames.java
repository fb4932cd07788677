package dev.sextant.engine.session.remote;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The engine pipe's framing: a message is a 4-byte big-endian length and that many bytes, which
 * start with the message kind (a varint). One writer lock per direction, so that the engine thread,
 * file workers and the symbol host may answer at once without interleaving.
 */
final class Frames {
    /** Server to client. */
    static final int HELLO = 1, RESULT = 2, FAILURE = 3, EVENT = 4, SYMBOL_STATE = 5, EVENTS = 6;
    /** Client to server. */
    static final int SUBMIT = 16, CANCEL = 17, CLOSE = 18;
    /** No answer or event comes near this; a larger length is a broken pipe's garbage. */
    static final int MAX_FRAME = 1 << 30;

    private final OutputStream out;

    Frames(OutputStream out) { this.out = out; }

    /** Writes one message of {@code kind} with what {@code body} writes; a value that cannot cross throws before anything is sent. */
    void send(int kind, Consumer<Wire.Writer> body) {
        Wire.Writer w = new Wire.Writer();
        w.varint(kind);
        body.accept(w);
        byte[] b = w.bytes();
        synchronized (this) {
            try {
                out.write(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
                out.write(b);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The next message's bytes, or empty at the end of the stream. */
    static Optional<byte[]> next(DataInputStream in) throws IOException {
        int n;
        try {
            n = in.readInt();
        } catch (EOFException e) {
            return Optional.empty();
        }
        if (n < 0 || n > MAX_FRAME) throw new WireException("a frame of " + n + " bytes on the engine pipe");
        byte[] b = new byte[n];
        in.readFully(b);
        return Optional.of(b);
    }

    static DataInputStream input(InputStream in) {
        return new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }
}
