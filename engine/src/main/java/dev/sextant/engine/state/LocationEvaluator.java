package dev.sextant.engine.state;

import dev.sextant.engine.elfutils.dwarf.DwarfDie.Op;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * DWARF location expressions evaluated against one frame: its registers (as unwound for that frame),
 * its frame base and CFA, the target's memory. Gives where a value of {@code size} bytes is: memory,
 * bytes (a register, {@code DW_OP_stack_value}, {@code DW_OP_implicit_value}, pieces), or optimized
 * out (a register the unwinder could not recover, an {@code entry_value} no caller recorded).
 */
final class LocationEvaluator {
    /** What the evaluator reads from its frame. */
    interface Frame {
        OptionalLong register(int dwarfRegno);
        Optional<List<Op>> frameBase();
        Optional<List<Op>> cfa();
        long bias();
        byte[] read(long address, int length);
        /** The value register {@code regno} had when this frame's function was entered, as its caller recorded it. */
        default OptionalLong entryValue(int regno) { return OptionalLong.empty(); }
    }

    /** The expression cannot be evaluated here: the value is optimized out (gdb's words) or unreadable. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String why) { super(why, null, false, false); }
    }

    private LocationEvaluator() {}

    static Value.Place place(List<Op> ops, long size, Frame frame) {
        try {
            return evaluate(ops, size, frame, 0);
        } catch (Unavailable e) {
            return new Value.OptimizedOut();
        }
    }

    private static Value.Place evaluate(List<Op> ops, long size, Frame frame, int depth) {
        if (ops.isEmpty()) return new Value.OptimizedOut();
        if (depth > 4) throw new Unavailable("nested too deep");
        Deque<Long> stack = new ArrayDeque<>();
        byte[] pieces = null;
        int filled = 0;
        Value.Place last = null;       // the location described so far (before a piece or at the end)
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            int a = op.atom();
            if (a >= 0x30 && a <= 0x4f) { stack.push((long) (a - 0x30)); continue; }                   // DW_OP_lit0..31
            if (a >= 0x50 && a <= 0x6f) { last = register(frame, a - 0x50); continue; }                // DW_OP_reg0..31
            if (a >= 0x70 && a <= 0x8f) { stack.push(reg(frame, a - 0x70) + op.number()); continue; }    // DW_OP_breg0..31
            switch (a) {
                case 0x03 -> stack.push(op.number() + frame.bias());                                  // DW_OP_addr
                case 0x08, 0x0a, 0x0c, 0x0e, 0x10, 0x09, 0x0b, 0x0d, 0x0f, 0x11 -> stack.push(op.number()); // DW_OP_const*
                case 0x06 -> stack.push(word(frame, pop(stack), 8));                                  // DW_OP_deref
                case 0x94 -> stack.push(word(frame, pop(stack), (int) op.number()));                  // DW_OP_deref_size
                case 0x12 -> stack.push(peek(stack));                                                 // DW_OP_dup
                case 0x13 -> pop(stack);                                                              // DW_OP_drop
                case 0x14 -> { long t = pop(stack), u = peek(stack); stack.push(t); stack.push(u); }   // DW_OP_over
                case 0x16 -> { long t = pop(stack), u = pop(stack); stack.push(t); stack.push(u); }    // DW_OP_swap
                case 0x23 -> stack.push(pop(stack) + op.number());                                    // DW_OP_plus_uconst
                case 0x22 -> stack.push(pop(stack) + pop(stack));                                     // DW_OP_plus
                case 0x1c -> { long t = pop(stack); stack.push(pop(stack) - t); }                     // DW_OP_minus
                case 0x1e -> stack.push(pop(stack) * pop(stack));                                     // DW_OP_mul
                case 0x1a -> stack.push(pop(stack) & pop(stack));                                     // DW_OP_and
                case 0x21 -> stack.push(pop(stack) | pop(stack));                                     // DW_OP_or
                case 0x27 -> stack.push(pop(stack) ^ pop(stack));                                     // DW_OP_xor
                case 0x1f -> stack.push(-pop(stack));                                                 // DW_OP_neg
                case 0x20 -> stack.push(~pop(stack));                                                 // DW_OP_not
                case 0x24 -> { long t = pop(stack); stack.push(pop(stack) << t); }                    // DW_OP_shl
                case 0x25 -> { long t = pop(stack); stack.push(pop(stack) >>> t); }                   // DW_OP_shr
                case 0x26 -> { long t = pop(stack); stack.push(pop(stack) >> t); }                    // DW_OP_shra
                case 0x90 -> last = register(frame, (int) op.number());                               // DW_OP_regx
                case 0x92 -> stack.push(reg(frame, (int) op.number()) + op.number2());                // DW_OP_bregx
                case 0x91 -> stack.push(frameBase(frame, depth) + op.number());                       // DW_OP_fbreg
                case 0x9c -> stack.push(cfa(frame, depth));                                           // DW_OP_call_frame_cfa
                case 0x9f -> last = new Value.InBytes(le(pop(stack)));                                // DW_OP_stack_value
                case 0x9e -> last = new Value.InBytes(op.block() == null ? new byte[0] : op.block()); // DW_OP_implicit_value
                case 0xa3, 0xf3 -> stack.push(entryValue(frame, op.block()));                        // DW_OP_entry_value
                case 0x93 -> {                                                                        // DW_OP_piece
                    if (pieces == null) pieces = new byte[pieceBuffer(size)];
                    if (op.number() < 0) throw new Unavailable("a piece of " + op.number() + " bytes");
                    Value.Place piece = last != null ? last : stack.isEmpty() ? new Value.OptimizedOut() : new Value.InMemory(pop(stack));
                    int n = (int) Math.min(op.number(), pieces.length - filled);
                    if (piece instanceof Value.OptimizedOut) throw new Unavailable("a piece is optimized out");
                    byte[] b = piece instanceof Value.InMemory m ? frame.read(m.address(), n) : ((Value.InBytes) piece).bytes();
                    System.arraycopy(b, 0, pieces, filled, Math.min(n, b.length));
                    filled += Math.max(n, 0);
                    last = null;
                    stack.clear();
                }
                default -> throw new Unavailable("DW_OP 0x" + Integer.toHexString(a) + " is not evaluated");
            }
        }
        if (pieces != null) return new Value.InBytes(pieces);
        if (last != null) return last;
        if (stack.isEmpty()) return new Value.OptimizedOut();
        return new Value.InMemory(stack.peek());
    }

    /** Values assembled from pieces live in registers or small stack slots; a larger size is a damaged type. */
    private static final long MAX_PIECED_VALUE = 1 << 20;

    private static int pieceBuffer(long size) {
        if (size > MAX_PIECED_VALUE) throw new Unavailable("a value of " + size + " bytes in pieces");
        return (int) Math.max(size, 0);
    }

    private static Value.Place register(Frame frame, int regno) {
        OptionalLong v = frame.register(regno);
        if (v.isEmpty()) throw new Unavailable("register " + regno + " not saved");
        return new Value.InBytes(le(v.getAsLong()), OptionalLong.of(regno));
    }

    private static long reg(Frame frame, int regno) {
        OptionalLong v = frame.register(regno);
        if (v.isEmpty()) throw new Unavailable("register " + regno + " not saved");
        return v.getAsLong();
    }

    /** {@code DW_OP_entry_value(DW_OP_regN)}: the only form compilers emit for locations. */
    private static long entryValue(Frame frame, byte[] block) {
        if (block == null || block.length == 0) throw new Unavailable("empty entry value");
        int op = block[0] & 0xff;
        int regno;
        if (op >= 0x50 && op <= 0x6f && block.length == 1) regno = op - 0x50;
        else if (op == 0x90 && block.length >= 2 && (block[1] & 0x80) == 0) regno = block[1];
        else throw new Unavailable("entry value of an expression");
        OptionalLong v = frame.entryValue(regno);
        if (v.isEmpty()) throw new Unavailable("no call site records register " + regno);
        return v.getAsLong();
    }

    /** A DWARF expression's value (as a call site's DW_AT_call_value gives it), or empty. */
    static OptionalLong valueOf(List<Op> ops, Frame frame) {
        Value.Place p = place(ops, 8, frame);
        if (p instanceof Value.InMemory m) return OptionalLong.of(m.address());
        if (p instanceof Value.InBytes b && b.bytes().length > 0) return OptionalLong.of(Values.le(b.bytes(), 0, Math.min(8, b.bytes().length)));
        return OptionalLong.empty();
    }

    private static long frameBase(Frame frame, int depth) {
        List<Op> ops = frame.frameBase().orElseThrow(() -> new Unavailable("no frame base"));
        Value.Place p = evaluate(ops, 8, frame, depth + 1);
        if (p instanceof Value.InMemory m) return m.address();
        // DW_OP_regN as a frame base means the register's value
        if (p instanceof Value.InBytes b) return Values.le(b.bytes(), 0, Math.min(8, b.bytes().length));
        throw new Unavailable("frame base unavailable");
    }

    private static long cfa(Frame frame, int depth) {
        List<Op> ops = frame.cfa().orElseThrow(() -> new Unavailable("no CFI at this pc"));
        Value.Place p = evaluate(ops, 8, frame, depth + 1);
        if (p instanceof Value.InMemory m) return m.address();
        throw new Unavailable("CFA unavailable");
    }

    private static long word(Frame frame, long address, int size) {
        byte[] b = frame.read(address, Math.max(1, Math.min(8, size)));
        return Values.le(b, 0, b.length);
    }

    private static long pop(Deque<Long> stack) {
        if (stack.isEmpty()) throw new Unavailable("DWARF stack underflow");
        return stack.pop();
    }

    private static long peek(Deque<Long> stack) {
        if (stack.isEmpty()) throw new Unavailable("DWARF stack underflow");
        return stack.peek();
    }

    private static byte[] le(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }
}
