// Unit tests of the glob matcher (core/glob.h): a table of cases whose
// expected results were checked against redis-server 7.0.15 (KEYS), the
// nocase flag, Redis's recursion limit, a cross-check against a simple
// recursive reference matcher on random patterns, and adversarial patterns
// that make naive backtracking exponential.
#include <cstdint>
#include <random>
#include <string>

#include "check.h"
#include "core/glob.h"

using namespace ember;

namespace {

#define B(s) ::ember::ByteView(s, sizeof(s) - 1)

struct Case {
  ByteView pattern;
  ByteView text;
  bool match;
};

// Expected values from redis-server 7.0.15 (`SET text 1` then `KEYS
// pattern`; for the pattern "*", which KEYS special-cases, Redis's
// stringmatchlen result).
const Case kRedisCases[] = {
    {B("*"), B("abc"), true},
    {B("*"), B(""), false},
    {B("**"), B(""), false},
    {B(""), B(""), true},
    {B(""), B("a"), false},
    {B("a*"), B("a"), true},
    {B("*a"), B("a"), true},
    {B("a*b"), B("ab"), true},
    {B("a*b"), B("axxb"), true},
    {B("a*b"), B("axxbc"), false},
    {B("?"), B("a"), true},
    {B("?"), B(""), false},
    {B("??"), B("a"), false},
    {B("a?c"), B("abc"), true},
    {B("a?c"), B("ac"), false},
    {B("[abc]"), B("b"), true},
    {B("[abc]"), B("d"), false},
    {B("[^abc]"), B("d"), true},
    {B("[^abc]"), B("a"), false},
    {B("[a-c]"), B("b"), true},
    {B("[c-a]"), B("b"), true},
    {B("[a-c]"), B("d"), false},
    {B("[a-]"), B("a"), true},
    {B("[a-]"), B("-"), false},
    {B("[a-]"), B("_"), true},
    {B("[a-]"), B("b"), false},
    {B("[]"), B("a"), false},
    {B("[^]"), B("a"), true},
    {B("["), B("a"), false},
    {B("[^"), B("x"), true},
    {B("[abc"), B("c"), true},
    {B("[abc"), B("abc"), false},
    {B("[\\]]"), B("]"), true},
    {B("[\\"), B("\\"), true},
    {B("[a\\-z]"), B("-"), true},
    {B("[a\\-z]"), B("b"), false},
    {B("\\*"), B("*"), true},
    {B("\\*"), B("a"), false},
    {B("a\\"), B("a\\"), true},
    {B("\\"), B("\\"), true},
    {B("\\a"), B("a"), true},
    {B("[]a]"), B("a"), false},
    {B("[]a]"), B("]"), false},
    {B("[]a]"), B("]a]"), false},
    {B("h[ae]llo"), B("hello"), true},
    {B("h[^e]llo"), B("hallo"), true},
    {B("h*llo"), B("heeeello"), true},
    {B("*.txt"), B("a.txt"), true},
    {B("*.txt"), B("a.txtx"), false},
    {B("a*b*c"), B("abc"), true},
    {B("a*b*c"), B("aXbXc"), true},
    {B("a*b*c"), B("acb"), false},
    {B("*a*a*a*"), B("aaa"), true},
    {B("*a*a*a*"), B("aa"), false},
    {B("A"), B("a"), false},
    {B("[A-Z]"), B("a"), false},
    {B("\x00"""), B("\x00"""), true},
    {B("?"), B("\xff"""), true},
    {B("[\x00""-\xff""]"), B("a"), false},
    {B("[\x00""-\xff""]"), B("\x00"""), true},
    {B("[\x00""-\xff""]"), B("\xff"""), true},
    {B("[\x00""-\xff""]"), B("\x80"""), false},
    {B("[a-\xff""]"), B("b"), false},
    {B("[a-\xff""]"), B("\xff"""), true},
    {B("[a-\xff""]"), B("\x00"""), true},
    {B("[\x80""-\xff""]"), B("\x90"""), true},
    {B("[\x80""-\xff""]"), B("a"), false},
    {B("a*\x00"""), B("abc\x00"""), true},
};

// An independent, deliberately naive reference: Redis's token rules, with a
// '*' tried at every split by recursion (exponential in the worst case, so
// only used on short inputs). Returns the match for a non-empty text.
size_t tokenEnd(ByteView p, size_t i, char c, bool nocase, bool* ok);

int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

bool refRest(ByteView p, size_t i, ByteView t, size_t j, bool nocase) {
  if (i == p.size()) return j == t.size();
  if (p[i] == '*') {
    while (i < p.size() && p[i] == '*') i++;
    for (size_t k = j; k <= t.size(); k++) {
      if (refRest(p, i, t, k, nocase)) return true;
    }
    return false;
  }
  if (j == t.size()) return false;
  bool ok = false;
  size_t next = tokenEnd(p, i, t[j], nocase, &ok);
  return ok && refRest(p, next, t, j + 1, nocase);
}

size_t tokenEnd(ByteView p, size_t i, char c, bool nocase, bool* ok) {
  auto same = [&](char a, char b) {
    return nocase ? lower(static_cast<signed char>(a)) == lower(static_cast<signed char>(b)) : a == b;
  };
  if (p[i] == '?') {
    *ok = true;
    return i + 1;
  }
  if (p[i] == '\\') {
    if (i + 1 < p.size()) i++;
    *ok = same(p[i], c);
    return i + 1;
  }
  if (p[i] != '[') {
    *ok = same(p[i], c);
    return i + 1;
  }
  size_t k = i + 1;
  bool neg = k < p.size() && p[k] == '^';
  if (neg) k++;
  bool m = false;
  while (k < p.size() && p[k] != ']') {
    if (p[k] == '\\' && k + 1 < p.size()) {
      m |= p[k + 1] == c;
      k += 2;
    } else if (k + 2 < p.size() && p[k + 1] == '-') {
      int a = static_cast<signed char>(p[k]), b = static_cast<signed char>(p[k + 2]);
      int v = static_cast<signed char>(c);
      if (a > b) std::swap(a, b);
      if (nocase) a = lower(a), b = lower(b), v = lower(v);
      m |= v >= a && v <= b;
      k += 3;
    } else {
      m |= same(p[k], c);
      k++;
    }
  }
  *ok = neg ? !m : m;
  return k < p.size() ? k + 1 : p.size();
}

bool reference(ByteView p, ByteView t, bool nocase) {
  if (t.empty()) return p.empty();
  return refRest(p, 0, t, 0, nocase);
}

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; i++) out += s;
  return out;
}

}  // namespace

TEST(glob_matches_redis_on_known_cases) {
  for (const Case& c : kRedisCases) {
    if (globMatch(c.pattern, c.text) != c.match) {
      CHECK_EQ(std::string(c.pattern) + " ~ " + std::string(c.text), std::string(c.match ? "match" : "no match"));
    }
  }
}

TEST(glob_empty_text_matches_only_empty_pattern) {
  CHECK(globMatch("", ""));
  CHECK(!globMatch("*", ""));
  CHECK(!globMatch("**", ""));
  CHECK(!globMatch("?", ""));
  CHECK(globMatch("*", "x"));
}

TEST(glob_nocase) {
  CHECK(globMatch("HELLO", "hello", true));
  CHECK(!globMatch("HELLO", "hello", false));
  CHECK(globMatch("h[A-Z]llo", "hello", true));
  CHECK(globMatch("H[^X]LLO", "hello", true));
  CHECK(!globMatch("H[^E]LLO", "hello", true));
  CHECK(globMatch("[abc]", "B", true));
  // Escapes inside a set compare exactly, as in Redis.
  CHECK(!globMatch("[\\A]", "a", true));
  // Only ASCII letters fold.
  CHECK(!globMatch("\xc3\x89", "\xc3\xa9", true));
}

TEST(glob_star_nesting_limit_as_redis) {
  // Redis gives up past 1000 nested '*' groups (each followed by more
  // pattern); a final '*' group does not nest.
  std::string text(1002, 'a');
  CHECK(globMatch(repeat("a*", 1001), text));   // 1000 nested + final
  CHECK(!globMatch(repeat("a*", 1002), text));  // 1001 nested
  CHECK(globMatch(repeat("*a", 1000), text));
  CHECK(!globMatch(repeat("*a", 1001), text));
  // Stars inside sets or escaped do not count.
  CHECK(globMatch(repeat("[*]", 1100), std::string(1100, '*')));
  CHECK(globMatch(repeat("\\*", 1100), std::string(1100, '*')));
}

TEST(glob_agrees_with_reference_on_random_inputs) {
  std::mt19937_64 rng(12345);
  const char pattern_alphabet[] = {'a', 'b', 'A', '*', '?', '[', ']', '^', '-', '\\', '\0', '\x80', '\xff'};
  const char text_alphabet[] = {'a', 'b', 'A', 'B', '*', '[', ']', '-', '\\', '\0', '\x80', '\xff', '_'};
  for (int round = 0; round < 200000; round++) {
    std::string p, t;
    for (size_t n = rng() % 9; n > 0; n--) p.push_back(pattern_alphabet[rng() % sizeof pattern_alphabet]);
    for (size_t n = rng() % 8; n > 0; n--) t.push_back(text_alphabet[rng() % sizeof text_alphabet]);
    bool nocase = rng() % 4 == 0;
    if (globMatch(p, t, nocase) != reference(p, t, nocase)) {
      CHECK_EQ(p + " ~ " + t + (nocase ? " (nocase)" : ""), std::string(reference(p, t, nocase) ? "match" : "no match"));
    }
  }
}

// Patterns that take exponential time with naive backtracking. The bound
// is O(|pattern| * |text|), so each of these finishes in well under a
// second; an exponential matcher would not finish at all.
TEST(glob_adversarial_patterns_stay_polynomial) {
  std::string text(100000, 'a');
  CHECK(!globMatch(repeat("*?", 500) + "b", text));
  CHECK(!globMatch(repeat("a*", 500) + "b", text));
  CHECK(!globMatch(repeat("*a", 900) + "*b", text));
  CHECK(globMatch(repeat("*a", 900) + "*", text));
  std::string sets = repeat("*[a-z]", 400) + "[0-9]";
  CHECK(!globMatch(sets, text));
  CHECK(globMatch(sets, text + "7"));
  // Long set tokens re-read at every restart: still bounded by |p| * |t|.
  std::string wide = "*[" + std::string(2000, 'x') + "a]b";
  CHECK(!globMatch(wide, std::string(2000, 'a')));
}
