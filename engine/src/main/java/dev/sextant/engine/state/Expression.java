package dev.sextant.engine.state;

import java.util.List;
import java.util.Set;

/**
 * THE expression evaluator's compiled form: a C expression parsed once ({@link #parse}), then
 * evaluated as often as needed against a frame ({@link #evaluate}), reading only the registers and
 * bytes it needs. Used by watches, {@code eval}, conditional breakpoints and logpoints. Immutable and
 * thread-safe; evaluation runs where the context's reads may run (the engine thread).
 */
public final class Expression {
    private final String text;
    private final Node root;

    private Expression(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    /** Parses {@code text}; a syntax error is an {@link EvaluationException} that names the column. */
    public static Expression parse(String text) {
        Parser p = new Parser(Lexer.tokens(text));
        Node n = p.expression();
        if (p.peek().kind() != Lexer.Kind.END) {
            throw new EvaluationException("syntax error in expression, near `" + text.substring(p.peek().column()) + "'");
        }
        return new Expression(text, n);
    }

    /** The value in {@code context}; errors (no such symbol, unreadable memory) as {@link EvaluationException}. */
    public Value evaluate(EvalContext context) {
        return root.eval(context);
    }

    /** Whether the value is non-zero, as a breakpoint condition wants it. */
    public boolean test(EvalContext context) {
        Value v = evaluate(context);
        return Type.isFloat(v.type()) ? Values.asDouble(v, context) != 0 : Values.asLong(v, context) != 0;
    }

    public String text() { return text; }

    @Override public String toString() { return text; }

    private static final class Parser {
        private final List<Lexer.Token> tokens;
        private int pos;

        Parser(List<Lexer.Token> tokens) { this.tokens = tokens; }

        Lexer.Token peek() { return tokens.get(pos); }

        Lexer.Token next() { return tokens.get(pos++); }

        boolean accept(String op) {
            if (peek().is(op)) { pos++; return true; }
            return false;
        }

        void expect(String op) {
            if (!accept(op)) throw new EvaluationException("syntax error: expected `" + op + "' at column " + (peek().column() + 1));
        }

        Node expression() { return binary(0); }

        private static final List<Set<String>> LEVELS = List.of(Set.of("||"), Set.of("&&"), Set.of("|"), Set.of("^"), Set.of("&"),
                Set.of("==", "!="), Set.of("<", ">", "<=", ">="), Set.of("<<", ">>"), Set.of("+", "-"), Set.of("*", "/", "%"));

        Node binary(int level) {
            if (level == LEVELS.size()) return unary();
            Node left = binary(level + 1);
            while (peek().kind() == Lexer.Kind.OP && LEVELS.get(level).contains(peek().text())) {
                String op = next().text();
                Node right = binary(level + 1);
                left = new Nodes.Binary(op, left, right);
            }
            return left;
        }

        Node unary() {
            Lexer.Token t = peek();
            if (t.kind() == Lexer.Kind.OP && Set.of("-", "+", "!", "~", "*", "&").contains(t.text())) {
                pos++;
                return new Nodes.Unary(t.text(), unary());
            }
            if (t.kind() == Lexer.Kind.IDENT && t.text().equals("sizeof")) {
                pos++;
                int save = pos;
                if (accept("(")) {
                    java.util.Optional<Nodes.TypeName> type = typeName();
                    if (type.isPresent() && accept(")")) return new Nodes.SizeOf(type.get(), null);
                    pos = save;
                }
                return new Nodes.SizeOf(null, unary());
            }
            if (t.is("(")) {
                int save = pos;
                pos++;
                java.util.Optional<Nodes.TypeName> type = typeName();
                if (type.isPresent() && accept(")") && isCast(type.get())) return new Nodes.Cast(type.get(), unary());
                pos = save;
            }
            return postfix(primary());
        }

        /** {@code (name) x} is a cast when a keyword, a star or what follows says so; {@code (a) - b} is not. */
        private boolean isCast(Nodes.TypeName type) {
            if (type.pointers() > 0 || type.keyword()) return true;
            Lexer.Token after = peek();
            return after.kind() == Lexer.Kind.IDENT || after.kind() == Lexer.Kind.INT || after.kind() == Lexer.Kind.CHAR
                    || after.kind() == Lexer.Kind.FLOAT || after.is("(");
        }

        private static final Set<String> TYPE_WORDS = Set.of("struct", "union", "enum", "class", "const", "volatile", "unsigned",
                "signed", "int", "char", "short", "long", "float", "double", "void", "_Bool", "bool");

        java.util.Optional<Nodes.TypeName> typeName() {
            StringBuilder name = new StringBuilder();
            boolean keyword = false;
            int words = 0;
            while (peek().kind() == Lexer.Kind.IDENT) {
                String w = next().text();
                if (TYPE_WORDS.contains(w)) keyword = true;
                if (w.equals("const") || w.equals("volatile")) continue;
                if (name.length() > 0) name.append(' ');
                name.append(w);
                words++;
            }
            if (words == 0) return java.util.Optional.empty();
            if (words > 1 && !keyword) return java.util.Optional.empty();
            int pointers = 0;
            while (peek().is("*")) {
                pos++;
                pointers++;
                while (peek().kind() == Lexer.Kind.IDENT && (peek().text().equals("const") || peek().text().equals("volatile"))) pos++;
            }
            if (!peek().is(")")) return java.util.Optional.empty();
            return java.util.Optional.of(new Nodes.TypeName(name.toString(), pointers, keyword));
        }

        Node postfix(Node n) {
            while (true) {
                if (accept(".")) n = new Nodes.Member(n, identifier(), false);
                else if (accept("->")) n = new Nodes.Member(n, identifier(), true);
                else if (accept("[")) {
                    Node index = expression();
                    expect("]");
                    n = new Nodes.Index(n, index);
                } else return n;
            }
        }

        String identifier() {
            Lexer.Token t = next();
            if (t.kind() != Lexer.Kind.IDENT) throw new EvaluationException("syntax error: expected a member name at column " + (t.column() + 1));
            return t.text();
        }

        Node primary() {
            Lexer.Token t = next();
            switch (t.kind()) {
                case IDENT: return new Nodes.Identifier(t.text());
                case INT: return Nodes.Literal.integer(t.text());
                case FLOAT: return Nodes.Literal.floating(t.text());
                case CHAR: return Nodes.Literal.character(t.text());
                default:
                    if (t.is("(")) {
                        Node n = expression();
                        expect(")");
                        return n;
                    }
                    throw new EvaluationException(t.kind() == Lexer.Kind.END ? "syntax error: the expression ends too early"
                            : "syntax error in expression, near `" + t.text() + "' at column " + (t.column() + 1));
            }
        }
    }

    /** One node of the compiled tree. */
    interface Node {
        Value eval(EvalContext ctx);
    }
}
