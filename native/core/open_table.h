// OpenTable: the open-addressing hash table behind the keyspace (and, later,
// large hashes and sets). It stores item pointers (T*) and never owns the
// items; the key is read back from the item through Traits::keyOf.
//
// Layout. Slots come in groups of 8. A group is 72 bytes: one 64-bit word of
// control bytes, then the 8 slots (T*). Keeping the control word next to its
// slots means the slot a lookup wants shares a cache line with the control
// word, or sits in the adjacent one. That makes 9 bytes per slot: 10 to 21
// bytes per key at the loads a growing table keeps (more after mass
// deletes, until it shrinks). Redis's dict spends 8 per bucket plus a
// 24-byte entry per key. Hashes are not stored: migration and SCAN
// recompute them from the keys, a price paid only off the lookup path.
// Byte i of the word (bits 8i..8i+7) describes slot i:
//
//   EMPTY    0x00         never used since the table was allocated
//   DELETED  0x01         tombstone: erased, or migrated away by a rehash
//   FULL     0x80 | tag   holds an item; tag = the top 7 bits of its hash
//
// All 8 bytes are tested at once with a few 64-bit operations (SWAR: match a
// tag, match EMPTY, match FULL, match free = EMPTY or DELETED); no SSE needed.
// EMPTY is zero so a fresh table comes from calloc, whose large allocations
// are untouched zero pages: allocating a 300 MB table for a 10M-key keyspace
// costs no up-front page writes. The pages fault in one at a time as
// inserts and migration reach them, spread over the rehash instead of a
// single stall. (countedCalloc counts it like every other allocation.)
//
// Hash bits. An item's home group is `hash & (groups - 1)` (low bits); its
// tag is `hash >> 57` (high bits, independent of the home). Groups are
// probed triangularly: g, g+1, g+3, g+6, ... mod groups. With a power of two
// group count this visits every group exactly once in `groups` steps.
//
// The chain invariant, which lookup, erase and SCAN all rely on:
//   every item lies on its own probe sequence, and no group before it on
//   that sequence holds an EMPTY byte.
// So a lookup may stop at the first group with an EMPTY byte. It holds
// because insert takes the first free slot on the sequence; erase writes
// EMPTY only into a group that already has an EMPTY byte (no chain can run
// through such a group, so none is cut), and DELETED otherwise; migration
// writes DELETED; and nothing else ever creates an EMPTY byte.
//
// Load. `used` counts FULL + DELETED slots, and stays at or below 7/8 of the
// slots. At least one group therefore holds an EMPTY byte, so every probe
// ends. When an insert needs an EMPTY slot at that limit (reusing a
// tombstone is always allowed), the table grows 2x if more than half the
// slots are live, and otherwise rehashes to the same size, which purges the
// tombstones. When the live items fall below 1/8 of the slots, it shrinks 4x
// (load < 1/2 afterwards). The shrink check runs after each erase and when a
// rehash completes, so a mass delete steps down 4x at a time. Sizes are
// powers of two; the smallest table is one group. A table that has never
// held an item allocates nothing: it points at a shared, read-only all-EMPTY
// group with a growth limit of 0, so lookups need no null check and the
// first insert allocates.
//
// Incremental rehash (why this table exists: resizing a 10M-key table must
// never stall the event loop). A resize allocates the new table and keeps
// the old one in `old_`; `cur_` is always the newer table.
//   - Inserts go to cur_. Every item is in exactly one of the two tables.
//   - find/findSlot/erase look in cur_ first, then in old_.
//   - find/findSlot/erase look in cur_ first: it holds every new item and a
//     growing share of the old ones, and a miss must check both anyway.
//   - Migration walks old_'s groups in order (migratePos_). It re-hashes each
//     item, inserts it into cur_, and marks its old slot DELETED, not EMPTY,
//     because probe chains of old items not yet migrated may run through the
//     group. The migration is over as soon as old_ has no items left (erases
//     can empty it early).
//   - Every insert and erase migrates kMigrateGroupsPerOp groups, and
//     rehashFor() migrates in chunks of kGroupsPerClockCheck between clock
//     reads. find is const and does no migration work.
//   - Arrays of kDrainThresholdBytes or more are mapped directly, not
//     malloc'd (see mappedDirectly). Freeing one is a stall of its own
//     (munmap: ~10 ms for 150 MB here), so an old array that big is
//     retired instead: it is unmapped in chunks of kDrainBytesPerOp per
//     insert/erase (or more per rehashFor step), and the rest at the end
//     is cheap. isRehashing() stays true until then,
//     so a caller that drives rehashFor() while isRehashing() also gets the
//     memory back from an idle table.
// Why a migration always finishes before the new table fills, so that no
// insert ever has to finish one synchronously: let Q = cur_.used +
// old_.full. A migrated item leaves old_.full and adds at most 1 to
// cur_.used; an erase raises neither; only an insert raises Q, by at most 1.
// Each insert migrates k = 2 groups after placing its item, so at most
// ceil(G_old / 2) inserts land during a migration. Starting from Q = L (the
// live items) and with limit = 7/8 of the new table's slots (G = groups):
//   grow 2x      L <= 7 G_old   limit 14 G_old     L + G_old/2 <= 7.5 G_old
//   same size    L <= 6.25 G    limit  7 G         L + G/2     <= 6.75 G
//   shrink 4x    L <  G_old     limit 1.75 G_old   L + G_old/2 <  1.5 G_old
// and the tiny cases (G_old = 1, 2, 4, where the shrink target is one
// group) hold too. So Q <= cur_.limit throughout, and the new table never
// needs a resize of its own during a migration. A resize requested anyway
// (makeRoom, defensively) finishes the current migration first, which fits
// by the same bound. It is counted in forcedFinishes, which the tests
// assert stays 0, also when only inserts follow the start of each kind of
// rehash. A shrink that becomes due during a migration waits until the
// migration completes. Shrinking at most 4x per step is what keeps the
// shrink row true.
//
// SCAN (Redis's reverse-binary cursor, as in dict.c's dictScan). The cursor
// enumerates home groups. Visiting home g in a table means walking g's probe
// sequence from g up to and including the first group with an EMPTY byte,
// and reporting each FULL item whose recomputed home is exactly g. By the
// chain invariant that reports every item whose home is g, and each such item
// once. The cursor advances by incrementing its bit-reversal, so homes are
// enumerated low bits first. In a table of 2^k groups the home is the low k
// bits of the hash, so a table twice as big splits each home class in two,
// and a table half as big merges two. Either way, classes already enumerated
// stay enumerated under the new mask, which is exactly Redis's argument. During
// a rehash a cursor value c visits home (c & small_mask) in the smaller table
// and every home h of the larger table with (h & small_mask) == (c &
// small_mask), and advances with the small mask. An item is in one table or
// the other at the moment of each call, and its class is covered in both. So
// an item present for the whole scan is reported at least once. Items may
// be reported twice (after a shrink, or because they migrated between
// calls); Redis allows that too.
#pragma once

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>

#include <unistd.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "bytes.h"
#include "memory.h"

namespace ember {

// Tests only: declared here, defined by the unit tests, to reach private
// hooks (forcing a resize in the middle of a rehash).
struct OpenTableTestPeer;

// Counters describing the table's resize history (INFO-style and for tests).
struct OpenTableRehashStats {
  uint64_t grows = 0;             // rehashes into a table 2x the size
  uint64_t sameSizeRehashes = 0;  // rehashes that only purged tombstones
  uint64_t shrinks = 0;           // rehashes into a smaller table
  uint64_t groupsMigrated = 0;    // old-table groups walked by migration
  size_t maxGroupsInOneOp = 0;    // most groups migrated by one insert/erase
  uint64_t forcedFinishes = 0;    // rehashes completed synchronously (expected 0)
};

// Traits requirements:
//   static ByteView keyOf(const T* item);   // the item's key bytes
//   static uint64_t hashOf(ByteView key);   // normally hashBytes(key)
template <class T, class Traits>
class OpenTable {
 public:
  static constexpr size_t kGroupSlots = 8;
  // Groups migrated by each insert and erase during a rehash. 2 is what the
  // proof in the header comment needs for a 4x shrink; more only adds
  // latency to single operations.
  static constexpr size_t kMigrateGroupsPerOp = 2;
  // rehashFor() reads the clock once per this many migrated groups.
  static constexpr size_t kGroupsPerClockCheck = 64;
  static constexpr size_t kMinGroups = 1;
  // Arrays at least this big are mapped directly and, once old, returned
  // to the kernel piecewise (munmap): this many bytes per insert/erase, or per
  // step of rehashFor(). Freeing (munmap) costs ~70 us per MB here, so a
  // chunk costs a few microseconds and a whole small array under 20 us.
  static constexpr size_t kDrainThresholdBytes = 256 * 1024;
  static constexpr size_t kDrainBytesPerOp = 64 * 1024;
  static constexpr size_t kDrainBytesPerStep = 256 * 1024;

  explicit OpenTable(MemoryCounter& counter) : counter_(counter), cur_(emptyTable()) {}
  ~OpenTable() {  // frees the table arrays, never the items
    release(cur_);
    release(old_);
    finishDrain();
  }
  OpenTable(const OpenTable&) = delete;
  OpenTable& operator=(const OpenTable&) = delete;

  size_t size() const { return cur_.full + old_.full; }

  // Item with this key, or nullptr. `hash` must be Traits::hashOf(key).
  T* find(ByteView key, uint64_t hash) const {
    const uint64_t pattern = tagPattern(hash);
    Pos p = locate(cur_, key, hash, pattern);
    if (p.group) return p.group->slot[p.slot];
    if (old_.groups) [[unlikely]] {
      p = locate(old_, key, hash, pattern);
      if (p.group) return p.group->slot[p.slot];
    }
    return nullptr;
  }

  // Batched lookups (MGET, EXISTS k1 k2 ...) call these for every key before
  // the finds, so that the cache misses of many keys overlap instead of
  // being paid one after another: first prefetchGroup for all keys (loads
  // the home group), then prefetchItem for all (loads the first item whose
  // tag matches, once its group is there). Hints only: they change nothing.
  void prefetchGroup(uint64_t hash) const { __builtin_prefetch(&cur_.groups[hash & cur_.mask]); }
  void prefetchItem(uint64_t hash) const {
    const Group& group = cur_.groups[hash & cur_.mask];
    if (const uint64_t m = matchTag(group.ctrl, tagPattern(hash))) __builtin_prefetch(group.slot[slotOf(m)]);
  }

  // Address of the slot that holds the item with this key, or nullptr. The
  // caller may store a different item with the same key through it (used
  // when an entry is reallocated). Valid only until the next mutation.
  T** findSlot(ByteView key, uint64_t hash) {
    const uint64_t pattern = tagPattern(hash);
    Pos p = locate(cur_, key, hash, pattern);
    if (!p.group && old_.groups) p = locate(old_, key, hash, pattern);
    return p.group ? &p.group->slot[p.slot] : nullptr;
  }

  // Adds an item whose key is not present. May grow the table (incrementally).
  // If a needed resize cannot allocate, throws std::bad_alloc and the item is
  // not added; the table stays consistent. (erase never throws.)
  void insert(T* item, uint64_t hash) {
    assert(find(Traits::keyOf(item), hash) == nullptr);
    size_t migrated = 0;
    Pos p = findFree(cur_, hash);
    if (ctrlByte(p) == kEmpty && cur_.used >= cur_.limit) [[unlikely]] {
      migrated += makeRoom();
      p = findFree(cur_, hash);
    }
    place(cur_, p, item, hash);
    migrated += rehashStep();
    noteOp(migrated);
  }

  // Removes and returns the item with this key, or nullptr.
  T* erase(ByteView key, uint64_t hash) {
    const uint64_t pattern = tagPattern(hash);
    T* item = nullptr;
    Pos p = locate(cur_, key, hash, pattern);
    if (p.group) {
      item = removeAt(cur_, p);
    } else if (old_.groups) {
      p = locate(old_, key, hash, pattern);
      if (p.group) item = removeAt(old_, p);
    }
    noteOp(rehashStep());
    return item;
  }

  // Incremental rehash: does migration work for about `budget_ns`
  // nanoseconds; returns true if a rehash is still in progress afterwards.
  // Always does at least one chunk of work, so any budget makes progress.
  // A rehash counts as in progress until the old array's memory has been
  // returned, not just until its items have moved (see the header comment).
  bool isRehashing() const { return old_.groups != nullptr || drain_.block != nullptr; }
  bool rehashFor(int64_t budget_ns) {
    if (!isRehashing()) return false;
    const auto start = std::chrono::steady_clock::now();
    do {
      if (drain_.block) {
        drainStep(kDrainBytesPerStep);
      } else {
        migrate(kGroupsPerClockCheck);
        if (!old_.groups) maybeShrink();  // may start the next step of a mass shrink
      }
    } while (isRehashing() && std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::steady_clock::now() - start)
                                      .count() < budget_ns);
    return isRehashing();
  }

  // SCAN with Redis's guarantee: every item present for the whole scan is
  // visited at least once, across any number of resizes. Starts at cursor 0;
  // returns the next cursor, 0 when the scan is complete. Visits about
  // `count` home buckets' worth of items. (See the header comment for the
  // argument.)
  template <class Visit>  // void(T*)
  uint64_t scan(uint64_t cursor, size_t count, Visit&& visit) const {
    if (size() == 0) return 0;
    const Table* small = &cur_;
    const Table* large = nullptr;
    if (old_.groups) {
      large = &old_;
      if (old_.mask < cur_.mask) std::swap(small, large);
    }
    const uint64_t smallMask = small->mask;
    if (count == 0) count = 1;
    do {
      const uint64_t home = cursor & smallMask;
      scanHome(*small, home, visit);
      if (large) {
        // Every home of the larger table that refines `home` (at most 4).
        for (uint64_t h = home; h <= large->mask; h += smallMask + 1) scanHome(*large, h, visit);
      }
      cursor = nextCursor(cursor, smallMask);
    } while (cursor != 0 && --count != 0);
    return cursor;
  }

  // A pseudo-random item chosen using `random` bits, nullptr if empty.
  // Picks a table in proportion to the items it holds, a random slot in it,
  // and returns the first item at or after that slot (wrapping within the
  // table). Not perfectly uniform: an item after a run of free slots is
  // likelier. The expected number of slots looked at is (slots / items) of
  // the chosen table, so choosing by items keeps it small even when a
  // rehash has just started and the new table is nearly empty; old_'s
  // migrated groups, which hold nothing, are left out.
  T* randomItem(uint64_t random) const {
    if (size() == 0) return nullptr;
    const WalkStart w = randomStart(random);
    size_t g = w.slot / kGroupSlots;
    uint64_t skipMask = ~uint64_t{0} << (8 * (w.slot % kGroupSlots));
    for (size_t n = 0; n <= w.groups; n++) {  // n == groups revisits the first group whole
      const Group& grp = w.table->groups[w.first + g];
      if (const uint64_t m = matchFull(grp.ctrl) & skipMask) return grp.slot[slotOf(m)];
      skipMask = ~uint64_t{0};
      if (++g == w.groups) g = 0;
    }
    return nullptr;  // unreachable: the chosen table holds an item
  }

  // Visits up to `limit` items in slot order from a random slot (chosen as
  // randomItem chooses it), wrapping around, each at most once; `visit`
  // returns false to stop early. Since slots are ordered by hash, such a
  // run is a random sample of items that costs a few contiguous cache
  // lines instead of one random probe per item (eviction sampling).
  // During a rehash a run that has walked its whole table goes on into the
  // other one, so a limit of size() or more visits every item.
  template <class Visit>  // bool(T*); must not mutate the table
  void sampleRun(uint64_t random, size_t limit, Visit&& visit) const {
    if (size() == 0 || limit == 0) return;
    const WalkStart w = randomStart(random);
    if (!walkGroups(w, limit, visit) || !old_.groups) return;
    const bool inOld = w.table == &old_;
    const Table& other = inOld ? cur_ : old_;
    const size_t first = inOld ? 0 : migratePos_;
    walkGroups(WalkStart{&other, first, other.groupCount() - first, 0}, limit, visit);
  }

  template <class Visit>  // void(T*); must not mutate the table
  void forEach(Visit&& visit) const {
    forEachIn(cur_, visit);
    if (old_.groups) forEachIn(old_, visit);
  }

  // Drops every slot (the caller frees the items, e.g. with forEach first)
  // and returns the table to its initial small size.
  void clear() {
    release(cur_);
    release(old_);
    finishDrain();
    cur_ = emptyTable();
    old_ = Table{};
    migratePos_ = 0;
  }

  // Bytes held only until a rehash is over: the old slot array being
  // migrated, or being returned to the kernel. They go away on their own,
  // so a memory limit leaves them out (transientBytes), and counts a resize
  // by what it adds for good (insertGrowthBytes).
  size_t transientBytes() const {
    size_t bytes = allocationOf(old_);
    if (drain_.block) bytes += arrayAllocation(drain_.bytes);
    return bytes;
  }
  // Bytes the next insert of a new item would add for good by resizing the
  // table (0 if it would not resize, or only rehash in place to purge
  // tombstones; an upper bound when it lands on a tombstone). A memory
  // limit uses it to evict before the table doubles rather than after.
  size_t insertGrowthBytes() const {
    if (cur_.used < cur_.limit || old_.groups) return 0;
    if (cur_.limit == 0) return kMinGroups * sizeof(Group);
    return needsToGrow() ? cur_.groupCount() * sizeof(Group) : 0;  // doubling adds one more array's worth
  }

  // Bytes of the slot arrays, as the allocator counts them (the old one of
  // a rehash included): what the table costs beyond its items.
  size_t arrayBytes() const {
    return allocationOf(cur_) + allocationOf(old_) + (drain_.block ? arrayAllocation(drain_.bytes) : 0);
  }

  size_t capacity() const {  // slots in the table(s)
    return ownedSlots(cur_) + ownedSlots(old_);
  }

  // Live items per slot of the newer table: the load once any rehash ends.
  double loadFactor() const {
    const size_t slots = ownedSlots(cur_);
    return slots ? static_cast<double>(size()) / static_cast<double>(slots) : 0.0;
  }

  const OpenTableRehashStats& rehashStats() const { return stats_; }

  // Checks every structural invariant; returns nullptr if all hold, else a
  // description of the first violation. O(n): for tests and debugging.
  const char* verify() const {
    if (emptyGroup()->ctrl != 0) return "shared empty group was written";
    if (const char* why = verifyTable(cur_, &old_)) return why;
    if (old_.groups) {
      if (const char* why = verifyTable(old_, &cur_)) return why;
      if (old_.full == 0) return "rehash left running with no items in the old table";
      if (cur_.used + old_.full > cur_.limit) return "rehash headroom invariant broken";
      for (size_t g = 0; g < migratePos_; g++) {
        if (matchFull(old_.groups[g].ctrl)) return "item left behind in a migrated group";
      }
    } else if (migratePos_ != 0) {
      return "migration position set while not rehashing";
    }
    if (drain_.block && (drain_.next > drain_.end || drain_.end > static_cast<char*>(drain_.block) +
                                                                    drain_.bytes)) {
      return "drain range outside its block";
    }
    return nullptr;
  }

 private:
  friend struct OpenTableTestPeer;

  struct Group {
    uint64_t ctrl;  // byte i (bits 8i..8i+7) describes slot[i]
    T* slot[kGroupSlots];
  };

  struct Table {
    Group* groups = nullptr;  // nullptr only for old_ when not rehashing
    size_t mask = 0;          // group count - 1 (a power of two minus one)
    size_t full = 0;          // FULL slots: live items
    size_t used = 0;          // FULL + DELETED slots
    size_t limit = 0;         // most `used` may reach: 7/8 of the slots
    size_t groupCount() const { return mask + 1; }
    size_t slots() const { return groupCount() * kGroupSlots; }
  };

  struct Pos {
    Group* group;  // nullptr: not found
    unsigned slot;
  };

  static constexpr uint8_t kEmpty = 0x00;
  static constexpr uint8_t kDeleted = 0x01;
  static constexpr uint8_t kFullBit = 0x80;
  static constexpr uint64_t kLsbs = 0x0101010101010101ull;
  static constexpr uint64_t kMsbs = 0x8080808080808080ull;

  // The groups of a table that has never allocated: one all-EMPTY group in
  // read-only storage. Its limit of 0 makes the first insert allocate, so it
  // is never written (a bug that tried would fault).
  static constexpr Group kEmptyGroup{};
  static Group* emptyGroup() { return const_cast<Group*>(&kEmptyGroup); }
  static Table emptyTable() { return Table{emptyGroup(), 0, 0, 0, 0}; }
  static size_t ownedSlots(const Table& t) {
    return t.groups && t.groups != emptyGroup() ? t.slots() : 0;
  }
  static size_t allocationOf(const Table& t) {
    if (!ownedSlots(t)) return 0;
    const size_t bytes = t.groupCount() * sizeof(Group);
    return mappedDirectly(bytes) ? arrayAllocation(bytes) : usableSize(t.groups);
  }

  // Arrays of kDrainThresholdBytes or more are mapped directly (Linux):
  // fresh anonymous pages read as zero and are faulted in lazily, whereas
  // calloc may hand out a recycled heap block and zero all of it first
  // (glibc raises its mmap threshold after large frees), which made the
  // insert that starts a resize of a 1M-key table stall ~5 ms.
  static bool mappedDirectly(size_t bytes) {
#if defined(__linux__)
    return bytes >= kDrainThresholdBytes;
#else
    return false;
#endif
  }
  // What a mapped array of `bytes` costs: whole pages.
  static size_t arrayAllocation(size_t bytes) { return (bytes + pageSize() - 1) & ~(pageSize() - 1); }

  // Where a random walk starts (randomItem, sampleRun): a table chosen in
  // proportion to the items it holds (old_'s migrated groups, which hold
  // nothing, left out), then a slot in it from a second, decorrelated draw
  // from the same bits. The table must hold an item.
  struct WalkStart {
    const Table* table;
    size_t first;   // first group that may hold items
    size_t groups;  // groups from `first` on
    size_t slot;    // the starting slot, counted from `first`
  };
  // Visits the items of w's groups from w.slot's group on, wrapping, until
  // `visit` says stop or `limit` runs out (both: false), or every group was
  // walked (true).
  template <class Visit>
  bool walkGroups(const WalkStart& w, size_t& limit, Visit& visit) const {
    size_t g = w.slot / kGroupSlots;
    for (size_t n = 0; n < w.groups; n++) {
      const Group& grp = w.table->groups[w.first + g];
      const uint64_t full = matchFull(grp.ctrl);
      // The visitor reads the items: start all their loads now, so that
      // their cache misses overlap instead of coming one after another.
      for (uint64_t m = full; m; m &= m - 1) __builtin_prefetch(grp.slot[slotOf(m)]);
      for (uint64_t m = full; m; m &= m - 1) {
        if (!visit(grp.slot[slotOf(m)]) || --limit == 0) return false;
      }
      if (++g == w.groups) g = 0;
    }
    return true;
  }

  WalkStart randomStart(uint64_t random) const {
    const bool inOld = mulHigh(random, size()) >= cur_.full;
    const Table& t = inOld ? old_ : cur_;
    const size_t first = inOld ? migratePos_ : 0;
    const size_t groups = t.groupCount() - first;
    uint64_t mixed = random * 0x9E3779B97F4A7C15ull;
    mixed ^= mixed >> 29;
    return WalkStart{&t, first, groups, mulHigh(mixed, groups * kGroupSlots)};
  }

  // --- SWAR on a control word -------------------------------------------

  // 0x80 in each byte of x that is zero, 0 elsewhere (exact: no false
  // positives from borrows, unlike the shorter haszero trick).
  static uint64_t zeroBytes(uint64_t x) {
    constexpr uint64_t low7 = ~kMsbs;
    return ~(((x & low7) + low7) | x | low7);
  }
  static uint64_t matchTag(uint64_t ctrl, uint64_t pattern) { return zeroBytes(ctrl ^ pattern); }
  // Any EMPTY byte? (The classic haszero test: exact as a yes/no answer.)
  static bool hasEmpty(uint64_t ctrl) { return ((ctrl - kLsbs) & ~ctrl & kMsbs) != 0; }
  static uint64_t matchFull(uint64_t ctrl) { return ctrl & kMsbs; }
  static uint64_t matchFree(uint64_t ctrl) { return ~ctrl & kMsbs; }  // EMPTY or DELETED
  static unsigned slotOf(uint64_t match) {
    return static_cast<unsigned>(__builtin_ctzll(match)) >> 3;
  }

  static uint8_t tagOf(uint64_t hash) { return static_cast<uint8_t>(kFullBit | (hash >> 57)); }
  static uint64_t tagPattern(uint64_t hash) { return kLsbs * tagOf(hash); }
  static uint8_t ctrlByte(Pos p) { return static_cast<uint8_t>(p.group->ctrl >> (8 * p.slot)); }
  static void setCtrlByte(Pos p, uint8_t value) {
    const unsigned shift = 8 * p.slot;
    p.group->ctrl = (p.group->ctrl & ~(uint64_t{0xFF} << shift)) | (uint64_t{value} << shift);
  }
  static uint64_t hashOfItem(const T* item) { return Traits::hashOf(Traits::keyOf(item)); }
  // floor(x * n / 2^64): maps 64 random bits onto [0, n) without a division.
  static size_t mulHigh(uint64_t x, size_t n) {
    return static_cast<size_t>((static_cast<__uint128_t>(x) * n) >> 64);
  }

  // --- Probing ----------------------------------------------------------

  static Pos locate(const Table& t, ByteView key, uint64_t hash, uint64_t pattern) {
    size_t g = hash & t.mask;
    for (size_t step = 0;;) {
      Group* grp = &t.groups[g];
      const uint64_t ctrl = grp->ctrl;
      for (uint64_t m = matchTag(ctrl, pattern); m; m &= m - 1) {
        const unsigned i = slotOf(m);
        if (Traits::keyOf(grp->slot[i]) == key) [[likely]] return {grp, i};
      }
      if (hasEmpty(ctrl)) [[likely]] return {nullptr, 0};
      if (++step > t.mask) return {nullptr, 0};  // every group seen (cannot happen at <= 7/8)
      g = (g + step) & t.mask;
    }
  }

  // First free slot on the hash's probe sequence. The caller guarantees one
  // exists (used < slots always holds).
  static Pos findFree(const Table& t, uint64_t hash) {
    size_t g = hash & t.mask;
    for (size_t step = 0;;) {
      Group* grp = &t.groups[g];
      if (const uint64_t m = matchFree(grp->ctrl)) return {grp, slotOf(m)};
      ++step;
      assert(step <= t.mask);
      g = (g + step) & t.mask;
    }
  }

  static void place(Table& t, Pos p, T* item, uint64_t hash) {
    if (ctrlByte(p) == kEmpty) t.used++;
    setCtrlByte(p, tagOf(hash));
    p.group->slot[p.slot] = item;
    t.full++;
  }

  static T* removeAt(Table& t, Pos p) {
    T* item = p.group->slot[p.slot];
    // If the group already holds an EMPTY byte, no probe chain runs past it,
    // so the slot can become EMPTY again; otherwise chains through this group
    // must stay unbroken, hence a tombstone.
    if (hasEmpty(p.group->ctrl)) {
      setCtrlByte(p, kEmpty);
      t.used--;
    } else {
      setCtrlByte(p, kDeleted);
    }
    t.full--;
    return item;
  }

  // --- Allocation ---------------------------------------------------------

  Table allocateTable(size_t groups) {
    assert(groups >= kMinGroups && (groups & (groups - 1)) == 0);
    // Zeroed, not allocated and filled: EMPTY is 0, and fresh large
    // allocations are lazily-zeroed pages (see the header comment).
    const size_t bytes = groups * sizeof(Group);
    void* p;
    if (mappedDirectly(bytes)) {
      p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      counter_.add(arrayAllocation(bytes));
    } else {
      p = countedCalloc(counter_, groups, sizeof(Group));
    }
    Table t;
    t.groups = static_cast<Group*>(p);
    t.mask = groups - 1;
    t.limit = groups * kGroupSlots - groups;  // 7/8 of the slots
    return t;
  }

  void release(Table& t) {
    if (t.groups && t.groups != emptyGroup()) freeArray(t.groups, t.groupCount() * sizeof(Group));
    t = Table{};
  }

  void freeArray(void* block, size_t bytes) {
    if (mappedDirectly(bytes)) {
      munmap(block, bytes);
      counter_.sub(arrayAllocation(bytes));
    } else {
      countedFree(counter_, block);
    }
  }

  // The old array of a completed rehash. A big one is not freed at once:
  // it is unmapped a chunk at a time (drainStep), and the final munmap of
  // what is left is then cheap. Until then the MemoryCounter still counts
  // the whole block.
  void retire(Table& t) {
    const size_t bytes = t.groupCount() * sizeof(Group);
    void* block = t.groups;
    t = Table{};
#if defined(__linux__)
    if (bytes >= kDrainThresholdBytes) {
      finishDrain();  // an earlier drain still pending: rare, and mostly done
      const uintptr_t page = pageSize();
      const uintptr_t first = (reinterpret_cast<uintptr_t>(block) + page - 1) & ~(page - 1);
      const uintptr_t last = (reinterpret_cast<uintptr_t>(block) + bytes) & ~(page - 1);
      drain_.block = block;
      drain_.bytes = bytes;
      drain_.next = reinterpret_cast<char*>(first);
      drain_.end = reinterpret_cast<char*>(std::max(first, last));
      return;
    }
#endif
    freeArray(block, bytes);
  }

  void drainStep(size_t maxBytes) {
#if defined(__linux__)
    maxBytes = (maxBytes + pageSize() - 1) & ~(pageSize() - 1);  // keeps `next` page-aligned
    const size_t bytes = std::min(maxBytes, static_cast<size_t>(drain_.end - drain_.next));
    // A drained block is one we mapped (mappedDirectly): unmap it a chunk
    // at a time, page tables included, so that the final munmap of the
    // rest is cheap (one munmap of 19 MB, even with its pages already
    // dropped by madvise, took 1-2 ms here). Unmapping pages already
    // unmapped is no error, so finishDrain may unmap the whole range.
    if (bytes) munmap(drain_.next, bytes);
    drain_.next += bytes;
#endif
    if (drain_.next >= drain_.end) finishDrain();
  }

  void finishDrain() {
    if (!drain_.block) return;
    freeArray(drain_.block, drain_.bytes);
    drain_ = Drain{};
  }

  static uintptr_t pageSize() {
    static const uintptr_t size = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    return size;
  }

  // --- Resizing and migration ---------------------------------------------

  // An insert found no reusable slot and the table is at its load limit.
  // Returns the number of groups migrated synchronously (0 unless a rehash
  // had to be forced to completion, which the header comment shows cannot
  // happen).
  size_t makeRoom() {
    size_t migrated = 0;
    if (old_.groups) {
      migrated = migrate(SIZE_MAX);  // fits: cur_.used + old_.full <= cur_.limit
      stats_.forcedFinishes++;
      if (cur_.used < cur_.limit) return migrated;
    }
    if (cur_.limit == 0) {
      startResize(kMinGroups);  // first insert into a table that never allocated
    } else {
      startResize(needsToGrow() ? cur_.groupCount() * 2 : cur_.groupCount());
    }
    return migrated;
  }

  // A full table (live items and tombstones at the limit) doubles if more
  // than 25/32 of its slots hold live items; otherwise it is rebuilt at the
  // same size, which purges the tombstones. A cache that evicts as it
  // inserts churns tombstones at a constant size: growing it would spend
  // memory on empty slots instead of on keys. (The bound in the header
  // comment shows a same-size migration still always fits.)
  bool needsToGrow() const { return cur_.full * 32 > cur_.slots() * 25; }

  // Live items below 1/8 of the slots: start a shrink (unless a rehash is
  // running; its completion calls this again).
  void maybeShrink() {
    const size_t groups = cur_.groupCount();
    if (old_.groups || groups <= kMinGroups || cur_.full >= groups) return;  // groups == slots / 8
    // The smallest size keeping the load <= 1/2 (at most groups / 4, since
    // full < groups)...
    size_t target = kMinGroups;
    while (target * kGroupSlots < cur_.full * 2) target *= 2;
    // ...but with items to migrate, never more than 4x smaller in one step:
    // the rehash-finishes-in-time bound needs it. A mass delete steps down
    // 4x per rehash, each next step starting when the previous completes.
    if (cur_.full != 0) target = std::max(target, groups / 4);
    // Called after an erase has already removed its item: running out of
    // memory here must not turn into a failed erase. The shrink is retried
    // by the next erase.
    try {
      startResize(target);
    } catch (const std::bad_alloc&) {
    }
  }

  void startResize(size_t groups) {
    assert(!old_.groups);
    Table fresh = allocateTable(groups);  // may throw: nothing changed yet
    if (cur_.full == 0) {  // nothing to migrate (or the shared empty group)
      release(cur_);
      cur_ = fresh;
      return;
    }
    if (groups > cur_.groupCount()) {
      stats_.grows++;
    } else if (groups == cur_.groupCount()) {
      stats_.sameSizeRehashes++;
    } else {
      stats_.shrinks++;
    }
    old_ = cur_;
    cur_ = fresh;
    migratePos_ = 0;
  }

  // Per-operation migration, then the deferred shrink check. Returns the
  // number of groups migrated.
  size_t rehashStep() {
    size_t migrated = 0;
    if (old_.groups) migrated = migrate(kMigrateGroupsPerOp);
    if (!old_.groups) maybeShrink();
    if (drain_.block) [[unlikely]] drainStep(kDrainBytesPerOp);
    return migrated;
  }

  // Migrates up to `maxGroups` groups of old_; retires old_ once it holds
  // no items (the remaining groups are then only tombstones and EMPTY).
  size_t migrate(size_t maxGroups) {
    size_t done = 0;
    while (done < maxGroups && old_.full != 0) {
      assert(migratePos_ <= old_.mask);
      migrateGroup(old_.groups[migratePos_++]);
      done++;
    }
    stats_.groupsMigrated += done;
    if (old_.full == 0) {
      retire(old_);
      migratePos_ = 0;
    }
    return done;
  }

  void migrateGroup(Group& src) {
    const uint64_t full = matchFull(src.ctrl);
    if (!full) return;
    // Re-hashing reads every item's key: start all those cache misses at once.
    for (uint64_t m = full; m; m &= m - 1) __builtin_prefetch(src.slot[slotOf(m)]);
    for (uint64_t m = full; m; m &= m - 1) {
      T* item = src.slot[slotOf(m)];
      const uint64_t hash = hashOfItem(item);
      place(cur_, findFree(cur_, hash), item, hash);
    }
    assert(cur_.used <= cur_.limit);
    // FULL -> DELETED in every migrated slot (full >> 7 has 0x01 exactly in
    // those bytes). Never EMPTY: chains of unmigrated items may pass here.
    const uint64_t ones = full >> 7;
    src.ctrl = (src.ctrl & ~(ones * 0xFF)) | (ones * kDeleted);
    old_.full -= static_cast<size_t>(__builtin_popcountll(full));
  }

  void noteOp(size_t migrated) {
    if (migrated > stats_.maxGroupsInOneOp) stats_.maxGroupsInOneOp = migrated;
  }

  // --- SCAN -----------------------------------------------------------------

  template <class Visit>
  static void scanHome(const Table& t, size_t home, Visit& visit) {
    size_t g = home;
    for (size_t step = 0;;) {
      const Group& grp = t.groups[g];
      for (uint64_t m = matchFull(grp.ctrl); m; m &= m - 1) {
        T* item = grp.slot[slotOf(m)];
        if ((hashOfItem(item) & t.mask) == home) visit(item);
      }
      if (hasEmpty(grp.ctrl) || ++step > t.mask) return;
      g = (g + step) & t.mask;
    }
  }

  static uint64_t reverseBits(uint64_t v) {
    v = __builtin_bswap64(v);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    return v;
  }

  // Reverse-binary increment over the bits of `mask`: set the bits above the
  // mask so the carry runs off the top, then add 1 to the reversed value.
  static uint64_t nextCursor(uint64_t cursor, uint64_t mask) {
    cursor |= ~mask;
    return reverseBits(reverseBits(cursor) + 1);
  }

  template <class Visit>
  static void forEachIn(const Table& t, Visit& visit) {
    if (!t.full) return;
    for (size_t g = 0; g <= t.mask; g++) {
      const Group& grp = t.groups[g];
      for (uint64_t m = matchFull(grp.ctrl); m; m &= m - 1) visit(grp.slot[slotOf(m)]);
    }
  }

  // --- verify() ---------------------------------------------------------------

  static const char* verifyTable(const Table& t, const Table* other) {
    if (!t.groups) return "table without groups";
    if (t.groups == emptyGroup()) {
      return t.full || t.used || t.limit || t.mask ? "empty table with counts" : nullptr;
    }
    if (t.limit != t.groupCount() * (kGroupSlots - 1)) return "wrong load limit";
    size_t full = 0, used = 0;
    for (size_t g = 0; g <= t.mask; g++) {
      const Group& grp = t.groups[g];
      for (unsigned i = 0; i < kGroupSlots; i++) {
        const uint8_t c = static_cast<uint8_t>(grp.ctrl >> (8 * i));
        if (c == kEmpty) continue;
        used++;
        if (c == kDeleted) continue;
        if (!(c & kFullBit)) return "invalid control byte";
        full++;
        const T* item = grp.slot[i];
        const ByteView key = Traits::keyOf(item);
        const uint64_t hash = Traits::hashOf(key);
        if (c != tagOf(hash)) return "tag does not match the item's hash";
        const Pos p = locate(t, key, hash, tagPattern(hash));
        if (p.group != &grp || p.slot != i) return "item not reachable on its probe chain";
        if (other->groups && locate(*other, key, hash, tagPattern(hash)).group) {
          return "key present in both tables";
        }
      }
    }
    if (full != t.full) return "full count mismatch";
    if (used != t.used) return "used count mismatch";
    if (t.used > t.limit) return "load limit exceeded";
    return nullptr;
  }

  MemoryCounter& counter_;
  Table cur_;         // the newer table; the only one when not rehashing
  Table old_;         // the table being migrated from; groups == nullptr if none
  size_t migratePos_ = 0;  // next old_ group to migrate
  struct Drain {
    void* block = nullptr;  // the retired array, or nullptr
    size_t bytes = 0;       // its size (groups x sizeof(Group))
    char* next = nullptr;   // first page not yet returned
    char* end = nullptr;    // end of the whole pages inside the block
  } drain_;
  OpenTableRehashStats stats_;
};

}  // namespace ember
