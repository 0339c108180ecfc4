// Number parsing and formatting: see numbers.h.
#include "numbers.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ember {

std::optional<int64_t> parseInt64(ByteView text) {
  size_t n = text.size();
  if (n == 0 || n > 20) return std::nullopt;
  const char* p = text.data();
  if (n == 1 && p[0] == '0') return 0;
  bool negative = false;
  size_t i = 0;
  if (p[0] == '-') {
    negative = true;
    i = 1;
    if (n == 1) return std::nullopt;
  }
  // First digit 1..9: rejects "0123", "-0" and "+1".
  if (p[i] < '1' || p[i] > '9') return std::nullopt;
  uint64_t magnitude = 0;
  for (; i < n; i++) {
    char c = p[i];
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (UINT64_MAX - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  if (negative) {
    if (magnitude > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - magnitude);
  }
  if (magnitude > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(magnitude);
}

namespace {

// Copies `text` into a NUL-terminated stack buffer for strtod/strtold, which
// need one. Redis caps float text at 5 KiB; so do we.
constexpr size_t kMaxFloatText = 5 * 1024;

}  // namespace

namespace {

// Redis's string2ld / string2d: the whole text must be read by strtold /
// strtod, with no leading space; an overflow to infinity or an underflow to
// zero is rejected (a literal "inf" is accepted), and so is NaN.
template <class Float>
std::optional<Float> parseFloating(ByteView text, Float (*convert)(const char*, char**), Float huge) {
  if (text.empty() || text.size() >= kMaxFloatText) return std::nullopt;
  char buf[kMaxFloatText];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (std::isspace(static_cast<unsigned char>(buf[0]))) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  Float v = convert(buf, &end);
  if (static_cast<size_t>(end - buf) != text.size()) return std::nullopt;
  if (errno == ERANGE && (v == huge || v == -huge || std::fpclassify(v) == FP_ZERO)) return std::nullopt;
  if (errno == EINVAL || std::isnan(v)) return std::nullopt;
  return v;
}

}  // namespace

std::optional<long double> parseLongDouble(ByteView text) {
  return parseFloating<long double>(text, std::strtold, HUGE_VALL);
}

std::string_view formatInt64(int64_t v, char* out) {
  char tmp[kInt64DigitsMax];
  size_t n = 0;
  uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    tmp[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  size_t len = 0;
  if (v < 0) out[len++] = '-';
  while (n) out[len++] = tmp[--n];
  return std::string_view(out, len);
}

std::string formatLongDoubleHuman(long double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // %.17Lf of the largest long double is ~4950 digits; size the buffer for it.
  std::string buf(kMaxFloatText + 32, '\0');
  int len = std::snprintf(buf.data(), buf.size(), "%.17Lf", v);
  if (len < 0) return "0";
  size_t l = static_cast<size_t>(len);
  if (buf.find('.', 0) < l) {
    while (l > 0 && buf[l - 1] == '0') l--;
    if (l > 0 && buf[l - 1] == '.') l--;
  }
  buf.resize(l);
  if (buf == "-0") buf = "0";
  return buf;
}

}  // namespace ember
