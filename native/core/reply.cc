// ReplyBuilder / ReplyReader out-of-line parts: see reply.h.
#include "reply.h"

#include "numbers.h"
#include "zset_ranges.h"

namespace ember {

void ReplyBuilder::bulkInteger(int64_t v) {
  char digits[kInt64DigitsMax];
  bulk(formatInt64(v, digits));
}

ReplyValue ReplyReader::next() {
  ReplyValue v;
  v.type = static_cast<ReplyType>(*p_++);
  switch (v.type) {
    case ReplyType::kSimple:
    case ReplyType::kError:
    case ReplyType::kBulk: {
      uint32_t n;
      std::memcpy(&n, p_, sizeof n);
      p_ += sizeof n;
      v.str = std::string_view(p_, n);
      p_ += n;
      break;
    }
    case ReplyType::kInteger:
      std::memcpy(&v.integer, p_, sizeof v.integer);
      p_ += sizeof v.integer;
      break;
    case ReplyType::kDouble:
      std::memcpy(&v.dbl, p_, sizeof v.dbl);
      p_ += sizeof v.dbl;
      break;
    case ReplyType::kScore:
      std::memcpy(&v.dbl, p_, sizeof v.dbl);
      p_ += sizeof v.dbl;
      if (!resp3_types_) {
        static_assert(sizeof score_text_ >= kScoreTextMax);
        v.type = ReplyType::kBulk;
        v.str = formatScore(v.dbl, score_text_);
      }
      break;
    case ReplyType::kPairs:
      std::memcpy(&v.count, p_, sizeof v.count);
      p_ += sizeof v.count;
      if (!resp3_types_) {
        v.type = ReplyType::kArray;
        v.count *= 2;
      }
      break;
    case ReplyType::kBoolean:
      v.boolean = *p_++ != 0;
      break;
    case ReplyType::kArray:
    case ReplyType::kMap:
    case ReplyType::kSet:
    case ReplyType::kPush:
      std::memcpy(&v.count, p_, sizeof v.count);
      p_ += sizeof v.count;
      break;
    case ReplyType::kNull:
    case ReplyType::kNullArray:
      break;
  }
  return v;
}

}  // namespace ember
