// RespRequestParser: see resp_request.h.
#include "resp_request.h"

#include <algorithm>
#include <limits>

#include "errors.h"
#include "numbers.h"

namespace ember {
namespace {

constexpr std::string_view kInvalidMultibulk = "ERR Protocol error: invalid multibulk length";
constexpr std::string_view kInvalidBulk = "ERR Protocol error: invalid bulk length";

RespParse failed(std::string text) {
  RespParse r;
  r.status = RespParse::Status::kError;
  r.error = std::move(text);
  return r;
}

RespParse incomplete(size_t wanted) {
  RespParse r;
  r.status = RespParse::Status::kIncomplete;
  r.wanted = wanted;
  return r;
}

// The line of a count ("*3", "$5") starting at `at`: the position of its
// '\r' (Redis looks for '\r', then requires the '\n' after it), npos if it
// is not all there yet. `too_big` is Redis's error when the line is not
// ended within kMaxInlineBytes.
struct CountLine {
  size_t cr = ByteView::npos;
  bool too_long = false;
};
CountLine findCountLine(ByteView input, size_t at) {
  CountLine line;
  const size_t cr = input.find('\r', at);
  if (cr == ByteView::npos || cr + 1 >= input.size()) {
    line.too_long = input.size() - at > RespRequestParser::kMaxInlineBytes;
    return line;
  }
  line.cr = cr;
  return line;
}

// sdssplitargs skips isspace() bytes between words, but only these end an
// unquoted word: "a\fb" is one word ('\v' and '\f' are kept in it).
bool isSpace(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f'; }
bool endsWord(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

int hexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool splitInlineArgs(ByteView line, std::vector<std::string>& words) {
  words.clear();
  size_t p = 0;
  const size_t n = line.size();
  while (true) {
    while (p < n && isSpace(static_cast<unsigned char>(line[p]))) p++;
    if (p >= n) return true;
    std::string word;
    bool in_double = false;
    bool in_single = false;
    while (true) {
      if (in_double) {
        if (p >= n) return false;  // unterminated
        const unsigned char c = static_cast<unsigned char>(line[p]);
        if (c == '\\' && p + 3 < n && line[p + 1] == 'x' && hexValue(static_cast<unsigned char>(line[p + 2])) >= 0 &&
            hexValue(static_cast<unsigned char>(line[p + 3])) >= 0) {
          word += static_cast<char>(hexValue(static_cast<unsigned char>(line[p + 2])) * 16 +
                                    hexValue(static_cast<unsigned char>(line[p + 3])));
          p += 3;
        } else if (c == '\\' && p + 1 < n) {
          p++;
          switch (line[p]) {
            case 'n': word += '\n'; break;
            case 'r': word += '\r'; break;
            case 't': word += '\t'; break;
            case 'b': word += '\b'; break;
            case 'a': word += '\a'; break;
            default: word += line[p]; break;
          }
        } else if (c == '"') {
          // The closing quote must be followed by a space or the end.
          if (p + 1 < n && !isSpace(static_cast<unsigned char>(line[p + 1]))) return false;
          p++;
          break;
        } else {
          word += static_cast<char>(c);
        }
      } else if (in_single) {
        if (p >= n) return false;
        const char c = line[p];
        if (c == '\\' && p + 1 < n && line[p + 1] == '\'') {
          p++;
          word += '\'';
        } else if (c == '\'') {
          if (p + 1 < n && !isSpace(static_cast<unsigned char>(line[p + 1]))) return false;
          p++;
          break;
        } else {
          word += c;
        }
      } else {
        if (p >= n) break;
        const char c = line[p];
        if (endsWord(static_cast<unsigned char>(c))) break;
        if (c == '"') {
          in_double = true;
        } else if (c == '\'') {
          in_single = true;
        } else {
          word += c;
        }
      }
      p++;
    }
    words.push_back(std::move(word));
  }
}

RespParse RespRequestParser::next(ByteView input, std::vector<ByteView>& argv, const RespLimits& limits) {
  argv.clear();
  size_t start = 0;
  while (start < input.size()) {
    RespParse r = input[start] == '*' ? multibulk(input, start, argv, limits) : inlineRequest(input, start, argv, limits);
    if (r.status != RespParse::Status::kCommand) {
      // The empty requests before an incomplete one are used up.
      if (r.status == RespParse::Status::kIncomplete) r.consumed = start;
      return r;
    }
    if (!argv.empty()) return r;
    start = r.consumed;  // an empty request: skipped
  }
  RespParse r = incomplete(start + 1);
  r.consumed = start;
  return r;
}

RespParse RespRequestParser::multibulk(ByteView input, size_t start, std::vector<ByteView>& argv,
                                       const RespLimits& limits) {
  CountLine line = findCountLine(input, start);
  if (line.cr == ByteView::npos) {
    if (line.too_long) return failed("ERR Protocol error: too big mbulk count string");
    return incomplete(input.size() + 1);
  }
  std::optional<int64_t> count = parseInt64(input.substr(start + 1, line.cr - start - 1));
  if (!count || *count > std::numeric_limits<int32_t>::max()) return failed(std::string(kInvalidMultibulk));
  if (limits.unauthenticated && *count > kMaxUnauthenticatedArgs) {
    return failed("ERR Protocol error: unauthenticated multibulk length");
  }
  size_t at = line.cr + 2;
  if (*count <= 0) {
    RespParse r;
    r.status = RespParse::Status::kCommand;  // empty: argv stays empty
    r.consumed = at;
    return r;
  }
  if (static_cast<uint64_t>(*count) > limits.max_args) {
    return failed(err::overProtocolLimit("too many arguments", static_cast<uint64_t>(*count), "max-command-args",
                                         limits.max_args));
  }
  argv.reserve(std::min<size_t>(static_cast<size_t>(*count), 1024));
  for (int64_t i = 0; i < *count; i++) {
    if (at >= input.size()) return incomplete(at + 1);
    if (input[at] != '$') {
      return failed("ERR Protocol error: expected '$', got '" + std::string(1, input[at]) + "'");
    }
    line = findCountLine(input, at);
    if (line.cr == ByteView::npos) {
      if (line.too_long) return failed("ERR Protocol error: too big bulk count string");
      return incomplete(input.size() + 1);
    }
    std::optional<int64_t> length = parseInt64(input.substr(at + 1, line.cr - at - 1));
    if (!length || *length < 0 || static_cast<uint64_t>(*length) > limits.max_bulk_len) {
      return failed(std::string(kInvalidBulk));
    }
    if (limits.unauthenticated && *length > kMaxUnauthenticatedBulk) {
      return failed("ERR Protocol error: unauthenticated bulk length");
    }
    const size_t data = line.cr + 2;
    // The bulk and the two bytes after it (Redis skips them unchecked).
    const size_t end = data + static_cast<size_t>(*length) + 2;
    if (end > input.size()) return incomplete(end);
    argv.push_back(input.substr(data, static_cast<size_t>(*length)));
    at = end;
  }
  RespParse r;
  r.status = RespParse::Status::kCommand;
  r.consumed = at;
  return r;
}

RespParse RespRequestParser::inlineRequest(ByteView input, size_t start, std::vector<ByteView>& argv,
                                           const RespLimits& limits) {
  const size_t newline = input.find('\n', start);
  if (newline == ByteView::npos) {
    if (input.size() - start > kMaxInlineBytes) return failed("ERR Protocol error: too big inline request");
    return incomplete(input.size() + 1);
  }
  size_t line_end = newline;
  if (line_end > start && input[line_end - 1] == '\r') line_end--;
  if (!splitInlineArgs(input.substr(start, line_end - start), inline_words_)) {
    return failed("ERR Protocol error: unbalanced quotes in request");
  }
  if (inline_words_.size() > limits.max_args) {
    return failed(err::overProtocolLimit("too many arguments", inline_words_.size(), "max-command-args", limits.max_args));
  }
  for (const std::string& word : inline_words_) {
    if (word.size() > limits.max_bulk_len) return failed(std::string(kInvalidBulk));
    argv.push_back(word);
  }
  RespParse r;
  r.status = RespParse::Status::kCommand;
  r.consumed = newline + 1;
  return r;
}

}  // namespace ember
