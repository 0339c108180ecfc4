// renderReply: see reply_to_js.h.
#include "reply_to_js.h"

#include <cstring>

namespace ember::binding {
namespace {

constexpr int64_t kMaxSafeInteger = 9007199254740991;

bool isAscii(std::string_view s) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  size_t i = 0;
  // Eight bytes at a time: any byte with its top bit set is not ASCII.
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, sizeof word);
    if (word & 0x8080808080808080ull) return false;
  }
  for (; i < n; i++) {
    if (p[i] & 0x80) return false;
  }
  return true;
}

napi_value makeString(napi_env env, std::string_view s) {
  napi_value out = nullptr;
  // One-byte (Latin-1) creation skips UTF-8 decoding; for ASCII the result
  // is the same string.
  if (isAscii(s)) {
    napi_create_string_latin1(env, s.data(), s.size(), &out);
  } else {
    napi_create_string_utf8(env, s.data(), s.size(), &out);
  }
  return out;
}

}  // namespace

napi_value makeEmberError(napi_env env, napi_ref error_class, std::string_view message) {
  napi_value constructor = nullptr;
  if (!error_class || napi_get_reference_value(env, error_class, &constructor) != napi_ok || !constructor) {
    // setErrorClass was never called: a plain Error still carries the text.
    napi_value text = makeString(env, message);
    napi_value error = nullptr;
    napi_create_error(env, nullptr, text, &error);
    return error;
  }
  napi_value text = makeString(env, message);
  napi_value error = nullptr;
  if (napi_new_instance(env, constructor, 1, &text, &error) != napi_ok) return nullptr;
  return error;
}

napi_value renderReply(napi_env env, ReplyReader& reader, const RenderOptions& options) {
  ReplyValue v = reader.next();
  napi_value out = nullptr;
  switch (v.type) {
    case ReplyType::kSimple:
      return makeString(env, v.str);
    case ReplyType::kBulk:
      if (options.bulk_as_buffer) {
        void* copy_at = nullptr;
        napi_create_buffer_copy(env, v.str.size(), v.str.data(), &copy_at, &out);
        return out;
      }
      return makeString(env, v.str);
    case ReplyType::kError:
      return makeEmberError(env, options.error_class, v.str);
    case ReplyType::kInteger:
      if (v.integer >= -kMaxSafeInteger && v.integer <= kMaxSafeInteger) {
        napi_create_int64(env, v.integer, &out);
      } else {
        napi_create_bigint_int64(env, v.integer, &out);
      }
      return out;
    case ReplyType::kDouble:
      napi_create_double(env, v.dbl, &out);
      return out;
    case ReplyType::kBoolean:
      napi_get_boolean(env, v.boolean, &out);
      return out;
    case ReplyType::kNull:
    case ReplyType::kNullArray:
      napi_get_null(env, &out);
      return out;
    case ReplyType::kScore:  // ReplyReader shows these as kBulk / kArray here
    case ReplyType::kPairs:
      break;
    case ReplyType::kArray:
    case ReplyType::kSet:
    case ReplyType::kPush:
    case ReplyType::kMap: {
      uint32_t length = v.type == ReplyType::kMap ? v.count * 2 : v.count;
      napi_create_array_with_length(env, length, &out);
      for (uint32_t i = 0; i < length; i++) {
        napi_value element = renderReply(env, reader, options);
        if (!element) return nullptr;
        napi_set_element(env, out, i, element);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace ember::binding
