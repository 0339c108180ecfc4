// RespWriter: see resp_writer.h.
#include "resp_writer.h"

#include "numbers.h"
#include "zset_ranges.h"

namespace ember {
namespace {

void appendNumberLine(char type, int64_t n, std::string& out) {
  char digits[kInt64DigitsMax];
  out += type;
  out += formatInt64(n, digits);
  out += "\r\n";
}

void appendBulk(std::string_view bytes, std::string& out) {
  appendNumberLine('$', static_cast<int64_t>(bytes.size()), out);
  out.append(bytes);
  out += "\r\n";
}

void writeValue(ReplyReader& reader, const ReplyValue& v, int protocol, std::string& out) {
  const bool resp3 = protocol >= 3;
  switch (v.type) {
    case ReplyType::kSimple:
      out += '+';
      out.append(v.str);
      out += "\r\n";
      return;
    case ReplyType::kError:
      out += '-';
      out.append(v.str);
      out += "\r\n";
      return;
    case ReplyType::kInteger:
      appendNumberLine(':', v.integer, out);
      return;
    case ReplyType::kDouble: {
      char text[kScoreTextMax];
      const std::string_view formatted = formatScore(v.dbl, text);
      if (resp3) {
        out += ',';
        out.append(formatted);
        out += "\r\n";
      } else {
        appendBulk(formatted, out);
      }
      return;
    }
    case ReplyType::kBulk:
      appendBulk(v.str, out);
      return;
    case ReplyType::kNull:
      out += resp3 ? "_\r\n" : "$-1\r\n";
      return;
    case ReplyType::kNullArray:
      out += resp3 ? "_\r\n" : "*-1\r\n";
      return;
    case ReplyType::kBoolean:
      if (resp3) {
        out += v.boolean ? "#t\r\n" : "#f\r\n";
      } else {
        out += v.boolean ? ":1\r\n" : ":0\r\n";
      }
      return;
    case ReplyType::kArray:
    case ReplyType::kSet:
    case ReplyType::kPush:
      appendNumberLine(!resp3 ? '*' : v.type == ReplyType::kSet ? '~' : v.type == ReplyType::kPush ? '>' : '*', v.count, out);
      for (uint32_t i = 0; i < v.count; i++) writeValue(reader, reader.next(), protocol, out);
      return;
    case ReplyType::kScore: {  // only read as such for RESP3 (ReplyReader)
      char text[kScoreTextMax];
      out += ',';
      out.append(formatScore(v.dbl, text));
      out += "\r\n";
      return;
    }
    case ReplyType::kPairs:  // RESP3: each pair a 2-element array
      appendNumberLine('*', v.count, out);
      for (uint32_t i = 0; i < v.count; i++) {
        out += "*2\r\n";
        writeValue(reader, reader.next(), protocol, out);
        writeValue(reader, reader.next(), protocol, out);
      }
      return;
    case ReplyType::kMap: {
      const int64_t elements = int64_t{v.count} * 2;
      if (resp3) {
        appendNumberLine('%', v.count, out);
      } else {
        appendNumberLine('*', elements, out);
      }
      for (int64_t i = 0; i < elements; i++) writeValue(reader, reader.next(), protocol, out);
      return;
    }
  }
}

}  // namespace

void writeResp(ReplyReader& reader, int protocol, std::string& out) { writeValue(reader, reader.next(), protocol, out); }

void writeRespAll(std::string_view stream, int protocol, std::string& out) {
  ReplyReader reader(stream, /*resp3_types=*/protocol >= 3);
  while (!reader.atEnd()) writeResp(reader, protocol, out);
}

}  // namespace ember
