/**
 * Importers for the user's own files, one module per format; every error names
 * the file (as written, relative to the graph's folder) and what was expected.
 */
export { importIdx, parseIdx, type IdxArray, type IdxType } from './idx.js';
export { importCsv, type CsvOptions } from './csv.js';
export { importPngFolder } from './png-folder.js';
export { rescaleToUnit } from './files.js';
