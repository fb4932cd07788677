package dev.sextant.engine.state;

import java.util.StringJoiner;

/**
 * Type names as gdb's {@code whatis} prints them: C declarator syntax built from the inside out
 * ({@code char *}, {@code const char *}, {@code char * const}, {@code int (*)(int, int)},
 * {@code int [4][2]}, {@code struct point}, C++ classes without the keyword).
 */
public final class TypeNames {
    private TypeNames() {}

    public static String name(Type t) {
        return declare(t, "", 0);
    }

    private static String declare(Type t, String declarator, int depth) {
        if (depth > 32) return "?";
        if (t instanceof Type.Pointer p) {
            Type target = p.target().get();
            String inner = "*" + declarator;
            if (target instanceof Type.Array || target instanceof Type.Function) inner = "(" + inner + ")";
            return declare(target, inner, depth + 1);
        }
        if (t instanceof Type.Reference r) {
            String inner = (r.rvalue() ? "&&" : "&") + declarator;
            Type target = r.target().get();
            if (target instanceof Type.Array || target instanceof Type.Function) inner = "(" + inner + ")";
            return declare(target, inner, depth + 1);
        }
        if (t instanceof Type.Array a) {
            String dim = "[" + (a.count().isPresent() ? Long.toString(a.count().getAsLong()) : "") + "]";
            return declare(a.element(), declarator.isEmpty() ? dim : declarator + dim, depth + 1);
        }
        if (t instanceof Type.Function f) {
            StringJoiner params = new StringJoiner(", ", "(", ")");
            f.parameters().forEach(p -> params.add(name(p)));
            if (f.varargs()) params.add("...");
            if (f.parameters().isEmpty() && !f.varargs()) params.add("void");
            String ret = f.returns().map(r -> declare(r, "", depth + 1)).orElse("void");
            return ret + " " + declarator + params;
        }
        if (t instanceof Type.Qualified q) {
            Type target = q.target().get();
            String quals = (q.isConst() ? "const" : "") + (q.isConst() && q.isVolatile() ? " " : "") + (q.isVolatile() ? "volatile" : "");
            if (target instanceof Type.Pointer || target instanceof Type.Reference) {
                // char * const: the qualifier follows the star
                return declare(target, " " + quals + (declarator.isEmpty() ? "" : " " + declarator), depth + 1)
                        .replace("* " + quals, "* " + quals);
            }
            return withDeclarator(quals + " " + baseName(target, depth), declarator);
        }
        return withDeclarator(baseName(t, depth), declarator);
    }

    private static String withDeclarator(String base, String declarator) {
        if (declarator.isEmpty()) return base;
        return base + " " + declarator;
    }

    private static String baseName(Type t, int depth) {
        if (t instanceof Type.Base b) return b.name();
        if (t instanceof Type.Typedef d) return d.name();
        if (t instanceof Type.Void) return "void";
        if (t instanceof Type.Composite c) {
            if (c.name().isEmpty()) return c.keyword() + " {...}";
            return c.cplus() ? c.name().get() : c.keyword() + " " + c.name().get();
        }
        if (t instanceof Type.Enumeration e) {
            if (e.name().isEmpty()) return "enum {...}";
            return e.cplus() ? e.name().get() : "enum " + e.name().get();
        }
        return declare(t, "", depth + 1);
    }
}
