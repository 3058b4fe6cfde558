// The shell blocks of README.md and the markers that say how test/e2e/readme.test.ts runs them.
//
// A block is a fence opened by ```sh (or ```bash, ```shell) at the start of a line. The line right
// before the fence (blank lines between are allowed) may be a marker:
//
//   <!-- readme-test: skip — why -->         not run; listed with its reason and counted
//   <!-- readme-test: serve -->              starts a Meridian in the foreground: run alone (see the test)
//   <!-- readme-test: needs <command> -->    skipped, with a visible message, when <command> is not on
//                                            PATH (or, for an absolute path, when that file is missing)
//
// Several directives go in one marker separated by commas (`serve, needs softhsm2-util`); `skip` takes
// the rest of the marker as its reason. An unknown directive is an error, so a typo cannot skip a block.

export interface ReadmeBlock {
  /** 1-based, in README order */
  index: number;
  /** the line of the opening fence, 1-based */
  line: number;
  /** the block's text, exactly as written (with a final newline) */
  code: string;
  /** the reason to skip, when marked `skip` */
  skip?: string;
  serve: boolean;
  /** commands that must be on PATH (absolute paths: files that must exist) for the block to run */
  needs: string[];
}

const FENCE = /^```(sh|bash|shell)\s*$/;
const MARKER = /^<!--\s*readme-test:\s*(.*?)\s*-->\s*$/;

export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i]!)) {
      // Other fences (```text, ```js …) are skipped whole, so a ```sh inside one is not a block.
      if (lines[i]!.startsWith("```")) i = closingFence(lines, i);
      continue;
    }
    const end = closingFence(lines, i);
    const block: ReadmeBlock = { index: blocks.length + 1, line: i + 1, code: lines.slice(i + 1, end).join("\n") + "\n", serve: false, needs: [] };
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === "") before--;
    const marker = before >= 0 ? MARKER.exec(lines[before]!) : null;
    if (marker) applyMarker(block, marker[1]!);
    blocks.push(block);
    i = end;
  }
  return blocks;
}

function closingFence(lines: string[], open: number): number {
  for (let j = open + 1; j < lines.length; j++) if (lines[j]!.trimEnd() === "```") return j;
  throw new Error(`README.md line ${open + 1}: a fence that is never closed`);
}

function applyMarker(block: ReadmeBlock, text: string) {
  const skip = /^skip\b\s*[—:-]?\s*(.*)$/s.exec(text);
  if (skip) {
    if (!skip[1]) throw new Error(`README.md line ${block.line}: 'readme-test: skip' needs a reason (skip — why)`);
    block.skip = skip[1];
    return;
  }
  for (const directive of text.split(",").map((d) => d.trim())) {
    const needs = /^needs\s+(\S+)$/.exec(directive);
    if (directive === "serve") block.serve = true;
    else if (needs) block.needs.push(needs[1]!);
    else throw new Error(`README.md line ${block.line}: unknown readme-test directive '${directive}' (skip — why, serve, needs <command>)`);
  }
}
