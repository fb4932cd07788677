package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;

/**
 * One variable of a frame, or a member or element of one, as the engine read it at one stop.
 * Plain data (it crosses the engine's pipe): {@code type} is what gdb's {@code whatis} prints,
 * {@code value} what gdb's {@code print} prints for it ({@code 81 'Q'}, {@code 0x4010 <main>},
 * {@code {...}} for a struct or array whose members are the children). {@code optimizedOut} is true
 * where gdb says {@code <optimized out>} (then {@code value} is that text). {@code children} holds
 * the members or the first elements when they were read; {@code expandable} says whether there are
 * children to ask for (a struct, an array; pointers are not followed). {@code error} is set when the
 * value could not be read (memory not in the core, say) and then {@code value} repeats it in brackets.
 * Immutable.
 */
public record Variable(String name, VariableKind kind, String type, String value, boolean optimizedOut,
                       List<Variable> children, Optional<String> error, Optional<Address> address, boolean expandable) {
    public Variable {
        children = List.copyOf(children);
    }

    /** A variable whose value could not be read at all: {@code <error: message>}. */
    public static Variable failed(String name, VariableKind kind, String type, String message) {
        return new Variable(name, kind, type, "<error: " + message + ">", false, List.of(), Optional.of(message),
                Optional.empty(), false);
    }
}
