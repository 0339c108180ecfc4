// Score and range argument parsing and score formatting (zset_ranges.h).
#include "zset_ranges.h"

#include <cctype>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ember {
namespace {

// strtod over a copy (arguments are not NUL-terminated). Returns the value
// and whether the whole text was consumed; an embedded NUL stops strtod
// early, so such texts are rejected as Redis (reading C strings) does.
struct Strtod {
  double value;
  bool whole;
  bool range_error;
};
// Short plain integers ("42", "-7", "007"; at most 15 digits, so below
// 2^53) are exactly the double strtod would return, without its cost.
bool parseSmallInteger(ByteView text, double& out) {
  size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  const size_t digits = text.size() - i;
  if (digits == 0 || digits > 15) return false;
  int64_t v = 0;
  for (; i < text.size(); i++) {
    const unsigned d = static_cast<unsigned char>(text[i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  out = text[0] == '-' ? -static_cast<double>(v) : static_cast<double>(v);  // "-0" is -0.0, as strtod
  return true;
}

Strtod runStrtod(ByteView text) {
  if (double v; parseSmallInteger(text, v)) return Strtod{v, true, false};
  char small[64];
  std::string big;
  const char* s;
  if (text.size() < sizeof small) {
    std::memcpy(small, text.data(), text.size());
    small[text.size()] = '\0';
    s = small;
  } else {
    big.assign(text);
    s = big.c_str();
  }
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s, &end);
  Strtod r{v, static_cast<size_t>(end - s) == text.size(), errno == ERANGE};
  return r;
}

int compareBytes(ByteView a, ByteView b) {
  size_t n = std::min(a.size(), b.size());
  int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

std::optional<LexBound> parseLexBound(ByteView arg) {
  LexBound b;
  if (arg.empty()) return std::nullopt;
  switch (arg[0]) {
    case '+':
    case '-':
      // Redis checks that the next C-string byte is the terminator.
      if (arg.size() > 1 && arg[1] != '\0') return std::nullopt;
      b.kind = arg[0] == '+' ? LexBound::kPlusInf : LexBound::kMinusInf;
      b.exclusive = true;  // as Redis: so "- -" and "+ +" are empty ranges
      return b;
    case '(':
    case '[':
      b.kind = LexBound::kValue;
      b.exclusive = arg[0] == '(';
      b.value = arg.substr(1);
      return b;
    default:
      return std::nullopt;
  }
}

// Compares a member with a bound value, infinities included.
int compareWithBound(ByteView member, const LexBound& b) {
  if (b.kind == LexBound::kMinusInf) return 1;
  if (b.kind == LexBound::kPlusInf) return -1;
  return compareBytes(member, b.value);
}

}  // namespace

std::optional<double> parseScore(ByteView text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  Strtod r = runStrtod(text);
  if (!r.whole) return std::nullopt;
  if (r.range_error && (r.value == HUGE_VAL || r.value == -HUGE_VAL || r.value == 0)) return std::nullopt;
  if (std::isnan(r.value)) return std::nullopt;
  return r.value;
}

std::string_view formatScore(double score, char* out) {
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  // Whole scores below 1e17 are what %.17g prints as plain integer digits
  // ("-0" for negative zero). They are the common case (counters, ids,
  // timestamps) and to_chars is several times cheaper than snprintf.
  if (score == std::trunc(score) && std::fabs(score) < 1e17) {
    char* p = out;
    if (std::signbit(score)) *p++ = '-';
    const char* end = std::to_chars(p, out + kScoreTextMax, static_cast<int64_t>(std::fabs(score))).ptr;
    return std::string_view(out, static_cast<size_t>(end - out));
  }
  int n = std::snprintf(out, kScoreTextMax, "%.17g", score);
  return std::string_view(out, static_cast<size_t>(n));
}

std::optional<ScoreRange> parseScoreRange(ByteView min, ByteView max) {
  ScoreRange r;
  auto one = [](ByteView arg, double& v, bool& ex) {
    if (!arg.empty() && arg[0] == '(') {
      ex = true;
      arg.remove_prefix(1);
    }
    Strtod s = runStrtod(arg);
    if (!s.whole || std::isnan(s.value)) return false;
    v = s.value;
    return true;
  };
  if (!one(min, r.min, r.minex) || !one(max, r.max, r.maxex)) return std::nullopt;
  return r;
}

bool LexRange::gteMin(ByteView member) const {
  int c = compareWithBound(member, min);
  return min.exclusive ? c > 0 : c >= 0;
}

bool LexRange::lteMax(ByteView member) const {
  int c = compareWithBound(member, max);
  return max.exclusive ? c < 0 : c <= 0;
}

bool LexRange::empty() const {
  // Redis's zslLexValueGteMin/LteMax on the bounds themselves (sdscmplex
  // treats the infinities as the extremes).
  auto rankOf = [](const LexBound& b) { return b.kind == LexBound::kMinusInf ? 0 : b.kind == LexBound::kValue ? 1 : 2; };
  int ra = rankOf(min), rb = rankOf(max);
  int c = ra != rb ? (ra < rb ? -1 : 1) : (ra == 1 ? compareBytes(min.value, max.value) : 0);
  return c > 0 || (c == 0 && (min.exclusive || max.exclusive));
}

std::optional<LexRange> parseLexRange(ByteView min, ByteView max) {
  std::optional<LexBound> a = parseLexBound(min);
  if (!a) return std::nullopt;
  std::optional<LexBound> b = parseLexBound(max);
  if (!b) return std::nullopt;
  return LexRange{*a, *b};
}

}  // namespace ember
