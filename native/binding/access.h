// Running a store's commands as a named user (access.cc).
#pragma once

#include <node_api.h>

#include <optional>

#include "core/acl.h"
#include "core/store.h"

namespace ember::binding {

// For the length of one call from JS: the store runs commands as the user
// a JS string names (Store::AsUser). A user deleted since the caller
// authenticated runs as AccessControl::deletedUser: nothing is allowed.
class UserScope {
 public:
  // False (with a JS exception pending) if `name` is not a string.
  bool enter(napi_env env, napi_value name, Store& store);

 private:
  std::optional<Store::AsUser> as_;
};

}  // namespace ember::binding
