package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;

/** A thread's general registers for one architecture, in the ABI's order. Immutable. */
public record RegisterSet(String arch, List<Register> registers) {
    private static final String[] PC_NAMES = {"rip", "eip", "pc", "nip", "pswa", "epc"};

    public RegisterSet { registers = List.copyOf(registers); }

    public Optional<Register> find(String name) {
        return registers.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The instruction pointer ({@code rip}, {@code eip}, {@code pc}; {@code nip} on POWER, {@code pswa} on s390, {@code epc} on MIPS). */
    public Optional<Address> pc() {
        for (String name : PC_NAMES) {
            Optional<Register> r = find(name);
            if (r.isPresent()) return Optional.of(Address.of(r.get().value()));
        }
        return Optional.empty();
    }
}
