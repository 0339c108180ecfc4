/**
 * Splits a command line into arguments the way redis-cli does (Redis's
 * sdssplitargs): whitespace separates; "double quotes" take the escapes
 * \n \r \t \b \a \\ \" and \xHH; 'single quotes' take \' only; a closing
 * quote must be followed by whitespace or the end. Returns null for an
 * unbalanced or badly closed quote.
 */
const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, a: 7 };

export function splitArgs(line: string): Buffer[] | null {
  const input = Buffer.from(line, 'utf8');
  const args: Buffer[] = [];
  let i = 0;
  const isSpace = (c: number | undefined) => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
  const isHex = (c: number | undefined) =>
    c !== undefined && ((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102));
  for (;;) {
    while (isSpace(input[i])) i++;
    if (i >= input.length) return args;
    const bytes: number[] = [];
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const c = input[i];
      if (inDouble) {
        if (c === undefined) return null;
        if (c === 92 && input[i + 1] === 120 && isHex(input[i + 2]) && isHex(input[i + 3])) {
          bytes.push(parseInt(String.fromCharCode(input[i + 2]!, input[i + 3]!), 16));
          i += 4;
          continue;
        }
        if (c === 92 && input[i + 1] !== undefined) {
          const next = input[i + 1]!;
          bytes.push(ESCAPES[String.fromCharCode(next)] ?? next);
          i += 2;
          continue;
        }
        if (c === 34) {
          if (input[i + 1] !== undefined && !isSpace(input[i + 1])) return null;
          inDouble = false;
          i++;
          break;
        }
        bytes.push(c);
        i++;
      } else if (inSingle) {
        if (c === undefined) return null;
        if (c === 92 && input[i + 1] === 39) {
          bytes.push(39);
          i += 2;
          continue;
        }
        if (c === 39) {
          if (input[i + 1] !== undefined && !isSpace(input[i + 1])) return null;
          inSingle = false;
          i++;
          break;
        }
        bytes.push(c);
        i++;
      } else {
        if (c === undefined || isSpace(c)) break;
        if (c === 34) inDouble = true;
        else if (c === 39) inSingle = true;
        else bytes.push(c);
        i++;
      }
    }
    args.push(Buffer.from(bytes));
  }
}
