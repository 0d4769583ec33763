/** An answer of about `bytes` characters: a sentence, then one fenced block of 39-character lines, then a word. */
export function longAnswer(bytes: number): string {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < bytes; i++) {
    const line = `  const value${String(i).padStart(5, '0')} = xs[${i % 10}] * 2;`;
    lines.push(line);
    size += line.length + 1;
  }
  return `Here is the change:\n\`\`\`ts\nfunction f(xs) {\n${lines.join('\n')}\n}\n\`\`\`\nDone.\n`;
}
