package dev.sextant.engine.code;

import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.DisassemblyListing;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.code.jna.Capstone;
import dev.sextant.engine.format.io.ChunkedOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Writes disassembly listings ({@code sextant disasm}) to {@code sink} in 64 KiB chunks, in order:
 * one listing, or every function or code section of a file, streamed as it is decoded (a library's
 * listing is never held whole; see {@link WholeFile}).
 */
public final class CodeListings {
    private CodeListings() {}

    /** One listing: the code of {@code source} (a file's path, {@code process PID}) whose format objdump names {@code format}. */
    public static DisassemblyListing write(Disassembly listing, String format, boolean json, Consumer<byte[]> sink) {
        try (ChunkedOutput out = new ChunkedOutput(sink)) {
            out.append(ListingFormat.head(json, listing.source(), format));
            out.append(new ListingFormat(json, format).fragment(listing.instructions(), true));
            out.append(ListingFormat.tail(json, listing.diagnostics()));
        }
        return new DisassemblyListing(1, listing.diagnostics());
    }

    /**
     * Every function with a size of the file at {@code path}, or ({@code allCode}) every code section;
     * {@code own}: the calling thread's disassembler (workers open their own).
     */
    public static DisassemblyListing writeFile(Path path, boolean allCode, boolean json, Disassembler own, Consumer<byte[]> sink) {
        return writeFile(path, allCode, json, () -> own, sink, WholeFile.PIECE, true);
    }

    /**
     * As {@link #writeFile(Path, boolean, boolean, Disassembler, Consumer)}, the calling thread's
     * disassembler asked for once the file is read (its library may be loading meanwhile on another thread).
     */
    public static DisassemblyListing writeFile(Path path, boolean allCode, boolean json, Supplier<Disassembler> ownWhenRead,
                                               Consumer<byte[]> sink) {
        return writeFile(path, allCode, json, ownWhenRead, sink, WholeFile.PIECE, true);
    }

    /** As {@link #writeFile(Path, boolean, boolean, Disassembler, Consumer)}, code sections in stretches of {@code piece} bytes ({@link WholeFile}). */
    static DisassemblyListing writeFile(Path path, boolean allCode, boolean json, Disassembler own, Consumer<byte[]> sink, int piece,
                                        boolean atSymbols) {
        return writeFile(path, allCode, json, () -> own, sink, piece, atSymbols);
    }

    private static DisassemblyListing writeFile(Path path, boolean allCode, boolean json, Supplier<Disassembler> own, Consumer<byte[]> sink,
                                                int piece, boolean atSymbols) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        byte[] between = ListingFormat.between(json);
        int listings;
        try (ChunkedOutput out = new ChunkedOutput(sink)) {
            boolean[] started = new boolean[2];      // the head written; a fragment written (JSON: the next needs a comma)
            ThreadLocal<ListingFormat> formats = new ThreadLocal<>();
            java.util.Map<Capstone.Target, X86Lines.Spellings> spellings = new java.util.concurrent.ConcurrentHashMap<>();
            listings = WholeFile.listEach(path, allCode, piece, atSymbols, own, (code, s, d) -> {
                ListingFormat f = formats.get();
                if (f == null) formats.set(f = new ListingFormat(json, code.format()));
                CodeSymbols symbols = code.stretchSymbols();
                if (!json && code.straightToText(s)) {
                    long[] end = new long[1];
                    byte[][] text = f.x86Fragment(s, d, symbols, spellings.computeIfAbsent(s.target(), t -> new X86Lines.Spellings()), !s.continues(), end);
                    return new WholeFile.Listed<>(end[0], new Fragment(code, text));
                }
                List<Instruction> decoded = code.decode(s, d, symbols);
                return new WholeFile.Listed<>(FileCode.Stretch.end(s, decoded), new Fragment(code, new byte[][] {f.fragment(decoded, !s.continues())}));
            }, (s, fragment) -> {
                if (!started[0]) {
                    out.append(ListingFormat.head(json, path.toString(), fragment.code().format()));
                    started[0] = true;
                }
                if (!s.continues()) diagnostics.addAll(s.diagnostics());
                if (fragment.empty()) return;
                if (started[1]) out.append(between);
                for (byte[] p : fragment.pieces()) out.handOn(p);
                started[1] = true;
            });
            if (!started[0]) out.append(ListingFormat.head(json, path.toString(), format(path)));
            out.append(ListingFormat.tail(json, diagnostics));
        }
        return new DisassemblyListing(listings, diagnostics);
    }

    /** What objdump names the format of the file at {@code path} ({@code elf32-littlearm}). */
    public static String format(Path path) { return FileCode.open(path, FileCode::format); }

    /** What a worker made of a stretch: its bytes, in pieces of at most 64 KiB ({@link ChunkedOutput#handOn}). */
    private record Fragment(FileCode code, byte[][] pieces) {
        boolean empty() {
            for (byte[] p : pieces) if (p.length > 0) return false;
            return true;
        }
    }
}
