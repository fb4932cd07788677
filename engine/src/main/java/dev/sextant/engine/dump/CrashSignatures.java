package dev.sextant.engine.dump;

import dev.sextant.engine.api.CrashInbox.Signature;
import dev.sextant.engine.api.StackFrame;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A crash's signature from its crashing thread's frames, the way Socorro's signature generation
 * makes one: names without addresses or offsets, the frames every abort or signal goes through
 * skipped from the top (they say how the process died, not where), a few frames kept, then hashed.
 * Two builds of one program give one signature: compiler clone suffixes ({@code .cold},
 * {@code .isra.0}, {@code .constprop.0}) are dropped too.
 */
public final class CrashSignatures {
    private CrashSignatures() {}

    /** Frames kept after the skipped ones. */
    static final int DEPTH = 5;

    /** glibc's way from abort() or raise() to the kernel, assertion and fortify failures, signal trampolines. */
    static final Set<String> SKIPPED = Set.of("abort", "__GI_abort", "raise", "__GI_raise", "gsignal",
            "__pthread_kill_implementation", "__pthread_kill_internal", "__pthread_kill", "pthread_kill", "__GI___pthread_kill",
            "__restore_rt", "__kernel_rt_sigreturn", "_sigtramp", "__sigtramp", "__libc_signal_restore_set",
            "__assert_fail", "__assert_fail_base", "__GI___assert_fail", "__libc_message", "__libc_message_impl",
            "__fortify_fail", "__chk_fail", "__stack_chk_fail", "__GI___fortify_fail", "malloc_printerr", "__malloc_assert",
            "__GI___libc_free", "__libc_fatal", "__abort_msg");

    /** Where every thread starts: the bottom of each stack, the same for every crash. */
    static final Set<String> OUTERMOST = Set.of("_start", "__libc_start_main", "__libc_start_main_impl", "__libc_start_call_main",
            "start_thread", "clone", "clone3", "__clone", "__clone3", "__clone_internal");

    private static final Pattern CLONE_SUFFIX = Pattern.compile("(\\.(cold|isra|part|constprop|lto_priv|llvm|localalias)(\\.\\d+)?)+$");

    /** The signature of a crashing thread's stack, innermost frame first. */
    public static Signature of(List<StackFrame> stack) {
        List<String> names = new ArrayList<>();
        for (StackFrame f : stack) names.add(name(f));
        int top = 0;
        while (top < names.size() && (SKIPPED.contains(names.get(top)) || vdso(stack.get(top)))) top++;
        List<String> frames = new ArrayList<>();
        List<Integer> unnamed = new ArrayList<>();
        for (int i = top; i < names.size() && frames.size() < DEPTH; i++) {
            String n = names.get(i);
            if (OUTERMOST.contains(n)) break;
            if (stack.get(i).function().isEmpty()) unnamed.add(frames.size());
            frames.add(n);
        }
        String text = frames.isEmpty() ? "(no frames)" : String.join(" | ", frames);
        return new Signature(text, hash(text), frames, unnamed, Optional.empty());
    }

    /** The signature of a core that could not be read: one group per kind of problem, the reason kept. */
    public static Signature unreadable(String problem) {
        String text = "(unreadable core)";
        return new Signature(text, hash(text), List.of(), List.of(), Optional.of(problem));
    }

    /** A frame's normalized name: the function without clone suffixes, else {@code ?? (module)}. */
    static String name(StackFrame f) {
        if (f.function().isPresent()) {
            String n = f.function().get().strip();
            // A symbol version says which build: __libc_start_main@@GLIBC_2.34 is __libc_start_main. A PLT stub keeps its @plt.
            int at = n.indexOf('@');
            if (at > 0 && !n.endsWith("@plt")) n = n.substring(0, at);
            return CLONE_SUFFIX.matcher(n).replaceFirst("");
        }
        return f.module().map(m -> "?? (" + base(m) + ")").orElse("??");
    }

    private static boolean vdso(StackFrame f) {
        return f.module().map(m -> m.contains("vdso")).orElse(false);
    }

    private static String base(String module) {
        int slash = module.lastIndexOf('/');
        return slash >= 0 ? module.substring(slash + 1) : module;
    }

    static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
