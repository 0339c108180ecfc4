// Glob matching: see glob.h for the syntax, Redis's quirks and the bound.
//
// The pattern is read token by token straight from its bytes (no compiled
// form, no allocation). A token is '*' or a one-byte matcher: '?', a set
// "[...]", an escape "\x" or a literal. Where a token ends never depends on
// the text, only whether it matches does.
#include "glob.h"

#include <cstddef>

namespace ember {
namespace {

// Redis's recursion guard (stringmatchlen_impl's nesting > 1000).
constexpr size_t kMaxStarNesting = 1000;

// tolower() in the C locale, on the int a (signed) char promotes to.
inline int asciiLower(int c) { return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c; }

// Redis compares pattern and text bytes as `char`, which is signed on the
// platforms Redis ships for; ranges depend on it.
inline int signedByte(char c) { return static_cast<signed char>(c); }

inline bool sameByte(char p, char t, bool nocase) {
  return nocase ? asciiLower(signedByte(p)) == asciiLower(signedByte(t)) : p == t;
}

// Reads the one-byte token (anything but '*') that starts at pattern[p] and
// tells whether it matches `c`. Returns the position just after the token.
size_t matchToken(ByteView pattern, size_t p, char c, bool nocase, bool* matched) {
  const size_t n = pattern.size();
  switch (pattern[p]) {
    case '?':
      *matched = true;
      return p + 1;
    case '[': {
      size_t i = p + 1;
      bool negate = i < n && pattern[i] == '^';
      if (negate) i++;
      bool match = false;
      for (;; i++) {
        if (i < n && pattern[i] == '\\' && n - i >= 2) {
          i++;
          if (pattern[i] == c) match = true;  // escapes ignore nocase, as in Redis
        } else if (i < n && pattern[i] == ']') {
          break;
        } else if (i >= n) {
          // Unterminated: the set ran to the end of the pattern.
          i = n - 1;
          break;
        } else if (n - i >= 3 && pattern[i + 1] == '-') {
          int start = signedByte(pattern[i]);
          int end = signedByte(pattern[i + 2]);
          int v = signedByte(c);
          if (start > end) {
            int t = start;
            start = end;
            end = t;
          }
          if (nocase) {
            start = asciiLower(start);
            end = asciiLower(end);
            v = asciiLower(v);
          }
          i += 2;
          if (v >= start && v <= end) match = true;
        } else if (sameByte(pattern[i], c, nocase)) {
          match = true;
        }
      }
      *matched = negate ? !match : match;
      return i + 1;
    }
    case '\\':
      if (n - p >= 2) p++;
      [[fallthrough]];
    default:
      *matched = sameByte(pattern[p], c, nocase);
      return p + 1;
  }
}

// True if the pattern has more '*' groups followed by another token than
// Redis's recursion allows; such a pattern never matches in Redis.
bool exceedsStarNesting(ByteView pattern) {
  size_t stars = 0;
  for (char ch : pattern) stars += ch == '*';
  if (stars <= kMaxStarNesting) return false;  // fast path: no token walk
  size_t groups = 0;
  size_t p = 0;
  const size_t n = pattern.size();
  while (p < n) {
    if (pattern[p] == '*') {
      while (p < n && pattern[p] == '*') p++;
      if (p < n && ++groups > kMaxStarNesting) return true;
      continue;
    }
    bool ignored;
    p = matchToken(pattern, p, '\0', false, &ignored);
  }
  return false;
}

}  // namespace

bool globMatch(ByteView pattern, ByteView text, bool nocase) {
  // Redis's loop never runs on an empty text, so only an empty pattern
  // matches it.
  if (text.empty()) return pattern.empty();
  if (exceedsStarNesting(pattern)) return false;

  constexpr size_t kNone = static_cast<size_t>(-1);
  const size_t m = pattern.size();
  const size_t n = text.size();
  size_t p = 0, s = 0;
  // The backtrack point: the token after the last '*' group, and the text
  // position that group's match currently ends at.
  size_t retry_p = kNone, retry_s = 0;
  while (s < n) {
    if (p < m && pattern[p] == '*') {
      while (p < m && pattern[p] == '*') p++;
      if (p == m) return true;  // a final '*' takes the rest of the text
      retry_p = p;
      retry_s = s;
      continue;
    }
    if (p < m) {
      bool matched;
      size_t next = matchToken(pattern, p, text[s], nocase, &matched);
      if (matched) {
        p = next;
        s++;
        continue;
      }
    }
    if (retry_p == kNone) return false;
    // Let the last '*' swallow one more byte and retry what follows it.
    p = retry_p;
    s = ++retry_s;
  }
  while (p < m && pattern[p] == '*') p++;
  return p == m;
}

}  // namespace ember
