// Python's json.dumps(obj, sort_keys=True, separators=(",", ":")) with ensure_ascii=True, so the
// Node reference adapters (tcf/reference, gpp/reference) print lines byte-identical to the Python
// codecs' canonical JSON.
export function canonicalJson(value) {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${asciiJson(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return typeof value === 'string' ? asciiJson(value) : JSON.stringify(value);
}

function asciiJson(text) {
  // Python escapes everything outside printable ASCII, DEL included; JSON.stringify keeps those raw.
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

// Answers every stdin line with handler(line) as soon as it is read, so one process serves
// thousands of requests; a line that throws answers {"error": ..., "input": line}. The exit status
// is 1 when any line failed.
export async function serve(handler) {
  const { createInterface } = await import('node:readline');
  let failed = false;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    let answer;
    try {
      answer = handler(line);
    } catch (err) {
      failed = true;
      answer = { error: { message: String(err?.message ?? err), name: String(err?.name ?? 'Error') }, input: line };
    }
    process.stdout.write(`${canonicalJson(answer)}\n`);
  }
  process.exitCode = failed ? 1 : 0;
}

// Operations per second of fn over `seconds`, after a warm-up so the JIT has compiled the hot path.
export function opsPerSecond(fn, seconds) {
  const warmupEnd = performance.now() + 200;
  while (performance.now() < warmupEnd) fn();
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 50; i++) fn();
    ops += 50;
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
}
