/**
 * PE/COFF image headers: {@link PeImage} (DOS header, NT headers for
 * PE32 and PE32+, sections with COFF long names, data directories, RVA → file offset). The parsers
 * of what the directories point at (exception table, imports, exports) build on it.
 */
package dev.sextant.engine.format.pe;
