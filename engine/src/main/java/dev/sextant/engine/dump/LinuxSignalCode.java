package dev.sextant.engine.dump;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.SignalInfo;
import dev.sextant.engine.api.Signals;
import dev.sextant.engine.format.minidump.ExceptionRecord;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The signal of a Linux minidump's exception record. Breakpad and Crashpad write {@code si_signo} as
 * the exception code, {@code si_code} as its flags and {@code si_addr} as its address; older Breakpad
 * writers leave {@code si_code} out (flags 0). Flags 0 would read as {@code SI_USER} ("sent by kill"),
 * which for a NULL read is wrong, so for a fault signal it is told apart:
 * <ul>
 *   <li>a signal sent by {@code kill}/{@code tgkill} stores {@code si_pid} where {@code si_addr} is: the
 *       address's low 32 bits are then a pid of this process (its own for {@code raise}); the code stays 0;</li>
 *   <li>otherwise a SIGSEGV is a fault, and the kernel's code follows from the process's mappings (the
 *       {@code LinuxMaps} stream): an address in no mapping is {@code SEGV_MAPERR}, one inside a mapping
 *       {@code SEGV_ACCERR}; without the maps, an address below 64 KiB ({@code vm.mmap_min_addr}) is
 *       {@code SEGV_MAPERR};</li>
 *   <li>any other fault signal's code is unknown: the code is absent and the caller says so.</li>
 * </ul>
 */
final class LinuxSignalCode {
    private LinuxSignalCode() {}

    static final int SIGSEGV = 11, SEGV_MAPERR = 1, SEGV_ACCERR = 2;
    private static final long MMAP_MIN_ADDR = 0x10000;

    /** The signal as written; or, for flags 0 on a fault signal, as the rules above infer it (empty: the code is unknown). */
    static Optional<SignalInfo> of(ExceptionRecord e, Set<Long> pids, String linuxMaps) {
        int sig = (int) e.code(), code = (int) e.flags();
        long address = e.address();
        if (code != 0 || !ExceptionNames.isFaultSignal(sig)) {
            return Optional.of(new SignalInfo(sig, code,
                    Signals.hasFaultAddress(sig, code) ? Optional.of(Address.of(address)) : Optional.empty(),
                    Optional.empty()));
        }
        if (address != 0 && pids.contains(address & 0xffffffffL)) {
            return Optional.of(new SignalInfo(sig, 0, Optional.empty(),
                    Optional.of(new Pid((int) (address & 0x7fffffffL)))));
        }
        OptionalInt inferred = sig == SIGSEGV ? segvCode(address, linuxMaps) : OptionalInt.empty();
        if (inferred.isEmpty()) return Optional.empty();
        return Optional.of(new SignalInfo(sig, inferred.getAsInt(), Optional.of(Address.of(address)), Optional.empty()));
    }

    /** SEGV_MAPERR or SEGV_ACCERR for a fault at {@code address}, from {@code /proc/PID/maps} text (empty when absent). */
    static OptionalInt segvCode(long address, String maps) {
        if (maps.isBlank()) return Long.compareUnsigned(address, MMAP_MIN_ADDR) < 0 ? OptionalInt.of(SEGV_MAPERR) : OptionalInt.empty();
        for (String line : maps.split("\n")) {
            int dash = line.indexOf('-'), space = line.indexOf(' ');
            if (dash <= 0 || space <= dash) continue;
            try {
                long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) return OptionalInt.of(SEGV_ACCERR);
            } catch (NumberFormatException ignored) {
                // a line that is not a mapping (the stream is text from the crashed machine): not one
            }
        }
        return OptionalInt.of(SEGV_MAPERR);
    }
}
