// ArgumentList: see args.h.
#include "args.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <cmath>

#include "core/numbers.h"

namespace ember::binding {

char* ArgumentList::arenaRoom(size_t room) {
  if (arena_capacity_ - arena_size_ < room) {
    size_t grown = std::max(arena_capacity_ * 2, arena_size_ + room);
    auto fresh = std::make_unique_for_overwrite<char[]>(grown);
    const char* old = arena_.get();
    if (arena_size_) std::memcpy(fresh.get(), old, arena_size_);
    for (ByteView& v : views_) {
      if (old && v.data() >= old && v.data() <= old + arena_size_) v = ByteView(fresh.get() + (v.data() - old), v.size());
    }
    arena_ = std::move(fresh);
    arena_capacity_ = grown;
  }
  return arena_.get() + arena_size_;
}

void ArgumentList::addArena(const char* data, size_t length) {
  char* at = arenaRoom(length);
  std::memcpy(at, data, length);
  views_.emplace_back(at, length);
  arena_size_ += length;
}

// Appends `value` if it is a string; false (and nothing appended) if not.
//
// The string is read as UTF-16 (a plain copy or widening inside V8) and
// encoded to UTF-8 here, with an ASCII fast path: that is several times
// cheaper than V8's WriteUtf8 for the short keys and values commands carry.
// Lone surrogates become U+FFFD, exactly as napi_get_value_string_utf8
// would write them.
bool ArgumentList::addString(napi_env env, napi_value value) {
  size_t units = 0;
  if (utf16_.size() < 256) utf16_.resize(256);
  if (napi_get_value_string_utf16(env, value, utf16_.data(), utf16_.size(), &units) != napi_ok) return false;
  if (units + 1 >= utf16_.size()) {
    // Possibly cut short (napi truncates silently): measure and redo.
    if (napi_get_value_string_utf16(env, value, nullptr, 0, &units) != napi_ok) return false;
    utf16_.resize(units + 1);
    if (napi_get_value_string_utf16(env, value, utf16_.data(), utf16_.size(), &units) != napi_ok) return false;
  }
  // At most 3 UTF-8 bytes per UTF-16 unit (a surrogate pair: 4 for 2). At
  // least 1, so that even an empty string's view points into the arena
  // (never a null pointer, which memcpy must not be given).
  char* out = arenaRoom(units * 3 + 1);
  char* const start = out;
  const char16_t* in = utf16_.data();
  const char16_t* const end = in + units;
  while (in < end) {
    // ASCII run: four units at a time.
    while (end - in >= 4) {
      uint64_t word;
      std::memcpy(&word, in, sizeof word);
      if (word & 0xff80ff80ff80ff80ull) break;
      out[0] = static_cast<char>(in[0]);
      out[1] = static_cast<char>(in[1]);
      out[2] = static_cast<char>(in[2]);
      out[3] = static_cast<char>(in[3]);
      in += 4;
      out += 4;
    }
    if (in == end) break;
    uint32_t c = *in++;
    if (c < 0x80) {
      *out++ = static_cast<char>(c);
      continue;
    }
    if (c < 0x800) {
      *out++ = static_cast<char>(0xc0 | (c >> 6));
      *out++ = static_cast<char>(0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && in < end && *in >= 0xdc00 && *in <= 0xdfff) {
      uint32_t code_point = 0x10000 + ((c - 0xd800) << 10) + (*in++ - 0xdc00);
      *out++ = static_cast<char>(0xf0 | (code_point >> 18));
      *out++ = static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
      *out++ = static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
      *out++ = static_cast<char>(0x80 | (code_point & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;  // a lone surrogate
    *out++ = static_cast<char>(0xe0 | (c >> 12));
    *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    *out++ = static_cast<char>(0x80 | (c & 0x3f));
  }
  size_t written = static_cast<size_t>(out - start);
  views_.emplace_back(start, written);
  arena_size_ += written;
  return true;
}

bool ArgumentList::add(napi_env env, napi_value value, size_t position, std::string& error) {
  // Strings are by far the most common argument: try them first, without
  // a separate napi_typeof call (which costs as much as a lookup).
  if (addString(env, value)) return true;
  napi_valuetype type;
  napi_typeof(env, value, &type);
  switch (type) {
    case napi_number: {
      double number = 0;
      napi_get_value_double(env, value, &number);
      char text[64];
      if (std::isnan(number)) {
        addArena("nan", 3);
      } else if (std::isinf(number)) {
        addArena(number > 0 ? "inf" : "-inf", number > 0 ? 3 : 4);
      } else if (number == std::trunc(number) && std::fabs(number) < 9.2e18) {
        addArena(text, formatInt64(static_cast<int64_t>(number), text).size());
      } else {
        // Shortest text that reads back as the same double, like String(n).
        auto result = std::to_chars(text, text + sizeof text, number);
        addArena(text, static_cast<size_t>(result.ptr - text));
      }
      return true;
    }
    case napi_bigint: {
      int64_t number = 0;
      bool lossless = false;
      napi_get_value_bigint_int64(env, value, &number, &lossless);
      if (!lossless) {
        error = "argument " + std::to_string(position) + " is a bigint outside the signed 64-bit range";
        return false;
      }
      char text[kInt64DigitsMax];
      addArena(text, formatInt64(number, text).size());
      return true;
    }
    case napi_object: {
      bool is_typed_array = false;
      napi_is_typedarray(env, value, &is_typed_array);
      if (is_typed_array) {
        napi_typedarray_type array_type;
        size_t length = 0;
        void* data = nullptr;
        napi_get_typedarray_info(env, value, &array_type, &length, &data, nullptr, nullptr);
        if (array_type == napi_uint8_array || array_type == napi_uint8_clamped_array || array_type == napi_int8_array) {
          views_.emplace_back(data ? static_cast<const char*>(data) : "", length);
          return true;
        }
      }
      break;
    }
    default:
      break;
  }
  static const char* const kTypeNames[] = {"undefined", "null",     "boolean", "number", "string",
                                           "symbol",    "object",   "function", "external", "bigint"};
  error = "argument " + std::to_string(position) + " must be a string, Buffer, Uint8Array, number or bigint (got " +
          kTypeNames[type] + ")";
  return false;
}

bool viewBytes(napi_env env, napi_value value, ByteView* out) {
  bool is_typed_array = false;
  if (napi_is_typedarray(env, value, &is_typed_array) != napi_ok || !is_typed_array) return false;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr);
  if (type != napi_uint8_array) return false;
  *out = ByteView(data ? static_cast<const char*>(data) : "", length);
  return true;
}

}  // namespace ember::binding
