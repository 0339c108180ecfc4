// Rendering the core's reply stream (core/reply.h) as JavaScript values.
//
//   simple string -> string          bulk   -> string (UTF-8) or Buffer
//   integer       -> number, or bigint beyond Number.MAX_SAFE_INTEGER
//   double        -> number          boolean -> boolean
//   null          -> null            array / set -> Array
//   map           -> flat Array [k1, v1, k2, v2, ...] (as RESP2 shows it)
//   error         -> an EmberError instance (thrown by the caller when it is
//                    the whole reply, an element when nested)
#pragma once

#include <node_api.h>

#include "core/reply.h"

namespace ember::binding {

struct RenderOptions {
  bool bulk_as_buffer = false;
  // The JS EmberError class, fetched only when an error is rendered.
  napi_ref error_class = nullptr;
};

// Renders the next value of `reader` (recursively for aggregates). Returns
// nullptr if V8 could not make a value (a string over its length limit);
// an exception may or may not be pending then.
napi_value renderReply(napi_env env, ReplyReader& reader, const RenderOptions& options);

// new EmberError(message)
napi_value makeEmberError(napi_env env, napi_ref error_class, std::string_view message);

}  // namespace ember::binding
