package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;

/** A thread's general registers for one architecture, in the ABI's order. Immutable. */
public record RegisterSet(String arch, List<Register> registers) {
    public RegisterSet { registers = List.copyOf(registers); }

    public Optional<Register> find(String name) {
        return registers.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The instruction pointer ({@code rip}, {@code eip} or {@code pc}). */
    public Optional<Address> pc() {
        return find("rip").or(() -> find("eip")).or(() -> find("pc")).map(r -> Address.of(r.value()));
    }
}
