// The keyed 64-bit hash used by every hash table in the core.
//
// Written here (multiply-fold mixing over 16-byte blocks, in the family of
// wyhash). The seed is random per process so that an attacker who controls
// keys cannot pre-compute collisions; it is fixed once at startup and never
// changes, so hashes stay valid for the life of the process.
#pragma once

#include <cstdint>

#include "bytes.h"

namespace ember {

uint64_t hashBytes(ByteView bytes);

// Same function with an explicit seed (tests, reproducible benchmarks).
uint64_t hashBytesSeeded(ByteView bytes, uint64_t seed);

}  // namespace ember
