// Job summaries render text that arrives from outside: node ids and images from the inventory,
// messages carrying a container's or a remote command's output, an alert's reason. One escaping
// function for every summary, so none of them can be the one that lets markup through.

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '@': '&#64;',
};

/**
 * Text that renders as itself inside a line or a table cell: no HTML, no links (bare URLs
 * included: GitHub links them on `://` and `www.`), images, emphasis, code, mentions or cell
 * breaks, and on one line (block syntax such as `#` or `>` only counts at the start of a line,
 * and this text never starts one).
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .replace(/\s*[\r\n]+\s*/g, ' ')
      .replace(/[\\`*_[\]~|!(){}]/g, (c) => `\\${c}`)
      .replace(/[&<>"'@]/g, (c) => ENTITIES[c]!)
      // An entity is not the character the autolinker looks for, yet renders as it.
      .replace(/:\/\//g, '&#58;//')
      .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}&#46;`)
  );
}
