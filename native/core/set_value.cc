// SetValue (see set_value.h).
#include "set_value.h"

#include <cstddef>
#include <cstring>
#include <memory>
#include <new>
#include <optional>

namespace ember {

SetValue::SetValue(MemoryCounter& store, bool intset) : Collection(store), ints_(memory()) {
  if (!intset) table_ = newTable();
}

SetValue::~SetValue() {
  if (table_) destroyTable(table_);
}

SetValue::Table* SetValue::newTable() {
  void* p = countedAlloc(memory(), sizeof(Table));
  return new (p) Table(memory());  // does not throw: an empty table allocates nothing
}

void SetValue::destroyTable(Table* table) {
  // forEach only reads the slots, never the items, so freeing each item as
  // it is visited is safe (and allocates nothing: this runs in destructors).
  table->forEach([&](SetMember* m) { countedFree(memory(), m); });
  std::destroy_at(table);  // (OpenTable has a private nested type named Table)
  countedFree(memory(), table);
}

// Allocates a member and inserts it (absent from `table`); nothing leaks
// if either step throws.
void SetValue::insertMember(Table& table, ByteView member) {
  void* p = countedAlloc(memory(), offsetof(SetMember, bytes) + member.size());
  SetMember* m = static_cast<SetMember*>(p);
  m->length = static_cast<uint32_t>(member.size());
  if (!member.empty()) std::memcpy(m->bytes, member.data(), member.size());
  try {
    table.insert(m, SetMemberTraits::hashOf(member));
  } catch (...) {
    countedFree(memory(), m);
    throw;
  }
}

void SetValue::convertToTable() {
  // Build the table first, drop the intset only then: a failed allocation
  // leaves the set as it was.
  Table* table = newTable();
  try {
    char digits[kInt64DigitsMax];
    for (size_t i = 0; i < ints_.size(); i++) insertMember(*table, formatInt64(ints_.at(i), digits));
  } catch (...) {
    destroyTable(table);
    throw;
  }
  ints_.clear();
  table_ = table;
}

Collection* SetValue::clone(MemoryCounter& store) const {
  SetValue* copy = makeCollection<SetValue>(store, isIntSet());
  try {
    if (isIntSet()) {
      ints_.copyTo(copy->ints_);
    } else {
      table_->forEach([&](const SetMember* m) { copy->insertMember(*copy->table_, m->view()); });
    }
  } catch (...) {
    destroyCollection(copy);
    throw;
  }
  return copy;
}

bool SetValue::contains(ByteView member) const {
  if (isIntSet()) {
    std::optional<int64_t> v = parseInt64(member);
    return v && ints_.contains(*v);
  }
  return table_->find(member, SetMemberTraits::hashOf(member)) != nullptr;
}

bool SetValue::add(ByteView member, size_t max_intset_entries) {
  if (isIntSet()) {
    if (std::optional<int64_t> v = parseInt64(member)) {
      if (!ints_.insert(*v)) return false;
      if (ints_.size() > max_intset_entries) convertToTable();
      return true;
    }
    convertToTable();
  }
  const uint64_t hash = SetMemberTraits::hashOf(member);
  if (table_->find(member, hash)) return false;
  insertMember(*table_, member);
  return true;
}

bool SetValue::remove(ByteView member) {
  if (isIntSet()) {
    std::optional<int64_t> v = parseInt64(member);
    return v && ints_.erase(*v);
  }
  SetMember* m = table_->erase(member, SetMemberTraits::hashOf(member));
  if (!m) return false;
  countedFree(memory(), m);
  return true;
}

std::string SetValue::randomMember(uint64_t random) const {
  if (isIntSet()) {
    char digits[kInt64DigitsMax];
    return std::string(formatInt64(ints_.at(static_cast<size_t>(random % ints_.size())), digits));
  }
  return std::string(table_->randomItem(random)->view());
}

}  // namespace ember
