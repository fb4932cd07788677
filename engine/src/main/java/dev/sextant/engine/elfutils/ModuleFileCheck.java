package dev.sextant.engine.elfutils;

import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks a candidate file for a core's module before libdwfl sees it. libdwfl trusts what it opens:
 * a file whose header says {@code ET_REL} but whose build-id matches makes
 * {@code __libdwfl_find_elf_build_id} assert (the JVM dies with status 134), and header tables that
 * point past the end of the file are read blindly. Only an executable or shared object of the
 * core's class, byte order and machine, whose program and section header tables lie within the file
 * and whose build-id is the module's (when the core records one), is handed on.
 */
public final class ModuleFileCheck {
    private ModuleFileCheck() {}

    /** What a module file must match: the core's ELF class, byte order and machine. */
    public record Expected(boolean is64, ByteOrder order, int machine) {
        public static Expected of(ElfHeader core) {
            return new Expected(core.is64(), core.order(), core.machine());
        }
    }

    /** Why {@code file} cannot be module {@code buildId}'s file, in words for a diagnostic; empty when it can. */
    public static Optional<String> problem(Path file, Expected core, Optional<String> buildId) {
        if (!Files.isRegularFile(file)) return Optional.of("not a regular file");
        ElfHeader eh;
        long size;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            size = f.length();
            byte[] head = new byte[(int) Math.min(size, 64)];
            f.readFully(head);
            eh = ElfHeader.read(ByteReader.of(head, ByteOrder.LITTLE_ENDIAN));
        } catch (FormatException e) {
            return Optional.of("not an ELF file (" + e.getMessage() + ")");
        } catch (IOException e) {
            return Optional.of("cannot be read (" + e.getMessage() + ")");
        }
        if (eh.type() != ElfHeader.ET_EXEC && eh.type() != ElfHeader.ET_DYN) {
            return Optional.of("its ELF header says " + typeWords(eh.type()) + ", not an executable or shared library");
        }
        if (eh.is64() != core.is64()) {
            return Optional.of("it is a " + (eh.is64() ? 64 : 32) + "-bit ELF file, the core is " + (core.is64() ? 64 : 32) + "-bit");
        }
        if (!eh.order().equals(core.order())) return Optional.of("its byte order is not the core's");
        if (eh.machine() != core.machine()) {
            return Optional.of("it is built for machine " + eh.machineName() + ", the core's is " + machineName(core));
        }
        Optional<String> tables = tableProblem("program header table", eh.phoff(), eh.phnum(), eh.phentsize(), eh.is64() ? 56 : 32, size)
                .or(() -> tableProblem("section header table", eh.shoff(), eh.shnum(), eh.shentsize(), eh.is64() ? 64 : 40, size));
        if (tables.isPresent()) return tables;
        if (eh.phnum() == 0) return Optional.of("it has no program headers, so it cannot be a loaded module");
        if (buildId.isPresent()) {
            Optional<String> actual = BuildId.ofFile(file);
            if (actual.isEmpty()) return Optional.of("it has no build-id, the core's module has " + buildId.get());
            if (!actual.get().equals(buildId.get())) {
                return Optional.of("its build-id is " + actual.get() + ", the core's module has " + buildId.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> tableProblem(String what, long offset, int count, int entrySize, int expectedSize, long fileSize) {
        if (count == 0) return Optional.empty();
        if (entrySize != expectedSize) {
            return Optional.of("its " + what + " has entries of " + entrySize + " bytes, not " + expectedSize);
        }
        long end = offset + (long) count * entrySize;
        if (offset < 0 || end < offset || end > fileSize) {
            return Optional.of("its " + what + " (" + count + " entries at offset 0x" + Long.toHexString(offset)
                    + ") runs past the end of the file (" + fileSize + " bytes): truncated or damaged");
        }
        return Optional.empty();
    }

    private static String typeWords(int type) {
        return switch (type) {
            case ElfHeader.ET_REL -> "relocatable object (ET_REL)";
            case ElfHeader.ET_CORE -> "core file (ET_CORE)";
            case 0 -> "no file type (ET_NONE)";
            default -> "file type " + type;
        };
    }

    private static String machineName(Expected core) {
        return new ElfHeader(core.is64(), core.order(), ElfHeader.ET_CORE, core.machine(), 0, 0, 0, 0, 0, 0, 0, 0).machineName();
    }
}
