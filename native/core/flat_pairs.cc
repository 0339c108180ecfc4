// FlatPairs: see flat_pairs.h for the layout and its invariants.
#include "flat_pairs.h"

#include <cstring>
#include <new>

namespace ember {

size_t FlatPairs::writeLength(char* out, size_t n) {
  size_t i = 0;
  while (n >= 0x80) {
    out[i++] = static_cast<char>(0x80 | (n & 0x7f));
    n >>= 7;
  }
  out[i++] = static_cast<char>(n);
  return i;
}

size_t FlatPairs::readLength(size_t offset, size_t* after) const {
  size_t n = 0;
  unsigned shift = 0;
  for (;;) {
    uint8_t b = static_cast<uint8_t>(buf_[offset++]);
    n |= static_cast<size_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  *after = offset;
  return n;
}

FlatPairs::Pair FlatPairs::at(size_t offset) const {
  size_t pos;
  size_t n = readLength(offset, &pos);
  ByteView first(buf_ + pos, n);
  n = readLength(pos + n, &pos);
  ByteView second(buf_ + pos, n);
  return Pair{first, second, pos + n};
}

size_t FlatPairs::find(ByteView first) const {
  for (size_t off = 0; off < used_;) {
    size_t pos;
    size_t n = readLength(off, &pos);
    const size_t pair_start = off;
    if (n == first.size() && std::memcmp(buf_ + pos, first.data(), n) == 0) return pair_start;
    n = readLength(pos + n, &pos);  // skip the second string
    off = pos + n;
  }
  return npos;
}

void FlatPairs::resize(size_t bytes) {
  if (bytes == 0) {
    countedFree(memory_, buf_);
    buf_ = nullptr;
    return;
  }
  buf_ = static_cast<char*>(countedRealloc(memory_, buf_, bytes));
}

void FlatPairs::append(ByteView first, ByteView second) {
  const size_t add = encodedSize(first.size(), second.size());
  resize(used_ + add);  // on bad_alloc nothing changed
  char* p = buf_ + used_;
  p += writeLength(p, first.size());
  if (!first.empty()) std::memcpy(p, first.data(), first.size());
  p += first.size();
  p += writeLength(p, second.size());
  if (!second.empty()) std::memcpy(p, second.data(), second.size());
  used_ += static_cast<uint32_t>(add);
  count_++;
}

void FlatPairs::replaceSecond(size_t offset, ByteView second) {
  size_t pos;
  size_t n = readLength(offset, &pos);
  const size_t start = pos + n;  // the second string's length bytes
  n = readLength(start, &pos);
  const size_t end = pos + n;
  const size_t old_size = end - start;
  const size_t new_size = lengthBytes(second.size()) + second.size();
  const size_t tail = used_ - end;
  if (new_size > old_size) {
    resize(used_ + (new_size - old_size));  // grow first, then open the gap
    std::memmove(buf_ + start + new_size, buf_ + end, tail);
  } else if (new_size < old_size) {
    std::memmove(buf_ + start + new_size, buf_ + end, tail);  // close, then shrink
    // Shrinking in place cannot fail in practice; if realloc does, the
    // buffer is simply left larger than needed.
    try {
      resize(used_ - (old_size - new_size));
    } catch (const std::bad_alloc&) {
    }
  }
  char* p = buf_ + start;
  p += writeLength(p, second.size());
  if (!second.empty()) std::memcpy(p, second.data(), second.size());
  used_ = static_cast<uint32_t>(used_ - old_size + new_size);
}

void FlatPairs::erase(size_t offset) {
  const Pair p = at(offset);
  std::memmove(buf_ + offset, buf_ + p.next, used_ - p.next);
  used_ -= static_cast<uint32_t>(p.next - offset);
  count_--;
  try {
    resize(used_);
  } catch (const std::bad_alloc&) {
  }
}

void FlatPairs::copyFrom(const FlatPairs& other) {
  if (other.used_ == 0) return;
  resize(other.used_);
  std::memcpy(buf_, other.buf_, other.used_);
  used_ = other.used_;
  count_ = other.count_;
}

}  // namespace ember
