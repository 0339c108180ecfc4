/** Glob matching: stringmatchlen() from Redis's util.c, byte for byte. */

const signed = (b) => (b > 127 ? b - 256 : b);

/** KEYS and SCAN skip matching for the pattern "*" (so it, unlike "**", matches the empty key). */
export const keyMatches = (pattern, key) => (pattern.length === 1 && pattern[0] === 0x2a) || globMatch(pattern, key);

export function globMatch(pattern, string, nesting = 0) {
  if (nesting > 1000) return false;
  let p = 0;
  let plen = pattern.length;
  let s = 0;
  let slen = string.length;
  const pat = (i) => (i < pattern.length ? pattern[i] : 0); // sds strings end in NUL
  while (plen && slen) {
    switch (pat(p)) {
      case 0x2a: // '*'
        while (plen && pat(p + 1) === 0x2a) {
          p++;
          plen--;
        }
        if (plen === 1) return true;
        while (slen) {
          if (globMatch(pattern.subarray(p + 1, p + plen), string.subarray(s, s + slen), nesting + 1)) return true;
          s++;
          slen--;
        }
        return false;
      case 0x3f: // '?'
        s++;
        slen--;
        break;
      case 0x5b: { // '['
        p++;
        plen--;
        const not = pat(p) === 0x5e;
        if (not) {
          p++;
          plen--;
        }
        let match = false;
        for (;;) {
          if (pat(p) === 0x5c && plen >= 2) {
            p++;
            plen--;
            if (pat(p) === string[s]) match = true;
          } else if (pat(p) === 0x5d) {
            break;
          } else if (plen === 0) {
            p--;
            plen++;
            break;
          } else if (plen >= 3 && pat(p + 1) === 0x2d) {
            let start = signed(pat(p));
            let end = signed(pat(p + 2));
            const c = signed(string[s]);
            if (start > end) [start, end] = [end, start];
            p += 2;
            plen -= 2;
            if (c >= start && c <= end) match = true;
          } else if (pat(p) === string[s]) {
            match = true;
          }
          p++;
          plen--;
        }
        if (not) match = !match;
        if (!match) return false;
        s++;
        slen--;
        break;
      }
      case 0x5c: // '\\'
        if (plen >= 2) {
          p++;
          plen--;
        }
      // falls through
      default:
        if (pat(p) !== string[s]) return false;
        s++;
        slen--;
        break;
    }
    p++;
    plen--;
    if (slen === 0) {
      while (pat(p) === 0x2a) {
        p++;
        plen--;
      }
      break;
    }
  }
  return plen === 0 && slen === 0;
}
