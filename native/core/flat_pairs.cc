// FlatPairs: see flat_pairs.h for the layout and its invariants.
#include "flat_pairs.h"

namespace ember {

size_t FlatPairs::writeVarint(char* out, size_t n) {
  size_t i = 0;
  while (n >= 0x80) {
    out[i++] = static_cast<char>(0x80 | (n & 0x7f));
    n >>= 7;
  }
  out[i++] = static_cast<char>(n);
  return i;
}

size_t FlatPairs::readVarint(size_t offset, size_t* after) const {
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

size_t FlatPairs::writeHeader(char* out, size_t first_len, size_t second_len) {
  if (isShort(first_len, second_len)) {
    out[0] = static_cast<char>(first_len << 4 | second_len);
    return 1;
  }
  out[0] = static_cast<char>(kLongForm);
  size_t n = 1 + writeVarint(out + 1, first_len);
  return n + writeVarint(out + n, second_len);
}

void FlatPairs::writePair(char* out, ByteView first, ByteView second) {
  out += writeHeader(out, first.size(), second.size());
  if (!first.empty()) std::memcpy(out, first.data(), first.size());
  if (!second.empty()) std::memcpy(out + first.size(), second.data(), second.size());
}

FlatPairs::Pair FlatPairs::at(size_t offset) const {
  const uint8_t h = static_cast<uint8_t>(buf_[offset]);
  size_t first_len, second_len, pos;
  if (h != kLongForm) {
    first_len = h >> 4;
    second_len = h & 0x0f;
    pos = offset + 1;
  } else {
    first_len = readVarint(offset + 1, &pos);
    second_len = readVarint(pos, &pos);
  }
  return Pair{ByteView(buf_ + pos, first_len), ByteView(buf_ + pos + first_len, second_len),
              pos + first_len + second_len};
}

size_t FlatPairs::size() const {
  size_t n = 0;
  for (size_t off = 0; off < used_; off = at(off).next) n++;
  return n;
}

size_t FlatPairs::find(ByteView first) const {
  for (size_t off = 0; off < used_;) {
    const Pair p = at(off);
    if (p.first.size() == first.size() && std::memcmp(p.first.data(), first.data(), first.size()) == 0) return off;
    off = p.next;
  }
  return npos;
}

FlatPairs::Rewrite FlatPairs::planReplace(size_t offset, size_t second_len) const {
  const Pair p = at(offset);
  const size_t first_len = p.first.size();
  const size_t new_header = headerSize(first_len, second_len);
  return Rewrite{offset,
                 first_len,
                 static_cast<size_t>(p.first.data() - buf_),
                 p.next,
                 new_header,
                 offset + new_header + first_len + second_len};
}

void FlatPairs::applyReplace(char* buf, size_t used, const Rewrite& plan, ByteView second) {
  const size_t new_first = plan.offset + plan.new_header;
  if (plan.new_end > plan.old_end) {
    // Growing: the buffer already has room. Move the tail out of the way
    // first, then the first string (memmove: the ranges may overlap).
    std::memmove(buf + plan.new_end, buf + plan.old_end, used - plan.old_end);
    std::memmove(buf + new_first, buf + plan.old_first, plan.first_len);
  } else {
    // Same size or shrinking: everything written stays inside the old
    // pair, and the tail moves left last.
    std::memmove(buf + new_first, buf + plan.old_first, plan.first_len);
  }
  writeHeader(buf + plan.offset, plan.first_len, second.size());
  if (!second.empty()) std::memcpy(buf + new_first + plan.first_len, second.data(), second.size());
  if (plan.new_end < plan.old_end) std::memmove(buf + plan.new_end, buf + plan.old_end, used - plan.old_end);
}

}  // namespace ember
