// Converting JavaScript arguments into the byte views a command takes.
//
// Buffers and Uint8Arrays are viewed in place (no copy: the JS values stay
// alive for the duration of the native call). Strings are encoded to UTF-8
// into a reusable arena; numbers and bigints as their decimal text.
//
// Invariant: every view either points into a JS value or into the arena;
// when the arena grows (and moves), the views into it are rebased, so
// views() is always valid without a second pass.
#pragma once

#include <node_api.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace ember::binding {

class ArgumentList {
 public:
  ArgumentList() { views_.reserve(16); }
  void clear() {
    views_.clear();
    arena_size_ = 0;
  }
  // Appends one argument; on a value of the wrong type returns false and
  // sets `error` to a TypeError message naming `position`.
  bool add(napi_env env, napi_value value, size_t position, std::string& error);
  // Appends bytes that are not a JS value (a command name from the table).
  void addBytes(ByteView bytes) { views_.push_back(bytes); }
  std::span<const ByteView> views() const { return views_; }

 private:
  // Makes room for `room` more bytes in the arena (rebasing views into it
  // if it moves) and returns where they go.
  char* arenaRoom(size_t room);
  void addArena(const char* data, size_t length);
  bool addString(napi_env env, napi_value value);

  std::vector<ByteView> views_;
  // Scratch for reading strings as UTF-16 before encoding them.
  std::vector<char16_t> utf16_;
  // A growable byte buffer that, unlike std::string, does not zero-fill the
  // room it hands to napi_get_value_string_utf8.
  std::unique_ptr<char[]> arena_;
  size_t arena_size_ = 0;
  size_t arena_capacity_ = 0;
};

// Views the bytes of a Buffer / Uint8Array in place; false for any other value.
bool viewBytes(napi_env env, napi_value value, ByteView* out);

}  // namespace ember::binding
