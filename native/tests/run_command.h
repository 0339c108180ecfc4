// Test helper: runs a command on a Store and renders its reply as text,
// so that tests can compare replies in one CHECK_EQ.
#pragma once

#include <string>
#include <vector>

#include "core/reply.h"
#include "core/store.h"

namespace ember::test {

// Renders a reply value: "+simple", "-error", ":int", the bulk itself,
// "(nil)", or an aggregate's values (nested ones too) joined by spaces.
inline void renderValue(ReplyReader& reader, const ReplyValue& v, std::string& out) {
  switch (v.type) {
    case ReplyType::kSimple:
      out += "+" + std::string(v.str);
      return;
    case ReplyType::kError:
      out += "-" + std::string(v.str);
      return;
    case ReplyType::kInteger:
      out += ":" + std::to_string(v.integer);
      return;
    case ReplyType::kBulk:
      out += std::string(v.str);
      return;
    case ReplyType::kArray:
    case ReplyType::kMap:
    case ReplyType::kSet: {
      uint32_t n = v.type == ReplyType::kMap ? v.count * 2 : v.count;
      for (uint32_t i = 0; i < n; i++) {
        if (i) out += ' ';
        renderValue(reader, reader.next(), out);
      }
      return;
    }
    default:
      out += "(nil)";
  }
}

// Runs one command and renders its reply (renderValue).
inline std::string call(Store& store, const std::vector<std::string>& args, int db = 0) {
  std::vector<ByteView> argv(args.begin(), args.end());
  ReplyBuilder out;
  store.execute(argv, out, db);
  ReplyReader reader(out.bytes());
  std::string text;
  renderValue(reader, reader.next(), text);
  return text;
}

}  // namespace ember::test
