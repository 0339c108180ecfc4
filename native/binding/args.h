// Converting JavaScript arguments into the byte views a command takes.
//
// Buffers and Uint8Arrays are viewed in place (no copy: the JS values stay
// alive for the duration of the native call). Strings are written as UTF-8
// into a reusable arena; numbers and bigints as their decimal text. The
// views are built only after every argument is converted, because the arena
// may move while it grows.
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
  void clear();
  // Appends one argument; on a value of the wrong type returns false and
  // sets `error` to a TypeError message naming `position`.
  bool add(napi_env env, napi_value value, size_t position, std::string& error);
  // Appends bytes that are not a JS value (a command name from the table).
  void addBytes(ByteView bytes);
  std::span<const ByteView> views();

 private:
  struct Piece {
    const char* external;  // nullptr: the bytes are in the arena at offset
    size_t offset;
    size_t length;
  };
  void addArena(const char* data, size_t length);
  bool addString(napi_env env, napi_value value);

  // Growable byte buffer that, unlike std::string, does not zero-fill the
  // room it hands to napi_get_value_string_utf8.
  struct Arena {
    std::unique_ptr<char[]> data;
    size_t size = 0;
    size_t capacity = 0;
    void ensureRoom(size_t room);
  };

  std::vector<Piece> pieces_;
  std::vector<ByteView> views_;
  Arena arena_;
};

}  // namespace ember::binding
