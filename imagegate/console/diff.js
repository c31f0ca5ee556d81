// Word-level diff of two prompts (longest common subsequence over words, punctuation and the spaces between).
// Returns [{op: "same" | "added" | "removed", text}], adjacent pieces of one kind merged.

function tokens(text) {
  // words, runs of spaces, and each punctuation mark apart ("cup," is "cup" + ","): an appended clause
  // shows as added after the unchanged word
  return (text || "").match(/\s+|[\p{L}\p{N}'’-]+|[^\s\p{L}\p{N}]/gu) || [];
}

export function wordDiff(before, after) {
  const a = tokens(before);
  const b = tokens(after);
  const rows = a.length + 1;
  const cols = b.length + 1;
  const lengths = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lengths[i * cols + j] = a[i] === b[j]
        ? lengths[(i + 1) * cols + j + 1] + 1
        : Math.max(lengths[(i + 1) * cols + j], lengths[i * cols + j + 1]);
    }
  }
  const pieces = [];
  const push = (op, text) => {
    const last = pieces[pieces.length - 1];
    if (last && last.op === op) last.text += text;
    else pieces.push({ op, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { push("same", a[i]); i += 1; j += 1; }
    else if (lengths[(i + 1) * cols + j] >= lengths[i * cols + j + 1]) { push("removed", a[i]); i += 1; }
    else { push("added", b[j]); j += 1; }
  }
  while (i < a.length) { push("removed", a[i]); i += 1; }
  while (j < b.length) { push("added", b[j]); j += 1; }
  return pieces;
}
