// IntSet (see intset.h).
#include "intset.h"

#include <cstring>
#include <limits>

namespace ember {

unsigned IntSet::widthFor(int64_t v) {
  if (v >= std::numeric_limits<int16_t>::min() && v <= std::numeric_limits<int16_t>::max()) return 2;
  if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) return 4;
  return 8;
}

int64_t IntSet::at(size_t i) const {
  const char* p = static_cast<const char*>(data_) + i * width_;
  switch (width_) {
    case 2: {
      int16_t v;
      std::memcpy(&v, p, sizeof v);
      return v;
    }
    case 4: {
      int32_t v;
      std::memcpy(&v, p, sizeof v);
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, p, sizeof v);
      return v;
    }
  }
}

void IntSet::put(size_t i, int64_t v) {
  char* p = static_cast<char*>(data_) + i * width_;
  switch (width_) {
    case 2: {
      int16_t x = static_cast<int16_t>(v);
      std::memcpy(p, &x, sizeof x);
      break;
    }
    case 4: {
      int32_t x = static_cast<int32_t>(v);
      std::memcpy(p, &x, sizeof x);
      break;
    }
    default:
      std::memcpy(p, &v, sizeof v);
  }
}

bool IntSet::search(int64_t v, size_t* pos) const {
  size_t lo = 0, hi = size_;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t x = at(mid);
    if (x == v) {
      *pos = mid;
      return true;
    }
    if (x < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *pos = lo;
  return false;
}

bool IntSet::contains(int64_t v) const {
  if (widthFor(v) > width_) return false;  // cannot be stored at this width
  size_t pos;
  return search(v, &pos);
}

void IntSet::resize(size_t count, unsigned width) {
  data_ = countedRealloc(memory_, data_, count * width);
}

bool IntSet::insert(int64_t v) {
  const unsigned need = widthFor(v);
  if (need > width_) {
    // Upgrade: v is beyond every stored value, so it goes first (negative)
    // or last (positive). Rewrite back to front so no value is overwritten
    // before it is read.
    const unsigned old_width = width_;
    resize(size_ + 1, need);
    const bool front = v < 0;
    for (size_t i = size_; i-- > 0;) {
      width_ = old_width;
      int64_t x = at(i);
      width_ = need;
      put(i + (front ? 1 : 0), x);
    }
    width_ = need;
    put(front ? 0 : size_, v);
    size_++;
    return true;
  }
  size_t pos;
  if (search(v, &pos)) return false;
  resize(size_ + 1, width_);
  char* base = static_cast<char*>(data_);
  std::memmove(base + (pos + 1) * width_, base + pos * width_, (size_ - pos) * width_);
  put(pos, v);
  size_++;
  return true;
}

bool IntSet::erase(int64_t v) {
  if (widthFor(v) > width_) return false;
  size_t pos;
  if (!search(v, &pos)) return false;
  char* base = static_cast<char*>(data_);
  std::memmove(base + pos * width_, base + (pos + 1) * width_, (size_ - pos - 1) * width_);
  size_--;
  if (size_ == 0) {
    countedFree(memory_, data_);
    data_ = nullptr;
  } else {
    // Shrinking never fails in practice; if it did, the larger block is kept.
    try {
      resize(size_, width_);
    } catch (const std::bad_alloc&) {
    }
  }
  return true;
}

void IntSet::copyTo(IntSet& other) const {
  if (size_ == 0) return;
  other.resize(size_, width_);
  std::memcpy(other.data_, data_, size_ * width_);
  other.size_ = size_;
  other.width_ = width_;
}

}  // namespace ember
