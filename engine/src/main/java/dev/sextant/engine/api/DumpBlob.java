package dev.sextant.engine.api;

import java.util.UUID;

/** Secondary data to store in a saved core (KbCallbackSecondaryDumpData): a GUID tag, the component that adds it, the bytes. */
public record DumpBlob(UUID tag, String component, byte[] bytes) {
    public DumpBlob { bytes = bytes.clone(); }

    @Override public byte[] bytes() { return bytes.clone(); }
}
