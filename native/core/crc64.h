// CRC-64 as Redis computes it (crc64.c, the "Jones" polynomial): reflected
// input and output, polynomial 0xad93d23594c935a9, initial value 0, no final
// xor. Check value: crc64(0, "123456789") == 0xe9c6d914c4b8d9ca.
//
// Table-driven, slice-by-8 (eight 256-entry tables built at compile time):
// eight bytes per step instead of one, since a byte-at-a-time table CRC
// runs at the latency of one dependent load per byte, which would make the
// checksum the slowest part of writing or loading a snapshot.
//
// Incremental: crc64(crc64(0, a), b) == crc64(0, a + b), so a stream can be
// checksummed piece by piece as it is written.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bytes.h"

namespace ember {

uint64_t crc64(uint64_t crc, const void* data, size_t length);

inline uint64_t crc64(uint64_t crc, ByteView bytes) { return crc64(crc, bytes.data(), bytes.size()); }

}  // namespace ember
