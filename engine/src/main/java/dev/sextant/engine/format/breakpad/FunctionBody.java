package dev.sextant.engine.format.breakpad;

import dev.sextant.engine.format.breakpad.SymbolRecords.Function;
import dev.sextant.engine.format.breakpad.SymbolRecords.SourceFrame;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongFunction;

/**
 * The {@code LINE} and {@code INLINE} records of one {@code FUNC}, read for one address: which line
 * holds it and which inlined calls. {@code INLINE depth call_line call_file_id origin_id (address size)+};
 * {@code address size line file_id}. A bad line is skipped (the index already reported it).
 */
final class FunctionBody {
    private FunctionBody() {}

    private record Inline(long depth, long callLine, long callFile, long origin) {}

    static List<SourceFrame> frames(Function fn, byte[] body, long bodyOffset, long address,
                                    LongFunction<Optional<String>> files, LongFunction<Optional<String>> origins) {
        long lineNo = -1, lineFile = -1;
        List<Inline> inlines = new ArrayList<>();
        int at = 0;
        while (at < body.length) {
            int nl = at;
            while (nl < body.length && body[nl] != '\n') nl++;
            long offset = bodyOffset + at;
            try {
                if (nl - at > 7 && body[at] == 'I' && new String(body, at, 7, java.nio.charset.StandardCharsets.US_ASCII).equals("INLINE ")) {
                    Fields f = new Fields(body, at + 7, nl, offset, "INLINE");
                    Inline in = new Inline(f.decimal("depth"), f.decimal("call line"), f.decimal("call file"), f.decimal("origin"));
                    while (!f.atEnd()) {
                        long a = f.hex("address"), size = f.hex("size");
                        if (Long.compareUnsigned(address - a, size) < 0) { inlines.add(in); break; }
                    }
                } else if (nl > at) {
                    Fields f = new Fields(body, at, nl, offset, "LINE");
                    long a = f.hex("address"), size = f.hex("size"), line = f.decimal("line"), file = f.decimal("file id");
                    if (Long.compareUnsigned(address - a, size) < 0) { lineNo = line; lineFile = file; }
                }
            } catch (FormatException skipped) {
                // reported when the file was indexed
            }
            at = nl + 1;
        }
        inlines.sort(Comparator.comparingLong(Inline::depth));
        List<SourceFrame> out = new ArrayList<>(inlines.size() + 1);
        long file = lineFile, line = lineNo;
        for (int k = inlines.size() - 1; k >= 0; k--) {
            Inline in = inlines.get(k);
            String name = origins.apply(in.origin()).orElse("<inline origin " + in.origin() + ">");
            out.add(new SourceFrame(name, file < 0 ? Optional.empty() : files.apply(file), lineOf(line), true, fn.address()));
            file = in.callFile();
            line = in.callLine();
        }
        out.add(new SourceFrame(fn.name(), file < 0 ? Optional.empty() : files.apply(file), lineOf(line), false, fn.address()));
        return out;
    }

    private static OptionalInt lineOf(long line) {
        return line > 0 && line <= Integer.MAX_VALUE ? OptionalInt.of((int) line) : OptionalInt.empty();
    }
}
