package dev.sextant.engine.api;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One row of a call stack. {@code pc} is the frame's program counter as unwound (for caller frames
 * the return address); {@code offset} is from the start of {@code function}. Inlined calls are
 * rows of their own, with {@code inline} set and the same pc as the physical frame they belong to.
 * Immutable.
 */
public record StackFrame(int index, Address pc, Optional<String> module, Optional<String> function, long offset,
                         Optional<String> file, OptionalInt line, boolean inline, FrameSource source) {

    /** {@code "main+0x1a"}, {@code "libc.so.6+0x2a1b0"} or the bare pc. */
    public String location() {
        if (function.isPresent()) return offset == 0 ? function.get() : function.get() + "+0x" + Long.toHexString(offset);
        return module.map(m -> m + "!" + pc).orElse(pc.toString());
    }

    /** {@code "crash.c:12"} or empty. */
    public Optional<String> sourceLine() {
        if (file.isEmpty()) return Optional.empty();
        String f = file.get();
        return Optional.of(line.isPresent() ? f + ":" + line.getAsInt() : f);
    }
}
