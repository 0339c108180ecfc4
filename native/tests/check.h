// A tiny unit-test harness for the native core: TEST(name) registers a test,
// CHECK / CHECK_EQ record a failure (file:line, expression, values) and go on,
// REQUIRE / REQUIRE_EQ also abandon the current test. Include it from exactly
// one file per test executable: that file gets main(), which runs every test
// (or those whose name contains argv[1]), and ends with the line
// "N passed, N failed", exiting non-zero if any test failed.
//
// Failure output is capped per test, so a CHECK that fails inside a loop of a
// million iterations reports a screenful, not a million lines.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace check {

struct TestCase {
  const char* name;
  void (*fn)();
};

inline std::vector<TestCase>& registry() {
  static std::vector<TestCase> tests;
  return tests;
}

struct Registrar {
  Registrar(const char* name, void (*fn)()) { registry().push_back({name, fn}); }
};

// Failures of the test that is running.
inline size_t& currentFailures() {
  static size_t failures = 0;
  return failures;
}

constexpr size_t kMaxReportsPerTest = 20;

// Thrown by REQUIRE to abandon a test; caught by the runner.
struct Abort {};

inline void report(const char* file, int line, const std::string& what) {
  size_t n = ++currentFailures();
  if (n <= kMaxReportsPerTest) {
    std::fprintf(stderr, "  %s:%d: FAILED %s\n", file, line, what.c_str());
  } else if (n == kMaxReportsPerTest + 1) {
    std::fprintf(stderr, "  (further failures in this test not shown)\n");
  }
}

// Byte strings are shown quoted with non-printable bytes escaped, since
// binary keys (NUL included) are common in these tests.
inline std::string quoteBytes(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out + "\"";
}

template <class V>
std::string show(const V& v) {
  if constexpr (std::is_convertible_v<const V&, std::string_view>) {
    return quoteBytes(std::string_view(v));
  } else if constexpr (std::is_same_v<V, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_same_v<V, std::nullptr_t>) {
    return "nullptr";
  } else if constexpr (requires(std::ostream& os) { os << v; }) {
    std::ostringstream os;
    if constexpr (std::is_same_v<V, char> || std::is_same_v<V, signed char> ||
                  std::is_same_v<V, unsigned char>) {
      os << static_cast<int>(v);
    } else {
      os << v;
    }
    return os.str();
  } else {
    return "<unprintable>";
  }
}

template <class A, class B>
bool equal(const A& a, const B& b) {
  if constexpr (std::is_integral_v<A> && std::is_integral_v<B>) {
    return std::cmp_equal(a, b);  // no signed/unsigned surprises
  } else {
    return a == b;
  }
}

template <class A, class B>
bool checkEq(const char* file, int line, const char* ea, const char* eb, const A& a, const B& b) {
  if (equal(a, b)) return true;
  report(file, line,
         std::string("CHECK_EQ(") + ea + ", " + eb + "): " + show(a) + " != " + show(b));
  return false;
}

inline int runAll(int argc, char** argv) {
  const char* filter = argc > 1 ? argv[1] : nullptr;
  size_t passed = 0, failed = 0;
  for (const TestCase& test : registry()) {
    if (filter && !std::strstr(test.name, filter)) continue;
    currentFailures() = 0;
    std::fprintf(stderr, "[ RUN  ] %s\n", test.name);
    const auto start = std::chrono::steady_clock::now();
    try {
      test.fn();
    } catch (const Abort&) {
      // already reported
    } catch (const std::exception& e) {
      report(__FILE__, __LINE__, std::string("uncaught exception: ") + e.what());
    } catch (...) {
      report(__FILE__, __LINE__, "uncaught exception of unknown type");
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    if (currentFailures() == 0) {
      passed++;
      std::fprintf(stderr, "[  OK  ] %s (%lld ms)\n", test.name, static_cast<long long>(ms));
    } else {
      failed++;
      std::fprintf(stderr, "[ FAIL ] %s (%zu failures)\n", test.name, currentFailures());
    }
  }
  std::fflush(stderr);
  std::printf("%zu passed, %zu failed\n", passed, failed);
  return failed ? 1 : 0;
}

}  // namespace check

#define CHECK_CONCAT_INNER(a, b) a##b
#define CHECK_CONCAT(a, b) CHECK_CONCAT_INNER(a, b)

#define TEST(name)                                                      \
  static void CHECK_CONCAT(test_, name)();                              \
  static ::check::Registrar CHECK_CONCAT(registrar_, name)(#name,       \
                                                           &CHECK_CONCAT(test_, name)); \
  static void CHECK_CONCAT(test_, name)()

// Variadic so that a condition with a template comma needs no parentheses.
#define CHECK(...)                                                                  \
  do {                                                                              \
    if (!(__VA_ARGS__)) ::check::report(__FILE__, __LINE__, "CHECK(" #__VA_ARGS__ ")"); \
  } while (0)

#define CHECK_EQ(a, b) ((void)::check::checkEq(__FILE__, __LINE__, #a, #b, (a), (b)))

#define REQUIRE(...)                                                        \
  do {                                                                      \
    if (!(__VA_ARGS__)) {                                                   \
      ::check::report(__FILE__, __LINE__, "REQUIRE(" #__VA_ARGS__ ")");     \
      throw ::check::Abort{};                                               \
    }                                                                       \
  } while (0)

#define REQUIRE_EQ(a, b)                                                  \
  do {                                                                    \
    if (!::check::checkEq(__FILE__, __LINE__, #a, #b, (a), (b))) throw ::check::Abort{}; \
  } while (0)

#ifndef CHECK_NO_MAIN
int main(int argc, char** argv) { return ::check::runAll(argc, argv); }
#endif
