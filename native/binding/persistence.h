// The addon's module-level persistence functions (persistence.cc): the
// file validators and the manifest parser behind emberkv-check-aof.
#pragma once

#include <napi.h>

namespace ember::binding {

Napi::Value CheckAppendOnlyFile(const Napi::CallbackInfo& info);
Napi::Value CheckSnapshotFile(const Napi::CallbackInfo& info);
Napi::Value ParseAofManifest(const Napi::CallbackInfo& info);

}  // namespace ember::binding
