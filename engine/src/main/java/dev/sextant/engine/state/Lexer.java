package dev.sextant.engine.state;

import java.util.ArrayList;
import java.util.List;

/** Splits a C expression into tokens; a mistake names the column. */
final class Lexer {
    private Lexer() {}

    enum Kind { IDENT, INT, FLOAT, CHAR, OP, END }

    record Token(Kind kind, String text, int column) {
        boolean is(String op) { return kind == Kind.OP && text.equals(op); }
    }

    private static final String[] OPS = {"->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "::",
            ".", "[", "]", "(", ")", "*", "&", "+", "-", "/", "%", "<", ">", "!", "~", "|", "^", ","};

    static List<Token> tokens(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) { i++; continue; }
            int start = i;
            if (Character.isLetter(c) || c == '_' || c == '$') {
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) i++;
                // C++ qualified names (ns::var, Outer::Inner) are one identifier
                while (i + 2 < s.length() && s.startsWith("::", i) && (Character.isLetter(s.charAt(i + 2)) || s.charAt(i + 2) == '_')) {
                    i += 2;
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
                }
                out.add(new Token(Kind.IDENT, s.substring(start, i), start));
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
                boolean hex = c == '0' && i + 1 < s.length() && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X');
                boolean isFloat = false;
                if (hex) i += 2;
                while (i < s.length()) {
                    char d = s.charAt(i);
                    if (hex ? Character.digit(d, 16) >= 0 : Character.isDigit(d)) { i++; continue; }
                    if (!hex && (d == '.' || d == 'e' || d == 'E')) {
                        isFloat = true;
                        i++;
                        if ((d == 'e' || d == 'E') && i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) i++;
                        continue;
                    }
                    break;
                }
                while (i < s.length() && "uUlLfF".indexOf(s.charAt(i)) >= 0) i++;
                out.add(new Token(isFloat ? Kind.FLOAT : Kind.INT, s.substring(start, i), start));
            } else if (c == '\'') {
                i++;
                while (i < s.length() && s.charAt(i) != '\'') i += s.charAt(i) == '\\' ? 2 : 1;
                if (i >= s.length()) throw new EvaluationException("unmatched single quote at column " + (start + 1));
                i++;
                out.add(new Token(Kind.CHAR, s.substring(start + 1, i - 1), start));
            } else {
                String op = null;
                for (String o : OPS) if (s.startsWith(o, i)) { op = o; break; }
                if (op == null) throw new EvaluationException("invalid character '" + c + "' in expression at column " + (i + 1));
                i += op.length();
                out.add(new Token(Kind.OP, op, start));
            }
        }
        out.add(new Token(Kind.END, "", s.length()));
        return out;
    }
}
