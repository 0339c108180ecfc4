// Per-environment state of the addon (one per main thread / worker),
// owned by Node-API as the environment's instance data.
#pragma once

#include <napi.h>

namespace ember::binding {

struct AddonData {
  Napi::FunctionReference error_class;  // EmberError, registered by the JS layer
};

inline AddonData& addonData(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

}  // namespace ember::binding
