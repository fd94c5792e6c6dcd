/** The message of any thrown value, with each `cause` appended so the root problem is never lost. */
export function describeError(error: unknown): string {
  let text = '';
  const seen = new Set<unknown>();
  for (let current = error; current !== undefined && current !== null && !seen.has(current); ) {
    seen.add(current);
    const message = current instanceof Error ? current.message : String(current);
    // Wrappers often quote their cause already; say each thing once.
    if (!text.includes(message)) text = text === '' ? message : `${text} (cause: ${message})`;
    current = current instanceof Error ? current.cause : undefined;
  }
  return text;
}
