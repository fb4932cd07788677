package dev.sextant.engine.code;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.format.io.ChunkedOutput;
import dev.sextant.engine.format.json.JsonOut;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * How {@code sextant disasm} writes instructions: as {@code objdump -d -M intel} lines (a
 * {@code <symbol>:} line before each function's first instruction), or as JSON
 * {@code {file, instructions: [{address, bytes, mnemonic, operands, symbol, target, function, source}], diagnostics}}.
 * A listing is written in fragments (the text, or the JSON objects, of one piece of instructions),
 * each made on any thread and put together in order. One instance per thread.
 */
final class ListingFormat {
    private final boolean json;
    /** objdump writes a symbol's address as wide as the file's addresses: 8 digits in an elf32- file, else 16. */
    private final int entryDigits;
    private final Text text = new Text();
    private final JsonOut objects = new JsonOut();

    ListingFormat(boolean json, String format) {
        this.json = json;
        this.entryDigits = format.startsWith("elf32-") ? 8 : 16;
    }

    /** What comes before the instructions: objdump's {@code FILE:     file format elf64-x86-64}, or the JSON's start. */
    static byte[] head(boolean json, String source, String format) {
        if (!json) return ("\n" + source + ":     file format " + format + "\n").getBytes(StandardCharsets.UTF_8);
        JsonOut j = new JsonOut();
        j.beginObject().name("file").value(source).name("instructions").beginArray();
        return j.copy(0, j.position());
    }

    /** What comes between two fragments that are not empty: JSON's comma. */
    static byte[] between(boolean json) { return json ? new byte[] {','} : new byte[0]; }

    /** What comes after the instructions: the JSON's diagnostics and end (the text has none: they go to the error stream). */
    static byte[] tail(boolean json, List<Diagnostic> diagnostics) {
        if (!json) return new byte[0];
        JsonOut j = new JsonOut();
        j.endArray().name("diagnostics").beginArray();
        for (Diagnostic d : diagnostics) j.value(d.message());
        j.endArray().endObject();
        j.newline();
        return j.copy(0, j.position());
    }

    /** The fragment of {@code instructions}; {@code first}: they start a listing (a section, a function), headed whatever the symbol. */
    byte[] fragment(List<Instruction> instructions, boolean first) {
        if (json) {
            objects.reset();
            for (Instruction i : instructions) {
                objects.beginObject().name("address").hex(i.address().value()).name("bytes").value(i.bytes())
                        .name("mnemonic").value(i.mnemonic()).name("operands").value(i.operands())
                        .name("symbol").value(i.targetName().orElse(null))
                        .name("target").value(i.target().map(Address::toString).orElse(null))
                        .name("function").value(i.location().orElse(null))
                        .name("source").value(i.source().orElse(null)).endObject();
            }
            return objects.copy(0, objects.position());
        }
        text.reset();
        for (Instruction i : instructions) first = line(text, i, first, entryDigits);
        return text.toByteArray();
    }

    /**
     * The text fragment of the x86 stretch {@code s}, decoded by {@code d} straight into its lines
     * ({@link X86Lines}) with the file's {@code spellings} of its kind of code; {@code end[0]}: where its last instruction ends.
     */
    byte[][] x86Fragment(FileCode.Stretch s, Disassembler d, CodeSymbols symbols, X86Lines.Spellings spellings, boolean first, long[] end) {
        text.reset();
        end[0] = d.writeLines(s.target(), s.bytes(), s.stop(), s.start(), symbols, spellings, text, entryDigits, first);
        return text.toPieces(ChunkedOutput.CHUNK);
    }

    /** The line of {@code i} (headed, when {@code first} or it starts a function, by its {@code <symbol>:}); returns {@code first} for the next. */
    static boolean line(Text text, Instruction i, boolean first, int entryDigits) {
        boolean entry = i.location().map(l -> l.indexOf('+') < 0).orElse(false);
        if (first || entry) {
            header(text, i.address().value(), entryDigits).append(i.location().orElse("")).append(">:\n");
            first = false;
        }
        text.hex(i.address().value(), 8, ' ').append(":\t").append(i.bytes()).pad(21 - i.bytes().length()).put('\t').append(i.mnemonic());
        if (!i.operands().isEmpty()) text.pad(6 - i.mnemonic().length()).put(' ').append(i.symbolicOperands());
        text.put('\n');
        return first;
    }

    /** A function's heading up to its name: {@code \n0000000000001139 <}. */
    static Text header(Text text, long address, int entryDigits) { return text.put('\n').hex(address, entryDigits, '0').append(" <"); }

    /** Bytes of text, in one growing array: ASCII straight in, anything else as UTF-8. */
    static final class Text {
        private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        private byte[] buf = new byte[1 << 16];
        private int len;

        void reset() { len = 0; }

        byte[] toByteArray() { return Arrays.copyOf(buf, len); }

        /** The text in pieces of at most {@code most} bytes (none when it is empty). */
        byte[][] toPieces(int most) {
            byte[][] pieces = new byte[(len + most - 1) / most][];
            for (int i = 0; i < pieces.length; i++) pieces[i] = Arrays.copyOfRange(buf, i * most, Math.min(len, (i + 1) * most));
            return pieces;
        }

        private void room(int n) {
            if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }

        /** {@code b[from, to)}, bytes as they are. */
        Text append(byte[] b, int from, int to) {
            room(to - from);
            System.arraycopy(b, from, buf, len, to - from);
            len += to - from;
            return this;
        }

        /** {@code b[from, from + n)} as objdump's hex pairs, {@code 48 89 e5}, padded with blanks to {@code width}. */
        Text hexBytes(byte[] b, int from, int n, int width) {
            room(Math.max(width, n * 3));
            int start = len;
            for (int i = 0; i < n; i++) {
                int v = b[from + i] & 0xff;
                if (i > 0) buf[len++] = ' ';
                buf[len++] = HEX[v >>> 4];
                buf[len++] = HEX[v & 0xf];
            }
            while (len - start < width) buf[len++] = ' ';
            return this;
        }

        Text put(char c) {
            room(1);
            buf[len++] = (byte) c;
            return this;
        }

        Text pad(int n) {
            if (n <= 0) return this;
            room(n);
            Arrays.fill(buf, len, len + n, (byte) ' ');
            len += n;
            return this;
        }

        Text append(String s) {
            int n = s.length();
            room(n);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    byte[] rest = s.substring(i).getBytes(StandardCharsets.UTF_8);
                    room(rest.length);
                    System.arraycopy(rest, 0, buf, len, rest.length);
                    len += rest.length;
                    break;
                }
                buf[len++] = (byte) c;
            }
            return this;
        }

        /** {@code v} in hex, at least {@code width} digits, filled with {@code fill} on the left. */
        Text hex(long v, int width, char fill) {
            int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
            room(Math.max(width, digits));
            for (int i = digits; i < width; i++) buf[len++] = (byte) fill;
            for (int i = digits - 1; i >= 0; i--) buf[len++] = HEX[(int) (v >>> (i * 4)) & 0xf];
            return this;
        }
    }
}
