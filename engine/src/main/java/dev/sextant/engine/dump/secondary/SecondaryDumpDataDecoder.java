package dev.sextant.engine.dump.secondary;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/** A {@code KbCallbackSecondaryDumpData} blob Sextant saved: component, GUID, size, and the blob as text when it is UTF-8 text. */
public final class SecondaryDumpDataDecoder implements SecondaryDecoder {
    @Override public Set<String> tags() { return Set.of(SecondaryDumpNote.TAG); }

    @Override public Decoded decode(SecondaryData data) {
        SecondaryDumpNote note = SecondaryDumpNote.decode(data.bytes());
        long size = note.blob().size();
        int n = (int) Math.min(size, SecondaryDecoders.HEX_LIMIT);
        byte[] head = note.blob().bytes("blob", 0, n);
        String shown;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(head)).toString();
            shown = text.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\t' || c == '\r') ? text : null;
        } catch (CharacterCodingException e) {
            shown = null;
        }
        if (shown == null) shown = "\n" + SecondaryDecoders.hex(note.blob()).render();
        else if (size > n) shown += "…";
        return new Decoded.KeyValues(List.of(new Decoded.Entry("component", note.component()),
                new Decoded.Entry("guid", "{" + note.guid() + "}"), new Decoded.Entry("size", Long.toString(size)),
                new Decoded.Entry("data", shown)));
    }
}
