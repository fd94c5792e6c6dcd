/**
 * CSV records as k6's CSV output writes them (Go's encoding/csv, RFC 4180): a field holding a comma, a quote or a
 * line break is quoted, and a quote inside it is doubled. Splitting on bare commas would shift every column after
 * such a field (an error tag or a URL with a comma). Pure; takes the file's lines, so a quoted line break joins
 * the lines it split.
 */
export function* csvRecords(lines: Iterable<string>, source: string): Generator<string[]> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let lineNumber = 0;
  for (const line of lines) {
    lineNumber += 1;
    if (quoted) field += '\n';
    else if (line === '') continue;
    for (let at = 0; at < line.length; at++) {
      const char = line[at];
      if (quoted) {
        if (char !== '"') field += char;
        else if (line[at + 1] === '"') {
          field += '"';
          at += 1;
        } else quoted = false;
      } else if (char === ',') {
        fields.push(field);
        field = '';
      } else if (char === '"' && field === '') quoted = true;
      else field += char;
    }
    if (quoted) continue;
    fields.push(field);
    yield fields;
    fields = [];
    field = '';
  }
  if (quoted)
    throw new Error(`${source}: a quoted field opened by line ${lineNumber} or before never closes`);
}
