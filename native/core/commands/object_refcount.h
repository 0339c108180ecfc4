// The refcount Redis would report for a value (OBJECT REFCOUNT, DEBUG
// OBJECT), defined in commands/keys.cc with the OBJECT family.
#pragma once

#include <cstdint>

#include "../entry.h"
#include "../store.h"

namespace ember {

int64_t objectRefcount(const Entry& e, const StoreConfig& config);

}  // namespace ember
