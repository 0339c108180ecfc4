// Glob matching with Redis's exact semantics (util.c stringmatchlen), for
// KEYS, SCAN MATCH, COMMAND LIST FILTERBY PATTERN and, later, pub/sub
// patterns and ACL key patterns.
//
// Syntax, over binary bytes:
//   *       any run of bytes, empty included
//   ?       one byte
//   [abc]   one byte of the set; [^abc] one byte not in it; [a-z] a range
//           (bounds in either order); \x inside a set is a literal x
//   \x      a literal x (a trailing lone \ is a literal backslash)
//   other   itself (ASCII case-folded when `nocase`)
// Redis's quirks are kept on purpose, because replies must match Redis's:
//   - an empty text matches only the empty pattern ("*" does not match "");
//     KEYS and SCAN special-case the pattern "*" themselves;
//   - an unterminated set "[abc" is the set of the rest of the pattern;
//     "[a-]" is the range 'a'..']' (the '-' always forms a range when two
//     more pattern bytes follow);
//   - range bounds compare as signed chars (Redis runs on x86-64), so a
//     range with a bound >= 0x80 behaves as it does in Redis;
//   - Redis's recursion limit: a pattern with more than 1000 '*' groups
//     that are followed by something else never matches.
//
// Cost: O(|pattern| x |text|) in the worst case and O(|pattern|) extra for
// the pre-scan, no allocation, no recursion. Every token other than '*'
// consumes exactly one byte, so the classic greedy algorithm with a single
// backtrack point (the last '*' seen) is exact: when a later '*' is
// reached, retrying an earlier one can never help. Each restart moves the
// backtrack point one byte right and re-reads at most the whole pattern, so
// patterns like "*?*?*?...a" cannot go exponential as naive recursion does.
#pragma once

#include "bytes.h"

namespace ember {

bool globMatch(ByteView pattern, ByteView text, bool nocase = false);

}  // namespace ember
