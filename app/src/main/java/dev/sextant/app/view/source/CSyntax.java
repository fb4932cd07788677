package dev.sextant.app.view.source;

import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;

/** C and C++ syntax colours: comments, strings and characters, preprocessor lines, keywords, numbers. Pure; any thread. */
final class CSyntax {
    private CSyntax() {}

    private static final String[] KEYWORDS = {"auto", "break", "case", "char", "const", "continue", "default", "do", "double",
            "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
            "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
            "_Bool", "_Atomic", "_Noreturn", "_Static_assert", "_Thread_local", "bool", "true", "false", "class", "namespace",
            "template", "typename", "public", "private", "protected", "virtual", "override", "new", "delete", "this", "nullptr",
            "using", "try", "catch", "throw", "constexpr", "noexcept", "operator", "friend", "explicit", "mutable", "static_cast",
            "reinterpret_cast", "const_cast", "dynamic_cast", "decltype", "__attribute__", "asm", "__asm__"};

    private static final Pattern TOKENS = Pattern.compile(
            "(?<COMMENT>//[^\n]*|/\\*(?s:.*?)(?:\\*/|\\z))"
            + "|(?<STRING>\"(?:[^\"\\\\\n]|\\\\.)*\"?|'(?:[^'\\\\\n]|\\\\.)*'?)"
            + "|(?<PREPROC>(?m:^[ \t]*#[ \t]*[a-z]+))"
            + "|(?<KEYWORD>\\b(?:" + String.join("|", KEYWORDS) + ")\\b)"
            + "|(?<NUMBER>\\b(?:0[xX][0-9a-fA-F']+|[0-9][0-9']*(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)[uUlLfF]*\\b)");

    private static final List<String> GROUPS = List.of("COMMENT", "STRING", "PREPROC", "KEYWORD", "NUMBER");

    static StyleSpans<Collection<String>> highlight(String text) {
        Matcher m = TOKENS.matcher(text);
        StyleSpansBuilder<Collection<String>> spans = new StyleSpansBuilder<>();
        int last = 0;
        while (m.find()) {
            String style = "plain";
            for (String g : GROUPS) {
                if (m.group(g) != null) {
                    style = "syntax-" + g.toLowerCase(java.util.Locale.ROOT);
                    break;
                }
            }
            spans.add(List.of(), m.start() - last);
            spans.add(List.of(style), m.end() - m.start());
            last = m.end();
        }
        spans.add(List.of(), text.length() - last);
        return spans.create();
    }
}
