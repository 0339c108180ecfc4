// ArgumentList: see args.h.
#include "args.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <cmath>

#include "core/numbers.h"

namespace ember::binding {

void ArgumentList::Arena::ensureRoom(size_t room) {
  if (capacity - size >= room) return;
  size_t grown = std::max(capacity * 2, size + room);
  auto fresh = std::make_unique_for_overwrite<char[]>(grown);
  if (size) std::memcpy(fresh.get(), data.get(), size);
  data = std::move(fresh);
  capacity = grown;
}

void ArgumentList::clear() {
  pieces_.clear();
  arena_.size = 0;
}

void ArgumentList::addArena(const char* data, size_t length) {
  arena_.ensureRoom(length);
  pieces_.push_back({nullptr, arena_.size, length});
  std::memcpy(arena_.data.get() + arena_.size, data, length);
  arena_.size += length;
}

void ArgumentList::addBytes(ByteView bytes) { pieces_.push_back({bytes.data(), 0, bytes.size()}); }

// Appends `value` if it is a string; false (and nothing appended) if not.
bool ArgumentList::addString(napi_env env, napi_value value) {
  // Write straight into the arena's spare room; only when the string may
  // not have fitted, ask for its exact UTF-8 length and write again.
  arena_.ensureRoom(256);
  size_t room = arena_.capacity - arena_.size;
  char* at = arena_.data.get() + arena_.size;
  size_t written = 0;
  if (napi_get_value_string_utf8(env, value, at, room, &written) != napi_ok) return false;
  if (written + 1 >= room) {
    // Possibly cut short (napi truncates silently): measure and redo.
    size_t exact = 0;
    if (napi_get_value_string_utf8(env, value, nullptr, 0, &exact) != napi_ok) return false;
    arena_.ensureRoom(exact + 1);
    at = arena_.data.get() + arena_.size;
    if (napi_get_value_string_utf8(env, value, at, exact + 1, &written) != napi_ok) return false;
  }
  pieces_.push_back({nullptr, arena_.size, written});
  arena_.size += written;
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
          pieces_.push_back({data ? static_cast<const char*>(data) : "", 0, length});
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

std::span<const ByteView> ArgumentList::views() {
  views_.clear();
  for (const Piece& p : pieces_) {
    views_.emplace_back(p.external ? p.external : arena_.data.get() + p.offset, p.length);
  }
  return views_;
}

}  // namespace ember::binding
