// SkipList implementation (see skiplist.h for the invariants).
#include "skiplist.h"

#include <algorithm>
#include <new>

namespace ember {

int compareScoreMember(double a_score, ByteView a_member, double b_score, ByteView b_member) {
  if (a_score < b_score) return -1;
  if (a_score > b_score) return 1;
  size_t n = std::min(a_member.size(), b_member.size());
  int c = n ? std::memcmp(a_member.data(), b_member.data(), n) : 0;
  if (c != 0) return c;
  return a_member.size() < b_member.size() ? -1 : (a_member.size() > b_member.size() ? 1 : 0);
}

SkipList::SkipList(MemoryCounter& memory) : memory_(memory), rng_(0x9E3779B97F4A7C15ull) {
  header_ = newNode(kMaxLevel, 0, ByteView());
  header_->backward = nullptr;
}

SkipList::~SkipList() {
  SkipNode* x = header_->levels()[0].forward;
  while (x) {
    SkipNode* next = x->next();
    freeNode(x);
    x = next;
  }
  freeNode(header_);
}

SkipNode* SkipList::newNode(int height, double score, ByteView member) {
  size_t bytes = sizeof(SkipNode) + static_cast<size_t>(height) * sizeof(SkipLevel) + member.size();
  auto* node = static_cast<SkipNode*>(countedAlloc(memory_, bytes));
  node->score = score;
  node->backward = nullptr;
  node->length = static_cast<uint32_t>(member.size());
  node->height = static_cast<uint32_t>(height);
  for (int i = 0; i < height; i++) node->levels()[i] = SkipLevel{nullptr, 0};
  if (!member.empty()) std::memcpy(node->levels() + height, member.data(), member.size());
  return node;
}

void SkipList::freeNode(SkipNode* node) { countedFree(memory_, node); }

int SkipList::randomHeight() {
  int height = 1;
  for (;;) {
    // xorshift64*: cheap, and the list's shape needs no better.
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    uint64_t r = rng_ * 0x2545F4914F6CDD1Dull;
    // 16 draws of 2 bits each; each is 0 with probability 1/4.
    for (int i = 0; i < 32; i += 2) {
      if (((r >> (i + 32)) & 3) != 0 || height == kMaxLevel) return height;
      height++;
    }
  }
}

void SkipList::findPath(double score, ByteView member, SkipNode** update, size_t* rank) const {
  SkipNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    rank[i] = i == level_ - 1 ? 0 : rank[i + 1];
    while (SkipNode* f = x->levels()[i].forward) {
      if (compareScoreMember(f->score, f->member(), score, member) >= 0) break;
      rank[i] += x->levels()[i].span;
      x = f;
    }
    update[i] = x;
  }
}

SkipNode* SkipList::insert(double score, ByteView member) {
  SkipNode* node = newNode(randomHeight(), score, member);
  link(node);
  return node;
}

void SkipList::link(SkipNode* node) {
  SkipNode* update[kMaxLevel];
  size_t rank[kMaxLevel];
  findPath(node->score, node->member(), update, rank);
  const int height = static_cast<int>(node->height);
  if (height > level_) {
    for (int i = level_; i < height; i++) {
      rank[i] = 0;
      update[i] = header_;
      header_->levels()[i].span = length_;
    }
    level_ = height;
  }
  for (int i = 0; i < height; i++) {
    SkipLevel& up = update[i]->levels()[i];
    node->levels()[i].forward = up.forward;
    // update[i] is at rank[i]; the node lands at rank[0] + 1.
    node->levels()[i].span = up.span - (rank[0] - rank[i]);
    up.forward = node;
    up.span = rank[0] - rank[i] + 1;
  }
  for (int i = height; i < level_; i++) update[i]->levels()[i].span++;
  node->backward = update[0] == header_ ? nullptr : update[0];
  if (node->next()) {
    node->next()->backward = node;
  } else {
    tail_ = node;
  }
  length_++;
}

void SkipList::unlink(SkipNode* node, SkipNode** update) {
  for (int i = 0; i < level_; i++) {
    SkipLevel& up = update[i]->levels()[i];
    if (up.forward == node) {
      up.span += node->levels()[i].span - 1;
      up.forward = node->levels()[i].forward;
    } else {
      up.span--;
    }
  }
  if (node->next()) {
    node->next()->backward = node->backward;
  } else {
    tail_ = node->backward;
  }
  while (level_ > 1 && header_->levels()[level_ - 1].forward == nullptr) level_--;
  length_--;
}

void SkipList::erase(SkipNode* node) {
  SkipNode* update[kMaxLevel];
  size_t rank[kMaxLevel];
  findPath(node->score, node->member(), update, rank);
  unlink(node, update);
  freeNode(node);
}

SkipNode* SkipList::updateScore(SkipNode* node, double score) {
  // Still between its neighbours: change the score in place.
  SkipNode* prev = node->backward;
  SkipNode* next = node->next();
  if ((!prev || compareScoreMember(prev->score, prev->member(), score, node->member()) < 0) &&
      (!next || compareScoreMember(next->score, next->member(), score, node->member()) > 0)) {
    node->score = score;
    return node;
  }
  // Otherwise move the same node (no allocation, so nothing can fail).
  SkipNode* update[kMaxLevel];
  size_t rank[kMaxLevel];
  findPath(node->score, node->member(), update, rank);
  unlink(node, update);
  node->score = score;
  for (uint32_t i = 0; i < node->height; i++) node->levels()[i] = SkipLevel{nullptr, 0};
  link(node);
  return node;
}

size_t SkipList::rankOf(const SkipNode* node) const {
  size_t rank = 0;
  const SkipNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (const SkipNode* f = x->levels()[i].forward) {
      if (compareScoreMember(f->score, f->member(), node->score, node->member()) > 0) break;
      rank += x->levels()[i].span;
      x = f;
    }
    if (x == node) return rank;
  }
  return 0;
}

SkipNode* SkipList::atRank(size_t rank) const {
  if (rank == 0 || rank > length_) return nullptr;
  size_t traversed = 0;
  SkipNode* x = header_;
  for (int i = level_ - 1; i >= 0; i--) {
    while (x->levels()[i].forward && traversed + x->levels()[i].span <= rank) {
      traversed += x->levels()[i].span;
      x = x->levels()[i].forward;
    }
    if (traversed == rank) return x;
  }
  return nullptr;
}

const char* SkipList::verify() const {
  size_t n = 0;
  const SkipNode* prev = nullptr;
  for (const SkipNode* x = first(); x; x = x->next()) {
    if (x->backward != prev) return "bad backward pointer";
    if (prev && compareScoreMember(prev->score, prev->member(), x->score, x->member()) >= 0) return "out of order";
    prev = x;
    n++;
  }
  if (n != length_) return "length mismatch";
  if (tail_ != prev) return "bad tail";
  if (level_ < 1 || level_ > kMaxLevel) return "bad level";
  if (level_ > 1 && !header_->levels()[level_ - 1].forward) return "level_ too high";
  for (int i = 0; i < level_; i++) {
    size_t rank = 0;
    for (const SkipNode* x = header_; x;) {
      const SkipLevel& l = x->levels()[i];
      size_t expected = l.forward ? rankOf(l.forward) - rank : length_ - rank;
      if (l.span != expected) return "bad span";
      rank += l.span;
      x = l.forward;
    }
  }
  return nullptr;
}

}  // namespace ember
